"""Reads for the QI method reused by pages, panels, the API and the digest."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone

from culture_of_care.access import (
    Domain,
    can_edit,
    edit_reach,
    has_role,
    is_programme_admin,
    may_change_in,
    read_reach,
)
from culture_of_care.accounts.models import User
from culture_of_care.accounts.roles import Role
from culture_of_care.improvement import windows
from culture_of_care.improvement.models import (
    ChangeIdea,
    ChangeIdeaStatus,
    ChangeTheory,
    CycleStatus,
    DataPoint,
    DriverNode,
    Frequency,
    NodeKind,
    PDSACycle,
    ProgressScore,
    Project,
    ProjectKind,
    ScoredBy,
    Signal,
)
from culture_of_care.notifications.kinds import DueItem
from culture_of_care.periods import add_months, days_in_month, month_start
from organisations.models import Organisation
from wards.models import Ward

# --- Change theories ---------------------------------------------------------------------


@dataclass
class TreeNode:
    node: DriverNode
    children: list[TreeNode] = field(default_factory=list)
    also_under: list[str] = field(default_factory=list)


def theory_tree(theory: ChangeTheory) -> tuple[list[TreeNode], list[DriverNode]]:
    """The driver diagram as a tree from the aim down (three queries), plus nodes not yet
    linked under anything. A node under two parents appears under both."""
    nodes = {n.id: n for n in theory.nodes.prefetch_related("commitments").order_by("order", "id")}
    links = DriverNode.children.through.objects.filter(from_drivernode__theory=theory).values_list(
        "from_drivernode_id", "to_drivernode_id"
    )
    children: dict[int, list[int]] = {}
    parents: dict[int, list[int]] = {}
    for parent_id, child_id in links:
        children.setdefault(parent_id, []).append(child_id)
        parents.setdefault(child_id, []).append(parent_id)

    def build(node_id: int, path: frozenset[int], parent_id: int | None) -> TreeNode:
        node = nodes[node_id]
        item = TreeNode(
            node=node,
            also_under=[
                nodes[p].text for p in parents.get(node_id, []) if p != parent_id and p in nodes
            ],
        )
        kids = sorted(
            (c for c in children.get(node_id, []) if c in nodes and c not in path),
            key=lambda c: (nodes[c].order, c),
        )
        item.children = [build(c, path | {c}, node_id) for c in kids]
        return item

    roots = [n for n in nodes.values() if n.kind == NodeKind.AIM]
    tree = [build(n.id, frozenset({n.id}), None) for n in roots]
    orphans = [n for n in nodes.values() if n.kind != NodeKind.AIM and n.id not in parents]
    return tree, orphans


def published_theory(level: str) -> ChangeTheory | None:
    return ChangeTheory.objects.filter(level=level, status="published").order_by("-version").first()


# --- Projects ----------------------------------------------------------------------------


def ward_project(ward: Ward) -> Project | None:
    return Project.objects.filter(ward=ward, kind=ProjectKind.WARD).first()


def organisation_project(organisation: Organisation) -> Project | None:
    return Project.objects.filter(
        organisation=organisation, ward__isnull=True, kind=ProjectKind.ORGANISATION
    ).first()


def project_measures(project: Project) -> list[Any]:
    return list(project.measures.filter(is_active=True).order_by("order", "name"))


def team_summary(project: Project) -> dict[str, Any]:
    team = list(project.team.order_by("full_name"))
    return {"team": team, "lived_experience_count": sum(1 for u in team if u.lived_experience)}


def is_coach_for(user: User, project: Project) -> bool:
    """The ward's QI coach, or a programme admin (who records the coach's score)."""
    if is_programme_admin(user):
        return True
    if project.ward_id is None:
        return has_role(user, Role.LEADERSHIP_COACH) and project.organisation_id in (
            read_reach(user).organisation_ids
        )
    if project.ward.qi_coach_id == getattr(user, "id", None):
        return True
    from culture_of_care.accounts.models import RoleAssignment

    return (
        RoleAssignment.objects.filter(user=user, role=Role.QI_COACH, ward_id=project.ward_id)
        .current()
        .exists()
    )


def is_team_scorer(user: User, project: Project) -> bool:
    """Team members (the ward's team, or the organisation lead for middle-tier work)."""
    if is_programme_admin(user):
        return True
    if not can_edit(project, user):
        return False
    if project.team.filter(id=user.id).exists():
        return True
    from culture_of_care.accounts.models import RoleAssignment

    assignments = RoleAssignment.objects.filter(user=user).current()
    if project.ward_id:
        return assignments.filter(
            Q(role=Role.WARD_MEMBER, ward_id=project.ward_id)
            | Q(role=Role.ORGANISATION_LEAD, organisation_id=project.organisation_id)
        ).exists()
    return assignments.filter(
        role=Role.ORGANISATION_LEAD, organisation_id=project.organisation_id
    ).exists()


@dataclass
class Suggestion:
    score: Decimal
    reasons: list[str]


def suggested_score(project: Project) -> Suggestion:
    """An IHI score suggested by the evidence: shown beside the coach's choice, never saved."""
    reasons: list[str] = []
    has_team = project.team.exists()
    if not project.aim_is_set:
        reasons.append("The aim (what, how much, by when) is not complete yet.")
        return Suggestion(Decimal("1.0") if has_team else Decimal("0.5"), reasons)
    reasons.append("The aim is set.")
    score = Decimal("1.0")
    baseline = (
        DataPoint.objects.filter(
            measure__in=project.measures.all(),
            ward_id=project.ward_id,
            organisation_id=project.organisation_id,
            equity_group="",
        )
        .values("measure_id")
        .annotate(points=Count("id"))
        .filter(points__gte=12)
        .exists()
    )
    if baseline:
        reasons.append("At least one measure has a 12-month baseline.")
        score = Decimal("2.0")
    else:
        reasons.append("No measure has 12 months of data yet.")
        if project.change_ideas.exists():
            score = Decimal("1.5")
    cycles = PDSACycle.objects.filter(change_idea__project=project)
    tested = cycles.exclude(status=CycleStatus.PLAN).count()
    adopted = project.change_ideas.filter(status=ChangeIdeaStatus.ADOPTED).count()
    if tested:
        reasons.append(f"{tested} cycle{'s' if tested != 1 else ''} tested.")
        score = max(score, Decimal("2.5"))
    if adopted:
        reasons.append(f"{adopted} change{'s' if adopted != 1 else ''} adopted.")
        score = max(score, Decimal("3.0"))
    improvement = Signal.objects.filter(
        organisation_id=project.organisation_id,
        ward_id=project.ward_id,
        special_cause="improvement",
        measure__in=project.measures.all(),
    ).exists()
    if improvement:
        reasons.append("A measure shows special-cause improvement.")
        if adopted:
            score = max(score, Decimal("3.5"))
        if adopted >= 3:
            score = max(score, Decimal("4.0"))
    else:
        reasons.append("No measure shows special-cause improvement yet.")
    return Suggestion(score, reasons)


def score_history(project: Project) -> list[dict[str, Any]]:
    """One row a month: the coach's and the team's scores side by side."""
    months: dict[date, dict[str, Any]] = {}
    for score in project.progress_scores.select_related("recorded_by").order_by("-month"):
        row = months.setdefault(score.month, {"month": score.month})
        row[score.scored_by] = score
    return list(months.values())


def latest_scores(project: Project) -> dict[str, ProgressScore | None]:
    out: dict[str, ProgressScore | None] = {ScoredBy.COACH: None, ScoredBy.TEAM: None}
    for score in project.progress_scores.order_by("-month")[:6]:
        if out.get(score.scored_by) is None:
            out[score.scored_by] = score
    return {"coach": out[ScoredBy.COACH], "team": out[ScoredBy.TEAM]}


# --- Data --------------------------------------------------------------------------------


def grid_periods(ward: Ward, *, today: date | None = None, start: date | None = None) -> list[date]:
    """The months shown in the data grid: the ward's data window (its 12-month baseline to the
    last closed month, ``windows.ward_window``), or the last 12 closed months without a coaching
    start; ``start`` narrows it (never before the window)."""
    today = today or timezone.localdate()
    window = windows.ward_window(ward, today=today)
    earliest = window.first or add_months(window.last, -11)
    if start is not None:
        earliest = max(start, window.first) if window.first else start
    months = []
    current = earliest
    while current <= window.last:
        months.append(current)
        current = add_months(current, 1)
    return months


def month_to_enter(ward: Ward, measures: list[Any], months: list[date]) -> date | None:
    """The month the "this month" form opens at: of the last ``DATA_MONTH_LOOKBACK_MONTHS``
    months of the window (``months``, oldest first), the latest that does not yet have a total
    for every measure; the latest month when all of those are entered (an old gap is for the
    grid, not a reason to open the ward's monthly task years back). None when the window is
    empty."""
    if not months:
        return None
    recent = months[-settings.DATA_MONTH_LOOKBACK_MONTHS :]
    done = entered_months(ward, measures, recent)
    return next((m for m in reversed(recent) if m not in done), months[-1])


def entered_months(ward: Ward, measures: list[Any], months: list[date]) -> set[date]:
    """The months of ``months`` with a total for every measure."""
    if not months or not measures:
        return set()
    counts: dict[date, int] = defaultdict(int)
    for period in DataPoint.objects.filter(
        ward=ward,
        measure__in=measures,
        period_start__gte=months[0],
        period_start__lte=months[-1],
        equity_group="",
    ).values_list("period_start", flat=True):
        counts[period] += 1
    return {m for m, n in counts.items() if n >= len(measures)}


def month_values(ward: Ward, measures: list[Any], month: date) -> dict[tuple[int, str], DataPoint]:
    """A month's values for the ward, totals and groups, by (measure id, group)."""
    return {
        (p.measure_id, p.equity_group): p
        for p in DataPoint.objects.filter(ward=ward, measure__in=measures, period_start=month)
    }


def grid_values(
    ward: Ward, measures: list[Any], periods: list[date]
) -> dict[tuple[int, date], DataPoint]:
    if not measures or not periods:
        return {}
    points = DataPoint.objects.filter(
        ward=ward,
        measure__in=measures,
        period_start__gte=periods[0],
        period_start__lte=periods[-1],
        equity_group="",
    )
    return {(p.measure_id, p.period_start): p for p in points}


def group_values(ward: Ward, measure: Any, period: date) -> dict[str, DataPoint]:
    return {
        p.equity_group: p
        for p in DataPoint.objects.filter(ward=ward, measure=measure, period_start=period)
    }


def data_history(ward: Ward, limit: int = 20) -> QuerySet:
    """Who changed which values for this ward, and when."""
    from culture_of_care.audit.models import AuditEntry

    return (
        AuditEntry.objects.filter(  # access: allowed (the caller fetched the ward visibly)
            action="data_points.save", object_type="wards.ward", object_id=str(ward.id)
        )
        .select_related("actor")
        .order_by("-at")[:limit]
    )


# --- Cycles ------------------------------------------------------------------------------


def cycles_needing_study(cycles: QuerySet, today: date | None = None) -> QuerySet:
    """Cycles past their planned end that are still being planned or done (no study yet)."""
    today = today or timezone.localdate()
    return cycles.filter(
        status__in=[CycleStatus.PLAN, CycleStatus.DO], planned_end__lt=today
    ).select_related("ward", "change_idea")


def timeline(cycles: QuerySet) -> list[dict[str, Any]]:
    """Cycles grouped by month of starting (or planned start), oldest first."""
    groups: dict[date, list[PDSACycle]] = {}
    for cycle in cycles:
        when = cycle.started_on or cycle.planned_start or cycle.created_at.date()
        groups.setdefault(month_start(when), []).append(cycle)
    return [
        {
            "month": month,
            "cycles": sorted(
                items, key=lambda c: (c.started_on or c.planned_start or c.created_at.date(), c.id)
            ),
        }
        for month, items in sorted(groups.items())
    ]


# --- Learning library --------------------------------------------------------------------


def library_search(
    *,
    text: str = "",
    driver: DriverNode | None = None,
    commitment: Any = None,
    service_type: Any = None,
    decision: str = "",
) -> QuerySet:
    """Shared cycles from the whole programme (shared on purpose by their wards)."""
    cycles = (
        PDSACycle.objects.filter(  # access: allowed (the library is programme-wide by design)
            shared=True, status=CycleStatus.COMPLETE
        )
        .select_related(
            "ward__service_type", "organisation", "change_idea", "change_idea__national_node"
        )
        .order_by("-shared_at", "-id")
    )
    if driver is not None:
        cycles = cycles.filter(
            Q(change_idea__drivers=driver)
            | Q(change_idea__national_node__parents=driver)
            | Q(change_idea__drivers__parents=driver)
        )
    if commitment is not None:
        cycles = cycles.filter(
            Q(change_idea__drivers__commitments=commitment)
            | Q(change_idea__national_node__commitments=commitment)
        )
    if service_type is not None:
        cycles = cycles.filter(ward__service_type=service_type)
    if decision:
        cycles = cycles.filter(decision=decision)
    text = (text or "").strip()
    if text:
        if settings.USING_POSTGRES:
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector(
                "title",
                "change_idea__title",
                "objective",
                "predictions",
                "results",
                "learning",
                "next_step",
                config="english",
            )
            matching = (
                PDSACycle.objects.annotate(search=vector)  # access: allowed (library, as above)
                .filter(
                    shared=True, search=SearchQuery(text, config="english", search_type="websearch")
                )
                .values("id")
            )
            cycles = cycles.filter(id__in=matching)
        else:
            condition = Q()
            for name in ("title", "change_idea__title", "objective", "results", "learning"):
                condition |= Q(**{f"{name}__icontains": text})
            cycles = cycles.filter(condition)
    return cycles.distinct()


def library_cycle(pk: int) -> PDSACycle | None:
    return library_search().filter(pk=pk).first()


# --- Panels and digest -------------------------------------------------------------------


def ward_panel(user: User, ward: Ward) -> dict[str, Any] | None:
    project = ward_project(ward)
    if project is None:
        return None
    ideas = list(
        project.change_ideas.filter(
            status__in=[ChangeIdeaStatus.NOT_STARTED, ChangeIdeaStatus.TESTING]
        ).order_by("title")[:10]
    )
    in_progress = list(
        PDSACycle.objects.filter(change_idea__project=project)
        .exclude(status=CycleStatus.COMPLETE)
        .select_related("change_idea")
        .order_by("planned_end", "id")[:10]
    )
    return {
        "project": project,
        "ideas": ideas,
        "cycles": in_progress,
        "scores": latest_scores(project),
        "can_edit": can_edit(project, user),
    }


def organisation_panel(user: User, organisation: Organisation) -> dict[str, Any] | None:
    visible = PDSACycle.objects.visible_to(user).filter(organisation=organisation)
    project = (
        Project.objects.visible_to(user)
        .filter(organisation=organisation, ward__isnull=True, kind=ProjectKind.ORGANISATION)
        .first()
    )
    counts = visible.aggregate(
        total=Count("id"),
        in_progress=Count("id", filter=~Q(status=CycleStatus.COMPLETE)),
        wards=Count("ward", distinct=True),
    )
    org_reach = read_reach(user).covers(organisation_id=organisation.id)
    return {
        "organisation": organisation,
        "project": project,
        "counts": counts,
        "can_open": org_reach,
        "can_upload": may_change_in(organisation, user, Domain.QI),
    }


def home_panel(user: User, obj: Ward | Organisation | None = None) -> dict[str, Any] | None:
    reach = read_reach(user)
    if reach.everything or not reach.ward_ids:
        return None
    cycles = PDSACycle.objects.visible_to(user).filter(ward_id__in=reach.ward_ids)
    due = list(cycles_needing_study(cycles).order_by("planned_end")[:10])
    to_decide = list(
        cycles.filter(status=CycleStatus.ACT).select_related("ward", "change_idea")[:10]
    )
    projects = list(
        Project.objects.visible_to(user)
        .filter(ward_id__in=reach.ward_ids, kind=ProjectKind.WARD)
        .select_related("ward")
        .order_by("ward__name")
    )
    if not projects:
        return None
    return {"due": due, "to_decide": to_decide, "projects": projects}


# --- What is due (reminders; registered as kinds in ``ImprovementConfig.ready``) -----------


def data_deadline(month: date) -> date:
    """The day ``month``'s data is due: ``DATA_SUBMISSION_DEADLINE_DAY`` of the next month."""
    following = add_months(month_start(month), 1)
    return following.replace(
        day=min(settings.DATA_SUBMISSION_DEADLINE_DAY, days_in_month(following))
    )


def data_month_to_chase(today: date) -> tuple[date, bool] | None:
    """The month whose data to remind about today and whether its deadline has passed.

    Last month from ``DATA_REMINDER_DAYS_BEFORE`` days before its deadline (due), and after the
    deadline (overdue); earlier in the month, the month before last if it is still missing.
    """
    last_month = add_months(month_start(today), -1)
    deadline = data_deadline(last_month)
    if today > deadline:
        return last_month, True
    if today >= deadline - timedelta(days=settings.DATA_REMINDER_DAYS_BEFORE):
        return last_month, False
    return add_months(last_month, -1), True


def _qi_reach_is_local(user: Any) -> bool:

    reach = edit_reach(user, "qi")
    return not (reach.everything or reach.is_empty)


def data_due_for(user: Any, today: date) -> list[DueItem]:
    """Wards ``user`` enters QI data for whose monthly measures miss the month being chased
    (``data_month_to_chase``); says since when a ward has sent nothing at all."""
    if not _qi_reach_is_local(user):
        return []
    chase = data_month_to_chase(today)
    if chase is None:
        return []
    month, overdue = chase
    deadline = data_deadline(month)
    projects = (
        Project.objects.where_may_change(user, Domain.QI)
        .filter(kind=ProjectKind.WARD, ward__isnull=False)
        .exclude(ward__status="withdrawn")
        .select_related("ward")
        .order_by("ward__name")
    )
    items = []
    for project in projects[:50]:
        monthly = project.measures.filter(is_active=True, frequency=Frequency.MONTHLY)
        missing = monthly.exclude(
            data_points__ward_id=project.ward_id,
            data_points__period_start=month,
            data_points__equity_group="",
        ).count()
        if not missing:
            continue
        measures = f"{missing} measure{'s' if missing != 1 else ''}"
        if overdue:
            last = (
                DataPoint.objects.filter(ward_id=project.ward_id, measure__in=monthly)
                .order_by("-period_start")
                .values_list("period_start", flat=True)
                .first()
            )
            text = (
                f"{project.ward.name}: {measures} {'has' if missing == 1 else 'have'} no data "
                f"for {month:%B %Y} yet "
                f"(it was due on {deadline:%-d %B})."
            )
            if last is not None and last < add_months(month, -1):
                text += f" Nothing has come in since {last:%B %Y}."
        else:
            text = (
                f"{project.ward.name}: {measures} still {'needs' if missing == 1 else 'need'} "
                f"data for {month:%B %Y}, "
                f"due by {deadline:%-d %B}."
            )
        items.append(
            DueItem(
                kind="data_due",
                key=f"ward:{project.ward_id}:{month:%Y-%m}",
                text=text,
                url=reverse("improvement:data", args=[project.pk]),
                when=deadline,
            )
        )
    return items


def stage_entered_on(cycles: QuerySet) -> QuerySet:
    """Annotate each cycle with when it entered its current stage, read from the audit log
    (created, started, advanced), falling back to when it was created."""
    from culture_of_care.audit.models import AuditEntry

    moves = AuditEntry.objects.filter(
        object_type=PDSACycle._meta.label_lower,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        action__in=["pdsa_cycle.create", "pdsa_cycle.start", "pdsa_cycle.advance"],
    ).order_by("-at")
    return cycles.annotate(stage_since=Coalesce(Subquery(moves.values("at")[:1]), F("created_at")))


def _stuck(stage_since: datetime | None, status: str, today: date) -> date | None:
    """The day a cycle entered its stage, if it has sat there longer than
    ``PDSA_STAGE_STUCK_DAYS`` (a complete cycle is never stuck)."""
    if stage_since is None or status == CycleStatus.COMPLETE:
        return None
    since = timezone.localtime(stage_since).date()
    return since if (today - since).days > settings.PDSA_STAGE_STUCK_DAYS else None


def mark_stuck(cycles: Any, today: date | None = None) -> None:
    """Set ``stuck_since`` on each cycle annotated by ``stage_entered_on`` (None if not stuck)."""
    today = today or timezone.localdate()
    for cycle in cycles:
        cycle.stuck_since = _stuck(cycle.stage_since, cycle.status, today)


def stuck_since(cycle: PDSACycle, today: date | None = None) -> date | None:
    """The day ``cycle`` entered the stage it has sat in too long, or None."""
    row = (
        stage_entered_on(PDSACycle.objects.filter(pk=cycle.pk))
        .values_list("stage_since", flat=True)
        .first()
    )
    return _stuck(row, cycle.status, today or timezone.localdate())


def pdsa_due_for(user: Any, today: date) -> list[DueItem]:
    """PDSA cycles ``user`` works on that ended without a study, or sat in one stage for more
    than ``PDSA_STAGE_STUCK_DAYS``."""
    if not _qi_reach_is_local(user):
        return []
    cycles = PDSACycle.objects.where_may_change(user, Domain.QI).exclude(
        status=CycleStatus.COMPLETE
    )
    items = []
    seen = set()
    for cycle in cycles_needing_study(cycles, today).order_by("planned_end", "id")[:20]:
        seen.add(cycle.pk)
        where = cycle.ward.name if cycle.ward else "your project"
        items.append(
            DueItem(
                kind="pdsa_due",
                key=f"cycle:{cycle.pk}:no-study",
                text=(
                    f"PDSA cycle '{cycle.title}' on {where} was planned to end on "
                    f"{cycle.planned_end:%-d %B %Y} and has no study yet."
                ),
                url=reverse("improvement:cycle", args=[cycle.pk]),
                when=cycle.planned_end,
            )
        )
    stuck_days = settings.PDSA_STAGE_STUCK_DAYS
    cutoff = timezone.make_aware(
        datetime.combine(today - timedelta(days=stuck_days), datetime.min.time())
    )
    for cycle in (
        stage_entered_on(cycles.exclude(pk__in=seen))
        .filter(stage_since__lt=cutoff)
        .select_related("ward")
        .order_by("stage_since", "id")[:20]
    ):
        since = timezone.localtime(cycle.stage_since).date()
        weeks = (today - since).days // 7
        where = cycle.ward.name if cycle.ward else "your project"
        items.append(
            DueItem(
                kind="pdsa_due",
                key=f"cycle:{cycle.pk}:{cycle.status}",
                text=(
                    f"PDSA cycle '{cycle.title}' on {where} has been at "
                    f"'{cycle.get_status_display().lower()}' for {weeks} weeks, since "
                    f"{since:%-d %B %Y}."
                ),
                url=reverse("improvement:cycle", args=[cycle.pk]),
                when=since,
            )
        )
    return items


def signals_to_review_for(user: Any, today: date) -> list[DueItem]:
    """Chart signals not reviewed ``SIGNAL_REVIEW_AFTER_DAYS`` after they were found, for the
    ward team and the QI coach (people whose QI reach is their wards, not the programme)."""

    # Ward-level reach only: the wards a person is on the team of, or coaches; organisation
    # leads see signals on their dashboards instead of in their inbox.
    ward_ids = edit_reach(user, "qi").ward_ids
    if not ward_ids:
        return []
    cutoff = timezone.make_aware(
        datetime.combine(
            today - timedelta(days=settings.SIGNAL_REVIEW_AFTER_DAYS), datetime.min.time()
        )
    )
    signals = (
        Signal.objects.editable_by(user)
        .filter(ward_id__in=ward_ids)
        .filter(reviewed_at__isnull=True, detected_at__lt=cutoff, ward__isnull=False)
        .select_related("ward", "measure")
        .order_by("detected_at", "id")[:30]
    )
    items = []
    for signal in signals:
        found = timezone.localtime(signal.detected_at).date()
        items.append(
            DueItem(
                kind="signals",
                key=f"signal:{signal.pk}",
                text=(
                    f"{signal.ward.name}: a chart signal on {signal.measure.name} for "
                    f"{signal.period_start:%B %Y} is waiting for a review (found "
                    f"{found:%-d %B})."
                ),
                url=reverse("improvement:ward_project", args=[signal.ward_id]),
                when=found,
            )
        )
    return items


def change_ideas_for(project: Project) -> QuerySet:
    return (
        ChangeIdea.objects.filter(project=project)
        .annotate(cycle_total=Count("cycles"))
        .prefetch_related("drivers")
        .order_by("status", "title")
    )
