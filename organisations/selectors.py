"""Reads about organisations reused by pages, the API, panels and reminders.

Mostly the middle tier's barrier loop: who may raise a barrier for which ward, the queue an
organisation lead works through, the board's list, the responses a ward hears about, and the
figures across the programme (with small-number suppression below national level).

Functions taking a ``user`` start from ``visible_to``; the figure functions take a queryset or
an organisation the caller has already authorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from culture_of_care import suppression
from culture_of_care.access import Domain, can_edit, edit_reach, has_role, may_change_in, read_reach
from culture_of_care.accounts.roles import PROGRAMME_WIDE
from organisations.models import (
    CLOSED_BARRIER_STATUSES,
    OPEN_BARRIER_STATUSES,
    RESPONSE_STEP_KINDS,
    Barrier,
    BarrierKind,
    BarrierStatus,
    BarrierStep,
    Organisation,
    ProviderType,
    Region,
)
from wards.models import Ward

QUEUE_ORDERS = {
    "newest": "Newest first",
    "untouched": "Oldest untouched first",
}


def suppression_rules() -> suppression.Rules:
    """The programme's small-number rules (the one place barrier figures read them)."""
    return suppression.Rules.from_settings()


# --- who may do what ---------------------------------------------------------------------------


def raisable_wards(user: Any) -> QuerySet[Ward]:
    """Wards whose barriers this person may raise: their own ward teams and the wards they coach.

    Organisation leads act on barriers rather than raise them; programme admins may do anything.
    """
    reach = edit_reach(user, "qi")
    wards = Ward.objects.visible_to(user)
    if reach.everything:
        return wards
    return wards.filter(id__in=reach.ward_ids)


def can_raise(user: Any, ward: Ward) -> bool:
    reach = edit_reach(user, "qi")
    return reach.everything or ward.id in reach.ward_ids


def can_act(user: Any, barrier: Barrier) -> bool:
    """Organisation leads (and programme admins) act on their organisation's barriers."""
    return can_edit(barrier, user)


def can_see_names(user: Any, barrier: Barrier) -> bool:
    """Who raised a barrier and who answered it is for the ward's team, its coach, the
    organisation's middle tier and the programme; executives and leadership coaches see the
    barrier without names."""
    return may_change_in(barrier, user, Domain.QI) or has_role(user, *PROGRAMME_WIDE)


def can_see_queue(user: Any, organisation: Organisation) -> bool:
    return can_edit(organisation, user) or has_role(user, *PROGRAMME_WIDE)


def can_see_board(user: Any, organisation: Organisation) -> bool:
    """The board list: the organisation's executives and coach pair, its organisation leads,
    and the programme."""
    if has_role(user, *PROGRAMME_WIDE):
        return True
    if not read_reach(user).covers(organisation_id=organisation.id):
        return False
    return any(
        edit_reach(user, domain).covers(organisation_id=organisation.id)
        for domain in ("executive_actions", "executive_coaching", "organisation")
    )


def can_see_themes(user: Any) -> bool:
    return has_role(user, *PROGRAMME_WIDE)


# --- lists -------------------------------------------------------------------------------------


def _with_history(barriers: QuerySet[Barrier]) -> QuerySet[Barrier]:
    return barriers.select_related(
        "ward", "organisation", "raised_by", "linked_idea", "linked_cycle"
    ).prefetch_related(
        Prefetch(
            "steps",
            queryset=BarrierStep.objects.select_related("actor", "linked_idea", "linked_cycle"),
        ),
        "commitments",
    )


def barrier_detail(user: Any, pk: int, ods_code: str) -> Barrier:
    from culture_of_care.access import get_visible_or_404

    return get_visible_or_404(
        _with_history(Barrier.objects.all()),
        user,
        pk=pk,
        organisation__ods_code=ods_code.upper(),
    )


def ward_barriers(user: Any, ward: Ward, *, limit: int | None = None) -> list[Barrier]:
    """A ward's barriers for its "You said, we did" section: open first, then answered."""
    barriers = _with_history(Barrier.objects.visible_to(user).filter(ward=ward)).order_by(
        "-last_step_at", "-id"
    )
    if limit:
        barriers = barriers[:limit]
    return list(barriers)


