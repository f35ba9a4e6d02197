"""Writes for board reports: asking for one, making it (once), and e-mailing its link."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from culture_of_care.accounts.models import RoleAssignment, SentEmail, User
from culture_of_care.accounts.roles import PROGRAMME_WIDE
from culture_of_care.improvement.windows import latest_reportable_month
from culture_of_care.reporting.board.render import render_pdf, render_xlsx
from culture_of_care.reporting.board.selectors import board_report_content
from culture_of_care.reporting.models import REPORT_RECIPIENT_ROLES, BoardReport
from organisations.models import Organisation, OrganisationStatus

logger = logging.getLogger(__name__)


def _queue(report_id: int) -> None:
    from culture_of_care.reporting.board.tasks import board_report_make_task

    try:
        board_report_make_task.delay(report_id)
    except Exception:  # a broker that is down must not fail the request: the sweep retries
        logger.exception("Could not queue board report %s; the next sweep will make it", report_id)


@transaction.atomic
def board_report_request(
    *, organisation: Organisation | None, month: date, actor: User | None
) -> tuple[BoardReport, bool]:
    """Ask for a board report to be made; returns (report, whether a new job was queued).

    A report already queued or being made is left alone, so a second request while one runs
    starts nothing. A ready or failed one is made again (new data, or a fixed fault).
    """
    month = month.replace(day=1)
    report, _ = BoardReport.objects.select_for_update().get_or_create(
        organisation=organisation, month=month
    )
    if report.in_progress and report.requested_at is not None:
        return report, False
    report.status = BoardReport.Status.QUEUED
    report.failure_reason = ""
    report.requested_by = actor
    report.requested_at = timezone.now()
    report.save(update_fields=["status", "failure_reason", "requested_by", "requested_at"])
    transaction.on_commit(lambda: _queue(report.pk))
    return report, True


def _claim(report_id: int) -> bool:
    """Take the report from queued to being made; False when someone else already has it."""
    claimed = BoardReport.objects.filter(pk=report_id, status=BoardReport.Status.QUEUED).update(
        status=BoardReport.Status.RUNNING, started_at=timezone.now()
    )
    return bool(claimed)


def board_report_make(*, report_id: int) -> BoardReport:
    """Make the PDF and XLSX for a queued report, store them, and e-mail the link.

    Idempotent: a report that is not queued (already made, or being made by another worker) is
    returned unchanged. A failure is recorded on the report with a plain reason.
    """
    if not _claim(report_id):
        return BoardReport.objects.get(pk=report_id)
    report = BoardReport.objects.select_related("organisation").get(pk=report_id)
    try:
        content = board_report_content(organisation=report.organisation, month=report.month)
        pdf = render_pdf(content)
        xlsx = render_xlsx(content)
    except Exception as error:
        logger.exception("Board report %s failed", report_id)
        BoardReport.objects.filter(pk=report_id).update(
            status=BoardReport.Status.FAILED,
            failure_reason=f"The report could not be made ({type(error).__name__}). "
            "Try again; if it fails again, tell the programme team.",
            finished_at=timezone.now(),
        )
        return BoardReport.objects.get(pk=report_id)
    stem = f"culture-of-care-{report.organisation.ods_code.lower() if report.organisation_id else 'national'}-{report.month:%Y-%m}"
    for field, data in (("pdf", pdf), ("xlsx", xlsx)):
        old = getattr(report, field)
        if old:
            old.delete(save=False)
        getattr(report, field).save(f"{stem}.{field}", ContentFile(data), save=False)
    report.status = BoardReport.Status.READY
    report.finished_at = timezone.now()
    report.save(update_fields=["pdf", "xlsx", "status", "finished_at"])
    board_report_notify(report=report)
    return report


def report_recipients(report: BoardReport) -> list[User]:
    """Who is e-mailed the link: the organisation lead and its executives; for the national
    report, the programme leads and admins."""
    grants = RoleAssignment.objects.current().filter(user__is_active=True)
    if report.organisation_id:
        grants = grants.filter(
            organisation_id=report.organisation_id, role__in=REPORT_RECIPIENT_ROLES
        )
    else:
        grants = grants.filter(role__in=PROGRAMME_WIDE)
    ids = set(grants.values_list("user_id", flat=True))
    return list(User.objects.filter(id__in=ids).order_by("email"))


def board_report_notify(*, report: BoardReport) -> int:
    """E-mail the report's link (never the file) to each recipient once; returns how many."""
    link = f"{settings.SITE_URL.rstrip('/')}{reverse('reporting:board_reports')}"
    sent = 0
    for user in report_recipients(report):
        key = f"board-report:{report.pk}:{report.finished_at:%Y%m%d%H%M%S}:{user.pk}"
        try:
            with transaction.atomic():
                SentEmail.objects.create(key=key, to=user.email)
                send_mail(
                    subject=f"Culture of Care: board report for {report.month:%B %Y} is ready",
                    message=render_to_string(
                        "reporting/board/email.txt", {"user": user, "report": report, "link": link}
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[user.email],
                )
        except IntegrityError:
            continue
        sent += 1
    return sent


def board_reports_schedule(
    *, month: date | None = None, organisation: Organisation | None = None, national: bool = True
) -> list[BoardReport]:
    """Queue the month's reports: every active organisation's and the national one.

    ``month`` defaults to the latest month whose submission deadline has passed.
    """
    month = (month or latest_reportable_month(timezone.localdate())).replace(day=1)
    if organisation is not None:
        organisations = [organisation]
        national = False
    else:
        organisations = list(Organisation.objects.filter(status=OrganisationStatus.ACTIVE))
    reports = []
    for org in organisations:
        reports.append(board_report_request(organisation=org, month=month, actor=None)[0])
    if national:
        reports.append(board_report_request(organisation=None, month=month, actor=None)[0])
    return reports


def board_reports_sweep() -> int:
    """Re-queue reports left queued (a broker that was down, a worker that died)."""
    stale = timezone.now() - timezone.timedelta(minutes=settings.BOARD_REPORT_STALE_MINUTES)
    stuck = BoardReport.objects.filter(status=BoardReport.Status.RUNNING, started_at__lt=stale)
    stuck.update(status=BoardReport.Status.QUEUED)
    ids = list(
        BoardReport.objects.filter(status=BoardReport.Status.QUEUED).values_list("id", flat=True)
    )
    for report_id in ids:
        _queue(report_id)
    return len(ids)
