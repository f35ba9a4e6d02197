"""Reads for programme-level reporting and the chart panels on ward, organisation and home pages.

Reporting reads every app and nothing imports it (DESIGN.md section 1).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from culture_of_care.access import has_role, reaches_whole_organisation, read_reach
from culture_of_care.accounts.roles import PROGRAMME_WIDE, Role
from culture_of_care.improvement.charts import labels
from culture_of_care.improvement.charts import selectors as chart_selectors
from culture_of_care.improvement.charts.results import Scope, SummaryRow
from culture_of_care.improvement.models import Signal
from culture_of_care.notifications.kinds import DueItem
from culture_of_care.reporting.models import Snapshot, SnapshotKind
from culture_of_care.reporting.services import NATIONAL_RATES

PANEL_SIGNALS_SHOWN = 5


def may_see_programme(user: Any) -> bool:
    """The programme-level MDC summary is for programme leads and admins."""
    return has_role(user, *PROGRAMME_WIDE)


def programme_summary_rows() -> list[SummaryRow]:
    """Every national measure summed over every ward in the programme, with its icons."""
    return chart_selectors.summary_rows(Scope.programme())


def _signal_items(signals: list[Signal]) -> list[dict[str, Any]]:
    return [
        {
            "measure": s.measure.name,
            "period": labels.period_label(s.period_start, s.measure.frequency),
            "special_cause": s.special_cause,
            "review_url": reverse("charts:signal_review", args=[s.pk]),
        }
        for s in signals
    ]


def ward_panel(user: Any, ward: Any) -> dict[str, Any] | None:
    """ "Signals to review" and the link to the ward's measures summary, for the ward page."""
    if ward is None or not read_reach(user).covers(
        organisation_id=ward.organisation_id, ward_id=ward.pk
    ):
        return None
    unreviewed = Signal.objects.visible_to(user).filter(ward_id=ward.pk, reviewed_at__isnull=True)
    # Counts and the latest signals only for those who review them (issue 15), one per run.
    reviewer = chart_selectors.reviews_signals(user)
    runs = (
        chart_selectors.signal_runs(unreviewed, Signal.objects.visible_to(user)) if reviewer else []
    )
    return {
        "signal_count": len(runs),
        "reviews_signals": reviewer,
        "signals": _signal_items([run.latest for run in runs[:PANEL_SIGNALS_SHOWN]]),
        "signals_url": reverse("charts:ward_signals", args=[ward.pk]),
        "summary_url": reverse("charts:ward_summary", args=[ward.pk]),
        "name": ward.name,
    }


def organisation_panel(user: Any, organisation: Any) -> dict[str, Any] | None:
    """The organisation's measures summary and its signals, for people who work across it."""
    if organisation is None:
        return None
    if not reaches_whole_organisation(user, organisation):
        return None
    unreviewed = Signal.objects.visible_to(user).filter(
        organisation_id=organisation.pk, reviewed_at__isnull=True
    )
    reviewer = chart_selectors.reviews_signals(user)
    return {
        "signal_count": chart_selectors.count_signal_runs(user, unreviewed) if reviewer else None,
        "signals_url": reverse("charts:organisation_signals", args=[organisation.ods_code]),
        "summary_url": reverse("charts:organisation_summary", args=[organisation.ods_code]),
        "name": organisation.name,
    }


def home_panel(user: Any, _obj: Any = None) -> dict[str, Any] | None:
    """Signals to review across everything the person reaches; the programme summary for leads."""
    reach = read_reach(user)
    if reach.is_empty:
        return None
    programme = may_see_programme(user)
    count = None
    if chart_selectors.reviews_signals(user):
        unreviewed = Signal.objects.visible_to(user).filter(reviewed_at__isnull=True)
        count = chart_selectors.count_signal_runs(user, unreviewed)
    return {
        "signal_count": count,
        "signals_url": reverse("charts:my_signals"),
        "programme_url": reverse("reporting:programme_summary") if programme else "",
    }


# --- The weekly summary for organisation leads (a reminder kind, counts only) -------------


