"""What each role's home page holds: the person's own work, never a bare list of everything.

``selectors.home_for`` picks the kind of home (one per role, by precedence); the functions here
gather each kind's sections with a bounded number of queries (asserted per role in
tests/test_homes.py). Each section links to the full page where the work is done.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from culture_of_care.access import read_reach
from organisations.models import Organisation
from wards.models import Ward


def this_month_url(ward: Ward) -> str:
    """Where a ward enters this month's data (the one place to repoint when that page moves)."""
    return reverse("improvement:ward_data_month", args=[ward.pk])


# --- Charts at a glance (the MDC summary, small) -------------------------------------------------


@dataclass(frozen=True)
class GlanceRow:
    """One measure at a glance: its latest variation and assurance icons, and a sentence."""

    name: str
    url: str
    chart: Any
    sentence: str


def charts_at_a_glance(scope: Any, url_for: Any) -> list[GlanceRow]:
    """Each measure's latest variation and assurance with the plain-English sentence."""
    from culture_of_care.improvement.charts import selectors as chart_selectors

    rows = chart_selectors.summary_rows(scope)
    return [
        GlanceRow(row.measure.name, url_for(row.measure), row.chart, first_sentence(row.chart))
        for row in rows
    ]


def first_sentence(chart: Any) -> str:
    """The chart summary's first sentence: what the latest data says (the chart has the rest)."""
    from culture_of_care.improvement.charts.summary import chart_summary

    return re.split(r"(?<=\.)\s+", chart_summary(chart), maxsplit=1)[0]


def _ward_glance(ward: Ward) -> list[GlanceRow]:
    from culture_of_care.improvement.charts.results import Scope

    return charts_at_a_glance(
        Scope.for_ward(ward),
        lambda measure: reverse("charts:ward_chart", args=[ward.pk, measure.pk]),
    )


def _organisation_glance(organisation: Organisation) -> list[GlanceRow]:
    from culture_of_care.improvement.charts.results import Scope

    return charts_at_a_glance(
        Scope.for_organisation(organisation),
        lambda measure: reverse(
            "charts:organisation_chart", args=[organisation.ods_code, measure.pk]
        ),
    )


# --- The ward team ---------------------------------------------------------------------------


def ward_home(user: Any, wards: list[Ward]) -> dict[str, Any]:
    """Each ward's "enter this month's data" call and its charts at a glance.

    Someone on many wards sees the first ``HOME_WARDS_AT_A_GLANCE`` in full and the rest as
    links, so the page stays short.
    """
    limit = settings.HOME_WARDS_AT_A_GLANCE
    shown = []
    for index, ward in enumerate(wards):
        ward.this_month_url = this_month_url(ward)
        ward.glance = _ward_glance(ward) if index < limit else None
        shown.append(ward)
    return {"wards": shown}


# --- The organisation lead -------------------------------------------------------------------


def _overdue_actions(user: Any, organisation_ids: list[int], today: date) -> tuple[int, list]:
    from coaching.models import Action

    overdue = (
        Action.objects.readable_by(user)
        .open()
        .filter(organisation_id__in=organisation_ids, due_on__lt=today)
        .select_related("ward", "organisation", "owner", "session")
        .order_by("due_on", "id")
    )
    limit = settings.HOME_LIST_LIMIT
    actions = list(overdue[: limit + 1])
    total = len(actions) if len(actions) <= limit else overdue.count()
    return total, actions[:limit]


def _risk_status(user: Any, organisation: Organisation) -> dict[str, Any] | None:
    from risk.panels import organisation_panel

    return organisation_panel(user, organisation)


def _waiting_barriers(user: Any, organisation_ids: list[int]) -> dict[int, int]:
    from organisations.models import Barrier, BarrierStatus

    return dict(
        Barrier.objects.visible_to(user)
        .filter(organisation_id__in=organisation_ids, status=BarrierStatus.RAISED)
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )


def organisation_home(user: Any) -> dict[str, Any]:
    """Per organisation led: its measures, risk status, overdue actions and barriers waiting."""
    from culture_of_care.access import edit_reach

    today = timezone.localdate()
    reach = edit_reach(user, "organisation")
    organisations = list(
        Organisation.objects.visible_to(user)
        .filter(pk__in=reach.organisation_ids)
        .annotate(ward_total=Count("wards"))
        .order_by("name")
    )
    ids = [o.pk for o in organisations]
    barriers = _waiting_barriers(user, ids)
    overdue_total, overdue = _overdue_actions(user, ids, today)
    limit = settings.HOME_WARDS_AT_A_GLANCE
    for index, organisation in enumerate(organisations):
        organisation.glance = _organisation_glance(organisation) if index < limit else None
        organisation.risk = _risk_status(user, organisation) if index < limit else None
        organisation.barriers_waiting = barriers.get(organisation.pk, 0)
    return {
        "organisations": organisations,
        "overdue_total": overdue_total,
        "overdue_actions": overdue,
        "today": today,
    }


# --- The leadership coach (board and lived-experience coaches) -------------------------------


def leadership_coach_home(user: Any) -> dict[str, Any]:
    """The executives this coach's pairs support, with their last and next session, and the
    sessions due (no session for ``EXECUTIVE_NO_SESSION_WEEKS`` weeks) and drafts to finish."""
    from coaching import selectors as coaching_selectors
    from coaching.models import CoachPair, Executive, SessionKind, SessionStatus

    today = timezone.localdate()
    pairs = (
        CoachPair.objects.visible_to(user)
        .current(on=today)
        .filter(Q(lived_experience_coach=user) | Q(board_coach=user))
    )
    pair_list = list(pairs.values_list("pk", "organisation_id"))
    pair_ids = [pk for pk, _ in pair_list]
    org_ids = [org for _, org in pair_list]
    logged = Q(
        sessions__status=SessionStatus.LOGGED,
        sessions__kind=SessionKind.EXECUTIVE,
    )
    executives = list(
        Executive.objects.visible_to(user)
        .filter(organisation_id__in=org_ids, ended_on__isnull=True)
        .filter(Q(coach_pair_id__in=pair_ids) | Q(coach_pair__isnull=True))
        .annotate(
            last_session=Max("sessions__date", filter=logged & Q(sessions__date__lte=today)),
            next_session=Max("sessions__next_session_on", filter=logged),
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    due = coaching_selectors.executives_without_session_for(user, today)
    return {
        "executives": executives,
        "sessions_due": due[: settings.HOME_LIST_LIMIT],
        "sessions_due_total": len(due),
        "drafts": coaching_selectors.drafts_for(user).count(),
        "today": today,
    }


# --- The NCISH adviser (risk lead) -----------------------------------------------------------


def risk_home(user: Any) -> dict[str, Any]:
    """The organisations this adviser supports: cohort, latest self-assessment, milestones and
    the self-assessments due."""
    from risk import selectors as risk_selectors
    from risk.models import RiskParticipation, SelfAssessment

    today = timezone.localdate()
    reach = read_reach(user)
    participations = list(
        RiskParticipation.objects.visible_to(user)
        .filter(Q(adviser=user) | Q(organisation_id__in=reach.organisation_ids))
        .select_related("organisation")
        .order_by("organisation__name")
    )
    ids = [p.organisation_id for p in participations]
    latest: dict[int, Any] = {}
    for assessment in (
        SelfAssessment.objects.visible_to(user)
        .filter(organisation_id__in=ids)
        .prefetch_related("ratings")
        .order_by("organisation_id", "-quarter")
    ):
        latest.setdefault(assessment.organisation_id, assessment)
    done = risk_selectors.milestone_summary(ids)
    rows = [
        {
            "organisation": p.organisation,
            "participation": p,
            "maturity": risk_selectors.maturity_summary(latest.get(p.organisation_id)),
            "milestones_done": done.get(p.organisation_id, 0),
            "url": reverse("risk:organisation", args=[p.organisation.ods_code]),
        }
        for p in participations
    ]
    due = risk_selectors.self_assessments_due_for(user, today)
    return {
        "risk_rows": rows,
        "milestone_total": risk_selectors.active_milestone_total(),
        "assessments_due": due[: settings.HOME_LIST_LIMIT],
        "assessments_due_total": len(due),
        "cohort_url": reverse("risk:dashboard") if risk_selectors.has_cohort_view(user) else "",
    }
