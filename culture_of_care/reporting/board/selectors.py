"""Reads for board reports: what a monthly report says (gathered once, rendered as PDF and
XLSX), and which reports a person may see or ask for.

A report is about one organisation (or the whole programme) and one month: the latest month
whose submission deadline has passed when it is made. It holds counts and figures only, never
a confidential coaching note and never a person's name below the organisation's leadership.
Every figure below national level goes through the one suppression module.

Reporting reads every app; nothing imports reporting (DESIGN.md section 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from culture_of_care import suppression
from culture_of_care.access import has_role
from culture_of_care.accounts.roles import PROGRAMME_WIDE
from culture_of_care.improvement.charts import labels
from culture_of_care.improvement.charts.results import Scope
from culture_of_care.improvement.charts.selectors import (
    equity_view,
    measures_for_scope,
    summary_rows,
)
from culture_of_care.improvement.charts.svg import chart_svg
from culture_of_care.improvement.models import CycleStatus, Decision, Involvement, PDSACycle
from culture_of_care.periods import add_months, month_label
from culture_of_care.reporting.models import REPORT_REQUESTER_ROLES, BoardReport
from organisations.models import Organisation, OrganisationStatus

CO_PRODUCED = (Involvement.CO_DESIGNED, Involvement.LED)


@dataclass
class SummaryLine:
    """One measure's line in the MDC summary table, as words and numbers."""

    measure: str
    unit: str
    latest_month: str
    value: str
    target: str
    mean: str
    limits: str
    variation: str
    variation_letter: str
    assurance: str
    assurance_letter: str
    variation_words: str


@dataclass
class ChartItem:
    measure: str
    summary: str
    svg: str


@dataclass
class EquityBlock:
    measure: str
    first: str
    last: str
    unit: str
    rows: list[dict[str, str]]
    any_secondary: bool


@dataclass
class BoardReportContent:
    title: str
    organisation_name: str
    ods_code: str
    month: date
    month_label: str
    computed_at: Any
    summary: list[SummaryLine] = field(default_factory=list)
    charts: list[ChartItem] = field(default_factory=list)
    equity: list[EquityBlock] = field(default_factory=list)
    pdsa: dict[str, Any] = field(default_factory=dict)
    coaching: dict[str, Any] = field(default_factory=dict)
    risk: dict[str, Any] | None = None
    barriers: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def source_line(self) -> str:
        return f"Source: Culture of Care, figures computed {timezone.localtime(self.computed_at):%d %B %Y %H:%M}"


def _scope(organisation: Organisation | None) -> Scope:
    return Scope.for_organisation(organisation) if organisation else Scope.programme()


def _rules() -> suppression.Rules:
    return suppression.Rules.from_settings()


def _count(value: int, *, national: bool) -> str:
    """A count as published: exact nationally, under the small-number rule below it."""
    if national:
        return f"{value:,}"
    return suppression.show_count(value, _rules())


def _summary_and_charts(scope: Scope, month: date) -> tuple[list[SummaryLine], list[ChartItem]]:
    lines: list[SummaryLine] = []
    items: list[ChartItem] = []
    for row in summary_rows(scope, measures_for_scope(scope)):
        chart = row.chart
        # Only months up to the report's month count: a later month is not yet complete.
        chart.points = [p for p in chart.points if p.period <= month]
        latest = row.latest
        lines.append(
            SummaryLine(
                measure=row.measure.name,
                unit=chart.unit,
                latest_month=labels.period_label(latest.period, row.measure.frequency)
                if latest
                else "No data",
                value=row.latest_value,
                target=chart.fmt(chart.target) if chart.target is not None else "No target",
                mean=row.mean,
                limits=row.limits,
                variation=chart.variation_label,
                variation_letter=chart.variation_letter,
                assurance=chart.assurance_label,
                assurance_letter=chart.assurance_letter,
                variation_words=chart.summary,
            )
        )
        if chart.has_data:
            items.append(
                ChartItem(
                    measure=row.measure.name,
                    summary=chart.summary,
                    svg=str(chart_svg(chart, element_id=f"chart-{row.measure.pk}", width=720)),
                )
            )
    return lines, items


def _equity(scope: Scope) -> list[EquityBlock]:
    blocks = []
    for measure in measures_for_scope(scope):
        if not measure.disaggregated:
            continue
        view = equity_view(scope, measure)
        if not view or view.get("empty"):
            continue
        rows = []
        for group in (*view["table"].rows, view["table"].total):
            ratio = group.rate_ratio
            rows.append(
                {
                    "group": group.name,
                    "count": group.numerator,
                    "denominator": group.denominator,
                    "rate": "*" if group.rate is None else f"{group.rate:.1f}",
                    "ratio": "Reference"
                    if group.is_reference
                    else ("" if ratio is None else f"{ratio.ratio:.2f}"),
                    "interval": "" if ratio is None else f"{ratio.lower:.2f} to {ratio.upper:.2f}",
                }
            )
        blocks.append(
            EquityBlock(
                measure=measure.name,
                first=view["first"],
                last=view["last"],
                unit=view["unit"],
                rows=rows,
                any_secondary=view["any_secondary"],
            )
        )
    return blocks


