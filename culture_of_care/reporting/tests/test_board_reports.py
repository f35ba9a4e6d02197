"""Monthly board reports: made once by the task, stored, listed for those entitled, e-mailed as a
link, and refused (404) to everyone else."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from culture_of_care.accounts.roles import Role
from culture_of_care.improvement.tests.chart_factories import chart_scene
from culture_of_care.reporting.board import services
from culture_of_care.reporting.board.tasks import board_report_make_task
from culture_of_care.reporting.models import BoardReport
from tests.factories import user_with_role

MONTH = date(2025, 12, 1)


@pytest.fixture(autouse=True)
def _report_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "reports")},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("reports", None)
    yield
    storages._storages.pop("reports", None)


def _pdf_text(report: BoardReport) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _made(org) -> BoardReport:
    report, queued = services.board_report_request(organisation=org, month=MONTH, actor=None)
    assert queued
    board_report_make_task(report.pk)
    report.refresh_from_db()
    return report


def test_the_task_makes_a_pdf_and_an_xlsx_for_an_organisation(ward, org_lead, executive):
    chart_scene(ward)
    report = _made(ward.organisation)

    assert report.status == BoardReport.Status.READY
    text = _pdf_text(report)
    assert "Riverside Mental Health NHS Trust" in text
    assert "MDC summary" in text
    assert "Restraint per 1,000 occupied bed days" in text
    assert "Source: Culture of Care, figures computed" in text

    with report.xlsx.open("rb") as handle:
        workbook = load_workbook(BytesIO(handle.read()))
    assert workbook.sheetnames[:3] == ["Report", "MDC summary", "Equity"]
    summary = workbook["MDC summary"]
    measures = [row[0].value for row in summary.iter_rows(min_row=4)]
    assert "Restraint per 1,000 occupied bed days" in measures


def test_the_link_is_emailed_once_to_the_lead_and_executives_never_the_file(
    ward, org_lead, executive, ward_member
):
    chart_scene(ward)
    report = _made(ward.organisation)
    assert sorted(m.to[0] for m in mail.outbox) == ["exec@example.org", "orglead@example.org"]
    message = mail.outbox[0]
    assert not message.attachments
    assert reverse("reporting:board_reports") in message.body

    # A second delivery of the same job, or a second notify, sends nothing more.
    board_report_make_task(report.pk)
    services.board_report_notify(report=report)
    assert len(mail.outbox) == 2


def test_a_second_request_while_one_is_queued_starts_nothing(ward, org_lead, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(services, "_queue", queued.append)
    first, started = services.board_report_request(
        organisation=ward.organisation, month=MONTH, actor=org_lead
    )
    again, started_again = services.board_report_request(
        organisation=ward.organisation, month=MONTH, actor=org_lead
    )
    assert started and not started_again
    assert first.pk == again.pk
    assert BoardReport.objects.count() == 1


def test_a_failure_is_recorded_with_a_plain_reason(ward, monkeypatch):
    from culture_of_care.reporting.board import services as board_services

    def broken(content):
        raise RuntimeError("boom")

    monkeypatch.setattr(board_services, "render_pdf", broken)
    report = _made(ward.organisation)
    assert report.status == BoardReport.Status.FAILED
    assert "could not be made" in report.failure_reason
    assert not report.pdf


def test_lead_sees_their_report_and_downloads_both_files(client_for, ward, org_lead):
    chart_scene(ward)
    report = _made(ward.organisation)
    client = client_for(org_lead)
    page = client.get(reverse("reporting:board_reports"))
    assert page.status_code == 200
    assert f'id="report-{report.pk}"' in page.text
    pdf = client.get(reverse("reporting:board_report_download", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(reverse("reporting:board_report_download", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 200


def test_another_organisations_lead_gets_404_for_both_files(client_for, ward, other_org_member):
    report = _made(ward.organisation)
    client = client_for(other_org_member)
    for fmt in ("pdf", "xlsx"):
        url = reverse("reporting:board_report_download", args=[report.pk, fmt])
        assert client.get(url).status_code == 404
    assert client.get(reverse("reporting:board_report_status", args=[report.pk])).status_code == 404
    assert f'id="report-{report.pk}"' not in client.get(reverse("reporting:board_reports")).text


def test_ward_members_have_no_board_reports(client_for, ward, ward_member):
    _made(ward.organisation)
    assert client_for(ward_member).get(reverse("reporting:board_reports")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, ward):
    report = _made(ward.organisation)
    for url in (
        reverse("reporting:board_reports"),
        reverse("reporting:board_report_download", args=[report.pk, "pdf"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_make_this_report_now_queues_and_the_status_row_polls(
    client_for, ward, org_lead, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr(services, "_queue", queued.append)
    client = client_for(org_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:board_reports"),
            {"subject": ward.organisation.ods_code, "month": "2025-12"},
        )
    assert response.status_code == 302
    report = BoardReport.objects.get()
    assert queued == [report.pk]
    row = client.get(reverse("reporting:board_report_status", args=[report.pk]))
    assert "Queued" in row.text
    assert 'hx-trigger="every 2s"' in row.text

    board_report_make_task(report.pk)
    row = client.get(reverse("reporting:board_report_status", args=[report.pk]))
    assert "Ready" in row.text
    assert "hx-trigger" not in row.text


def test_a_lead_cannot_ask_for_another_organisations_report(client_for, ward, org_lead, other_org):
    page = client_for(org_lead).post(
        reverse("reporting:board_reports"), {"subject": other_org.ods_code, "month": "2025-12"}
    )
    assert page.status_code == 200
    assert page.text.startswith("<!DOCTYPE html>")
    assert "Error: " in re.search(r"<title>(.*?)</title>", page.text, re.S).group(1)
    assert not BoardReport.objects.exists()


def test_executives_read_but_cannot_ask(client_for, ward, executive):
    report = _made(ward.organisation)
    client = client_for(executive)
    assert "Make this report now" not in client.get(reverse("reporting:board_reports")).text
    assert (
        client.get(reverse("reporting:board_report_download", args=[report.pk, "pdf"])).status_code
        == 200
    )
    assert (
        client.post(
            reverse("reporting:board_reports"), {"subject": "RAA", "month": "2025-12"}
        ).status_code
        == 403
    )


def test_programme_lead_makes_the_national_report(client_for, ward, programme_lead):
    chart_scene(ward)
    report = _made(None)
    assert report.status == BoardReport.Status.READY
    assert "All organisations in the programme" in _pdf_text(report)
    page = client_for(programme_lead).get(reverse("reporting:board_reports"))
    assert "The whole programme" in page.text


def test_make_reports_command_does_what_the_schedule_does(ward, org_lead, capsys):
    call_command("make_reports", "--month", "2025-12", "--organisation", ward.organisation.ods_code)
    report = BoardReport.objects.get(organisation=ward.organisation)
    assert report.status == BoardReport.Status.READY
    assert report.month == MONTH
    assert "1 report(s) made" in capsys.readouterr().out


def test_make_reports_refuses_a_bad_month_and_an_unknown_code(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2026-10"):
        call_command("make_reports", "--month", "October")
    with pytest.raises(CommandError, match="ZZZ"):
        call_command("make_reports", "--organisation", "ZZZ")


def test_the_monthly_schedule_reports_on_the_latest_month_past_its_deadline(
    ward, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr(services, "_queue", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        reports = services.board_reports_schedule()
    # Today is 1 December 2026 in this session's clock; tests read the real date, so check
    # the rule rather than a fixed month: the month's deadline has passed.
    from django.utils import timezone

    from culture_of_care.improvement.windows import counts_above_ward

    assert {r.organisation_id for r in reports} == {ward.organisation_id, None}
    assert all(counts_above_ward(r.month, today=timezone.localdate()) for r in reports)
    assert len(queued) == 2


def test_small_counts_below_national_level_are_hidden(ward):
    from culture_of_care.reporting.board.selectors import board_report_content

    content = board_report_content(organisation=ward.organisation, month=MONTH)
    assert content.coaching["ward_sessions"] == "*"  # none: a count under 5, zero included
    national = board_report_content(organisation=None, month=MONTH)
    assert national.coaching["ward_sessions"] == "0"


@pytest.mark.parametrize("role", [Role.QI_COACH, Role.RISK_LEAD])
def test_other_roles_of_the_organisation_are_not_entitled(client_for, ward, role):
    person = user_with_role(
        role, organisation=ward.organisation, ward=ward if role == Role.QI_COACH else None
    )
    report = _made(ward.organisation)
    client = client_for(person)
    assert (
        client.get(reverse("reporting:board_report_download", args=[report.pk, "pdf"])).status_code
        == 404
    )