def barrier_queue(
    user: Any, organisation: Organisation, *, order: str = "newest", status: str = "open"
) -> QuerySet[Barrier]:
    """An organisation lead's queue: newest first, or those waiting longest since anyone last
    acted on them."""
    barriers = (
        Barrier.objects.visible_to(user)
        .filter(organisation=organisation)
        .select_related("ward")
        .annotate(response_count=Count("steps", filter=Q(steps__kind__in=RESPONSE_STEP_KINDS)))
    )
    if status == "open":
        barriers = barriers.filter(status__in=OPEN_BARRIER_STATUSES)
    elif status == "closed":
        barriers = barriers.filter(status__in=CLOSED_BARRIER_STATUSES)
    elif status in BarrierStatus.values:
        barriers = barriers.filter(status=status)
    if order == "untouched":
        return barriers.order_by("last_step_at", "id")
    return barriers.order_by("-raised_at", "-id")


def board_barriers(user: Any, organisation: Organisation) -> QuerySet[Barrier]:
    """Open barriers the organisation's board should see: marked by the organisation lead, or
    open past ``BARRIER_ESCALATION_WEEKS``. Oldest first."""
    return (
        Barrier.objects.visible_to(user)
        .filter(organisation=organisation)
        .escalated()
        .select_related("ward", "linked_idea", "linked_cycle")
        .order_by("raised_at", "id")
    )


def escalated_barriers_for_sessions(user: Any) -> QuerySet[Barrier]:
    """Escalated barriers a coach may bring to an executive coaching session (kept when a
    session already lists one that has since closed)."""
    orgs = edit_reach(user, "executive_coaching")
    barriers = Barrier.objects.visible_to(user).escalated()
    if not orgs.everything:
        barriers = barriers.filter(organisation_id__in=orgs.organisation_ids)
    return barriers.select_related("organisation", "ward").order_by("organisation__name", "id")


def raise_choices(ward: Ward, user: Any) -> tuple[QuerySet, QuerySet]:
    """The ward's change ideas and unfinished PDSA cycles a barrier may say it blocks."""
    from culture_of_care.improvement.models import ChangeIdea, PDSACycle

    ideas = ChangeIdea.objects.visible_to(user).filter(ward=ward).order_by("title")
    cycles = (
        PDSACycle.objects.visible_to(user)
        .filter(ward=ward)
        .exclude(status="complete")
        .select_related("change_idea")
        .order_by("change_idea__title", "number")
    )
    return ideas, cycles


def middle_tier_choices(organisation: Organisation, user: Any) -> tuple[QuerySet, QuerySet]:
    """Change ideas and PDSA cycles of the organisation's middle-tier project."""
    from culture_of_care.improvement.models import ChangeIdea, PDSACycle, ProjectKind

    ideas = (
        ChangeIdea.objects.visible_to(user)
        .filter(
            organisation=organisation,
            project__kind=ProjectKind.ORGANISATION,
            project__ward__isnull=True,
        )
        .order_by("title")
    )
    cycles = (
        PDSACycle.objects.visible_to(user)
        .filter(change_idea__in=ideas)
        .select_related("change_idea")
        .order_by("change_idea__title", "number")
    )
    return ideas, cycles


def barrier_responses_due_for(user: Any, since: datetime) -> QuerySet[BarrierStep]:
    """Responses to barriers of this person's wards since ``since``, for their reminders.

    Ward team members and QI coaches hear what the organisation did with what their ward
    raised ("You said, we did"); their own steps are left out. Oldest first.
    """
    reach = edit_reach(user, "qi")
    if not reach.ward_ids:
        return BarrierStep.objects.none()
    return (
        BarrierStep.objects.visible_to(user)
        .filter(
            ward_id__in=reach.ward_ids,
            kind__in=RESPONSE_STEP_KINDS,
            created_at__gte=since,
        )
        .exclude(actor_id=user.pk)
        .select_related("barrier", "ward")
        .order_by("created_at", "id")
    )


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeRow:
    """One row of a themes table, as displayed (strings; ``*`` for a hidden figure)."""

    label: str
    total: str
    open: str
    resolved: str
    cannot_change: str
    share_resolved: str
    escalated: str