def _pdsa(organisation: Organisation | None, month: date) -> dict[str, Any]:
    cycles = PDSACycle.objects.all()
    if organisation is not None:
        cycles = cycles.filter(organisation=organisation)
    end = add_months(month, 1)
    started = cycles.filter(started_on__gte=month, started_on__lt=end)
    decided = cycles.filter(decided_on__gte=month, decided_on__lt=end)
    national = organisation is None
    decisions = dict(decided.values_list("decision").annotate(n=Count("id")).order_by())
    open_now = cycles.exclude(status=CycleStatus.COMPLETE).count()
    year = cycles.filter(started_on__gte=add_months(month, -11), started_on__lt=end)
    totals = year.aggregate(all=Count("id"), co=Count("id", filter=Q(involvement__in=CO_PRODUCED)))
    if not totals["all"]:
        share = "No cycles"
    elif national or totals["all"] >= _rules().min_count:
        share = f"{round(100 * totals['co'] / totals['all'])}%"
    else:
        share = suppression.SUPPRESSED
    return {
        "started": _count(started.count(), national=national),
        "decided": _count(decided.count(), national=national),
        "adopted": _count(decisions.get(Decision.ADOPT, 0), national=national),
        "adapted": _count(decisions.get(Decision.ADAPT, 0), national=national),
        "abandoned": _count(decisions.get(Decision.ABANDON, 0), national=national),
        "open": _count(open_now, national=national),
        "co_produced_share": share,
        "co_produced_window": f"{month_label(add_months(month, -11))} to {month_label(month)}",
    }


def _coaching(organisation: Organisation | None, month: date) -> dict[str, Any]:
    """Counts of coaching in the month: never a note, never a name."""
    from coaching.models import CoachingSession, Executive, SessionKind, SessionStatus

    end = add_months(month, 1)
    sessions = CoachingSession.objects.filter(
        status=SessionStatus.LOGGED, date__gte=month, date__lt=end
    )
    executives = Executive.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=month))
    if organisation is not None:
        sessions = sessions.filter(organisation=organisation)
        executives = executives.filter(organisation=organisation)
    national = organisation is None
    by_kind = dict(sessions.values_list("kind").annotate(n=Count("id")).order_by())
    wards_reached = sessions.filter(ward__isnull=False).values("ward_id").distinct().count()
    from wards.models import Ward

    wards = Ward.objects.exclude(status="withdrawn")
    if organisation is not None:
        wards = wards.filter(organisation=organisation)
    coached = executives.count()
    executives_line: str
    if not national and coached < _rules().people_floor:
        executives_line = f"Fewer than {_rules().people_floor} executives: not shown"
    else:
        met = sessions.filter(kind=SessionKind.EXECUTIVE).values("executives").distinct().count()
        executives_line = f"{met} of {coached} met their coaches this month"
    return {
        "ward_sessions": _count(by_kind.get(SessionKind.WARD_QI, 0), national=national),
        "organisation_sessions": _count(
            by_kind.get(SessionKind.ORGANISATION, 0), national=national
        ),
        "executive_sessions": _count(by_kind.get(SessionKind.EXECUTIVE, 0), national=national),
        "risk_sessions": _count(by_kind.get(SessionKind.RISK_SUPPORT, 0), national=national),
        "wards_reached": f"{wards_reached} of {wards.count()} wards",
        "executives": executives_line,
    }


def _risk(organisation: Organisation | None) -> dict[str, Any] | None:
    from risk.models import MilestoneStatus, OrganisationMilestone, RiskParticipation

    if organisation is None:
        cohorts = dict(
            RiskParticipation.objects.values_list("cohort").annotate(n=Count("id")).order_by()
        )
        return {"national": True, "cohorts": {str(k): v for k, v in cohorts.items()}}
    participation = RiskParticipation.objects.filter(organisation=organisation).first()
    if participation is None:
        return None
    milestones = OrganisationMilestone.objects.filter(organisation=organisation)
    return {
        "national": False,
        "cohort": participation.get_cohort_display(),
        "milestones_done": milestones.filter(status=MilestoneStatus.DONE).count(),
        "milestones_in_progress": milestones.filter(status=MilestoneStatus.IN_PROGRESS).count(),
        "milestones_total": milestones.count(),
    }


def board_report_content(*, organisation: Organisation | None, month: date) -> BoardReportContent:
    """Everything one monthly board report shows, for an organisation or (None) the programme."""
    scope = _scope(organisation)
    name = organisation.name if organisation else "All organisations in the programme"
    content = BoardReportContent(
        title=f"Culture of Care board report: {month_label(month)}",
        organisation_name=name,
        ods_code=organisation.ods_code if organisation else "",
        month=month,
        month_label=month_label(month),
        computed_at=timezone.now(),
    )
    content.summary, content.charts = _summary_and_charts(scope, month)
    content.equity = _equity(scope)
    content.pdsa = _pdsa(organisation, month)
    content.coaching = _coaching(organisation, month)
    content.risk = _risk(organisation)
    if organisation is not None:
        from datetime import datetime, time

        from organisations.selectors import barriers_for_board_report

        since = timezone.make_aware(datetime.combine(add_months(month, -2), time.min))
        content.barriers = barriers_for_board_report(organisation, since=since)
    if organisation is not None:
        content.notes.append(
            "Counts under 5 are shown as * and other counts are rounded to the nearest 5, so that "
            "no one can be identified."
        )
    return content


# --- The pages ----------------------------------------------------------------------------------


def reports_for(user: Any) -> QuerySet[BoardReport]:
    return BoardReport.objects.visible_to(user).select_related("organisation", "requested_by")


def requestable_organisations(user: Any) -> list[Organisation]:
    """The organisations whose report this person may ask to be made now."""
    active = Organisation.objects.filter(status=OrganisationStatus.ACTIVE).order_by("name")
    if has_role(user, *PROGRAMME_WIDE):
        return list(active)
    ids = user.role_assignments.current().filter(role__in=REPORT_REQUESTER_ROLES)
    return list(active.filter(id__in=ids.values("organisation_id")))