def organisation_week_for(user: Any, today: date) -> list[DueItem]:
    """Last week's activity on each organisation ``user`` leads: PDSA cycles started and
    completed, data entered, coaching sessions logged. Counts only, never content."""
    from coaching.models import CoachingSession, SessionStatus
    from culture_of_care.accounts.models import RoleAssignment
    from culture_of_care.improvement.models import CycleStatus, DataPoint, PDSACycle
    from organisations.models import Organisation

    org_ids = (
        RoleAssignment.objects.current()
        .filter(user=user, role=Role.ORGANISATION_LEAD, organisation__isnull=False)
        .values_list("organisation_id", flat=True)
    )
    organisations = list(Organisation.objects.filter(id__in=list(org_ids)).order_by("name"))
    if not organisations:
        return []
    week_start = today - timedelta(days=7)
    start = timezone.make_aware(datetime.combine(week_start, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    items = []
    for organisation in organisations:
        cycles = PDSACycle.objects.filter(organisation=organisation, ward__isnull=False)
        started = cycles.filter(started_on__gte=week_start, started_on__lt=today).count()
        completed = cycles.filter(
            status=CycleStatus.COMPLETE, decided_on__gte=week_start, decided_on__lt=today
        ).count()
        data = DataPoint.objects.filter(
            organisation=organisation, created_at__gte=start, created_at__lt=end
        )
        points = data.count()
        wards_with_data = data.values("ward_id").distinct().count()
        sessions = CoachingSession.objects.filter(
            organisation=organisation,
            status=SessionStatus.LOGGED,
            date__gte=week_start,
            date__lt=today,
        ).count()
        # HOOK (issue 14 / barriers): add "barriers raised, answered, escalated" counts here once
        # the Barrier model is on main.
        text = (
            f"{organisation.name}, {week_start:%-d %B} to {today - timedelta(days=1):%-d %B}: "
            f"{_n(started, 'PDSA cycle')} started, {completed} completed; "
            f"{_n(points, 'data value')} entered by {_n(wards_with_data, 'ward')}; "
            f"{_n(sessions, 'coaching session')} logged."
        )
        items.append(
            DueItem(
                kind="organisation_summary",
                key=f"organisation:{organisation.pk}:{today:%Y-%m-%d}",
                text=text,
                url=reverse("organisations:detail", args=[organisation.ods_code]),
                when=today,
            )
        )
    return items


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def dashboard_home_panel(user: Any, _obj: Any = None) -> dict[str, Any] | None:
    """Links to the dashboards the person may open (national, or their organisations' and
    wards'), and the wards they reach that have not reported the last closed month."""
    from culture_of_care.reporting.dashboards import may_see_national, missing_wards_for
    from organisations.models import Organisation

    if may_see_national(user):
        return {
            "key": "home",
            "links": [{"text": "National dashboard", "url": reverse("dashboards:national")}],
        }
    reach = read_reach(user)
    if reach.is_empty:
        return None
    links = [
        {
            "text": f"{o.name} dashboard",
            "url": reverse("dashboards:organisation", args=[o.ods_code]),
        }
        for o in Organisation.objects.visible_to(user)
        .filter(pk__in=reach.organisation_ids)
        .order_by("name")
    ]
    month, missing = missing_wards_for(user)
    # Wards are linked from the home page's own list and each ward page has its dashboard link.
    if not links and not missing:
        return None
    return {"key": "home", "links": links, "missing": missing, "month": month}


def dashboard_organisation_panel(user: Any, organisation: Any) -> dict[str, Any] | None:
    from culture_of_care.reporting.dashboards import user_reaches_organisation

    if organisation is None or not user_reaches_organisation(user, organisation.pk):
        return None
    url = reverse("dashboards:organisation", args=[organisation.ods_code])
    return {
        "key": "organisation",
        "links": [{"text": f"{organisation.name} dashboard", "url": url}],
    }


def dashboard_ward_panel(user: Any, ward: Any) -> dict[str, Any] | None:
    if ward is None or not read_reach(user).covers(
        organisation_id=ward.organisation_id, ward_id=ward.pk
    ):
        return None
    url = reverse("dashboards:ward", args=[ward.pk])
    return {"key": "ward", "links": [{"text": f"{ward.name} dashboard", "url": url}]}


def national_rates() -> tuple[dict, datetime | None]:
    """The national comparison: national totals, shown to everyone beside their own figures.

    Not tenant data (no ward or organisation figure in it), so read without scoping.
    """
    row = (
        Snapshot.objects.filter(kind=SnapshotKind.PROGRAMME, key=NATIONAL_RATES)
        .values_list("payload", "computed_at")
        .first()
    )
    return (row[0], row[1]) if row else ({}, None)