def _share(part: int, whole: int) -> str:
    if not whole:
        return "No barriers"
    return f"{round(100 * part / whole)}%"


def _row(label: str, counts: dict[str, int], *, suppress: bool) -> ThemeRow:
    total, open_, resolved = counts["total"], counts["open"], counts["resolved"]
    cannot, escalated = counts["cannot_change"], counts["escalated"]
    if not suppress:
        return ThemeRow(
            label,
            f"{total:,}",
            f"{open_:,}",
            f"{resolved:,}",
            f"{cannot:,}",
            _share(resolved, total),
            f"{escalated:,}",
        )
    rules = suppression_rules()
    # The three states add up to the total: hide a second part when one is hidden.
    hidden = suppression.secondary_suppress([open_, resolved, cannot], rules)
    parts = [
        suppression.SUPPRESSED if hide else suppression.show_count(value, rules)
        for value, hide in zip((open_, resolved, cannot), hidden, strict=True)
    ]
    share = (
        suppression.SUPPRESSED if hidden[1] else suppression.show_percentage(resolved, total, rules)
    )
    return ThemeRow(
        label,
        suppression.show_count(total, rules),
        parts[0],
        parts[1],
        parts[2],
        share,
        suppression.show_count(escalated, rules),
    )


def _counts(barriers: QuerySet[Barrier], group: str | None, now: datetime) -> dict[Any, dict]:
    cutoff = now - timedelta(weeks=settings.BARRIER_ESCALATION_WEEKS)
    open_q = Q(status__in=OPEN_BARRIER_STATUSES)
    aggregates = {
        "total": Count("id", distinct=True),
        "open": Count("id", filter=open_q, distinct=True),
        "resolved": Count("id", filter=Q(status=BarrierStatus.RESOLVED), distinct=True),
        "cannot_change": Count("id", filter=Q(status=BarrierStatus.CANNOT_CHANGE), distinct=True),
        "escalated": Count(
            "id",
            filter=open_q & (Q(escalated_at__isnull=False) | Q(raised_at__lte=cutoff)),
            distinct=True,
        ),
    }
    if group is None:
        return {None: barriers.aggregate(**aggregates)}
    rows = barriers.order_by().values(group).annotate(**aggregates)
    return {row[group]: row for row in rows}


_EMPTY = {"total": 0, "open": 0, "resolved": 0, "cannot_change": 0, "escalated": 0}


def ageing_bands() -> list[tuple[str, int, int | None]]:
    """``BARRIER_AGEING_WEEKS`` as labelled bands: (label, from weeks, to weeks or None)."""
    edges = sorted(set(settings.BARRIER_AGEING_WEEKS))
    bands: list[tuple[str, int, int | None]] = []
    start = 0
    for edge in edges:
        label = f"Under {edge} weeks" if start == 0 else f"{start} to {edge} weeks"
        bands.append((label, start, edge))
        start = edge
    bands.append((f"{start} weeks or more", start, None))
    return bands


def _ageing(barriers: QuerySet[Barrier], now: datetime, *, suppress: bool) -> list[dict]:
    rules = suppression_rules()
    ages = [
        (now - raised).days // 7
        for raised in barriers.filter(status__in=OPEN_BARRIER_STATUSES).values_list(
            "raised_at", flat=True
        )
    ]
    rows = []
    for label, low, high in ageing_bands():
        count = sum(1 for a in ages if a >= low and (high is None or a < high))
        shown = suppression.show_count(count, rules) if suppress else f"{count:,}"
        rows.append({"label": label, "count": shown})
    return rows


def barrier_themes(barriers: QuerySet[Barrier], *, now: datetime | None = None) -> dict[str, Any]:
    """Themes across the programme: by kind, commitment and ageing (national, shown in full),
    and by region and provider type (below national: small-number rules applied)."""
    from culture_of_care.improvement.models import Commitment

    now = now or timezone.now()
    national = _counts(barriers, None, now)[None]
    by_kind = _counts(barriers, "kind", now)
    by_commitment = _counts(barriers, "commitments", now)
    by_region = _counts(barriers, "organisation__region", now)
    by_provider = _counts(barriers, "organisation__provider_type", now)
    return {
        "national": _row("All organisations", national, suppress=False),
        "kinds": [
            _row(label, by_kind.get(value, _EMPTY), suppress=False)
            for value, label in BarrierKind.choices
        ],
        "commitments": [
            _row(str(c), by_commitment.get(c.id, _EMPTY), suppress=False)
            for c in Commitment.objects.order_by("number")
        ],
        "ageing": _ageing(barriers, now, suppress=False),
        "regions": [
            _row(label, by_region.get(value, _EMPTY), suppress=True)
            for value, label in Region.choices
        ],
        "provider_types": [
            _row(label, by_provider.get(value, _EMPTY), suppress=True)
            for value, label in ProviderType.choices
        ],
        "escalation_weeks": settings.BARRIER_ESCALATION_WEEKS,
        "min_count": suppression_rules().min_count,
    }


def barrier_panel_for(
    organisation: Organisation | None = None,
    *,
    suppress: bool | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The barriers panel of the national (``organisation=None``) or an organisation's
    dashboard, rendered by ``organisations/barriers/_barrier_panel.html``.

    The caller has already decided the reader may see this organisation. Below national level
    figures about fewer than the suppression threshold are hidden unless ``suppress=False``
    (for readers who may see the organisation's barriers one by one anyway).
    """
    now = now or timezone.now()
    if suppress is None:
        suppress = organisation is not None
    barriers = Barrier.objects.all()
    if organisation is not None:
        barriers = barriers.filter(organisation=organisation)
    counts = _counts(barriers, None, now)[None]
    by_kind = _counts(barriers, "kind", now)
    kinds = sorted(
        (
            (row["open"], str(BarrierKind(value).label))
            for value, row in by_kind.items()
            if row["open"]
        ),
        reverse=True,
    )[:3]
    rules = suppression_rules()

    def shown(n: int) -> str:
        return suppression.show_count(n, rules) if suppress else f"{n:,}"

    oldest = barriers.filter(status__in=OPEN_BARRIER_STATUSES).order_by("raised_at").first()
    return {
        "organisation": organisation,
        "suppressed": suppress,
        "row": _row(
            organisation.name if organisation else "All organisations", counts, suppress=suppress
        ),
        "top_kinds": [{"label": label, "open": shown(n)} for n, label in kinds],
        "oldest_open_weeks": (
            None
            if oldest is None or suppress and counts["open"] < rules.min_count
            else oldest.age_weeks(now)
        ),
        "escalation_weeks": settings.BARRIER_ESCALATION_WEEKS,
        "has_barriers": counts["total"] > 0,
    }


def barriers_for_board_report(
    organisation: Organisation, *, since: datetime | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The organisation's open barriers (oldest first, with whether each is on the board's
    list) and those resolved or closed since ``since``, for the board report. No names: the
    report goes to the board. The caller has already authorised the organisation."""
    now = now or timezone.now()
    barriers = Barrier.objects.filter(organisation=organisation).select_related("ward")
    open_barriers = list(barriers.filter(status__in=OPEN_BARRIER_STATUSES).order_by("raised_at"))
    closed = barriers.filter(status__in=CLOSED_BARRIER_STATUSES)
    if since is not None:
        closed = closed.filter(closed_at__gte=since)
    return {
        "open": [
            {
                "title": b.title,
                "ward": b.ward.name,
                "kind": b.get_kind_display(),
                "status": b.get_status_display(),
                "weeks_open": b.age_weeks(now),
                "on_board_list": b.is_escalated(now),
                "plan_due_on": b.plan_due_on,
            }
            for b in open_barriers
        ],
        "closed": [
            {
                "title": b.title,
                "ward": b.ward.name,
                "kind": b.get_kind_display(),
                "status": b.get_status_display(),
                "outcome": b.outcome,
                "closed_on": b.closed_at.date() if b.closed_at else None,
            }
            for b in closed.order_by("-closed_at")
        ],
    }
