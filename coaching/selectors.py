"""Reads reused by the coaching pages, the API, the export, panels and reminders.

Every function takes the reading user and starts from ``visible_to``/``readable_by``, so the
confidentiality rule in ``coaching.models`` applies wherever these are used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

from coaching.models import (
    Action,
    ActionStatus,
    CoachingRhythm,
    CoachingSession,
    CoachPair,
    Executive,
    SessionKind,
    SessionStatus,
    coachee_q,
    confidential_organisation_ids,
)
from culture_of_care import suppression
from culture_of_care.access import has_role, is_programme_admin, read_reach
from culture_of_care.accounts.models import RoleAssignment
from culture_of_care.accounts.roles import Role
from culture_of_care.improvement.models import ProgressScore, ScoredBy, Signal
from culture_of_care.notifications.kinds import DueItem
from culture_of_care.periods import last_months
from organisations.models import Organisation
from wards.models import Ward, WardStatus


def no_contact_after() -> timedelta:
    """How long without a logged session before a ward or organisation is flagged (a setting)."""
    return timedelta(weeks=settings.NO_CONTACT_WEEKS)


EXECUTIVE_COVERAGE_PERIOD = timedelta(days=91)
LEADERSHIP_KINDS = (
    SessionKind.ORGANISATION,
    SessionKind.EXECUTIVE,
    SessionKind.REVERSE_MENTORING,
)
COACH_ROLES = (Role.QI_COACH, Role.LEADERSHIP_COACH, Role.RISK_LEAD)


def _count(qs: QuerySet, group: str) -> Coalesce:
    """A correlated COUNT subquery for ``qs`` (already filtered on ``OuterRef``)."""
    return Coalesce(
        Subquery(qs.order_by().values(group).annotate(n=Count("id")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def is_coach(user: Any) -> bool:
    return has_role(user, *COACH_ROLES)


# --- Caseload ------------------------------------------------------------------------------


@dataclass
class Caseload:
    wards: list[Ward] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    organisation_label: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.wards or self.organisations)


def weeks_between(earlier: date, later: date) -> int:
    return max((later - earlier).days // 7, 0)


def quiet_label(last_contact: date | None, today: date, started_on: date | None = None) -> str:
    """How long it has really been: "No contact for 15 weeks", never the threshold."""
    if last_contact is None:
        if started_on is None:
            return "No contact yet"
        weeks = weeks_between(started_on, today)
        return f"No contact since coaching started {weeks} week{'s' if weeks != 1 else ''} ago"
    weeks = weeks_between(last_contact, today)
    return f"No contact for {weeks} week{'s' if weeks != 1 else ''}"


def _flag(rows: list[Any], today: date, *, started: bool = True) -> None:
    for row in rows:
        row.no_recent_contact = started and (
            row.last_contact is None or row.last_contact < today - no_contact_after()
        )
        row.quiet_label = (
            quiet_label(row.last_contact, today, getattr(row, "coaching_start", None))
            if row.no_recent_contact
            else ""
        )


def _contact_figures(
    today: date, key: str, sessions: Any, actions: Any, signals: Any, scores: Any
) -> dict[str, Any]:
    """A caseload row's annotations (a ward's or an organisation's, joined on ``key``): last
    contact, next session, open and overdue actions, signals to review and the latest score."""
    return {
        "last_contact": Subquery(
            sessions.filter(date__lte=today).order_by("-date").values("date")[:1]
        ),
        "next_session": Subquery(
            sessions.filter(next_session_on__gte=today)
            .order_by("next_session_on")
            .values("next_session_on")[:1]
        ),
        "open_actions": _count(actions, key),
        "overdue_actions": _count(actions.filter(due_on__lt=today), key),
        "signals_to_review": _count(signals, key),
        "latest_score": Subquery(scores.values("score")[:1]),
        "latest_score_month": Subquery(scores.values("month")[:1]),
    }


def caseload_wards(user: Any) -> list[Ward]:
    """The wards ``user`` coaches, each with last contact, next session, score, actions, signals."""
    today = timezone.localdate()
    sessions = CoachingSession.objects.filter(ward=OuterRef("pk"), status=SessionStatus.LOGGED)
    actions = Action.objects.filter(ward=OuterRef("pk"), status=ActionStatus.OPEN).exclude(
        session__status=SessionStatus.DRAFT
    )
    scores = ProgressScore.objects.filter(ward=OuterRef("pk")).order_by(
        "-month", "scored_by"
    )  # "coach" sorts before "team": the coach's score wins a tie
    wards = list(
        Ward.objects.visible_to(user)
        .filter(qi_coach=user)
        .exclude(status=WardStatus.WITHDRAWN)
        .select_related("organisation")
        .annotate(
            **_contact_figures(
                today,
                "ward",
                sessions,
                actions,
                Signal.objects.filter(ward=OuterRef("pk"), reviewed_at__isnull=True),
                scores,
            ),
            latest_score_by=Subquery(scores.values("scored_by")[:1]),
        )
        .order_by("organisation__name", "name")
    )
    for ward in wards:
        started = ward.coaching_start is None or ward.coaching_start <= today
        _flag([ward], today, started=started)
        ward.latest_score_by_label = dict(ScoredBy.choices).get(ward.latest_score_by, "")
    return wards


def _organisation_rows(org_ids: set[int], kinds: tuple[str, ...], user: Any) -> list[Organisation]:
    today = timezone.localdate()
    sessions = CoachingSession.objects.filter(
        organisation=OuterRef("pk"), status=SessionStatus.LOGGED, kind__in=kinds
    )
    actions = Action.objects.filter(
        organisation=OuterRef("pk"),
        ward__isnull=True,
        status=ActionStatus.OPEN,
    ).exclude(session__status=SessionStatus.DRAFT)
    scores = ProgressScore.objects.filter(organisation=OuterRef("pk"), ward__isnull=True).order_by(
        "-month", "scored_by"
    )
    rows = list(
        Organisation.objects.visible_to(user)
        .filter(id__in=org_ids)
        .annotate(
            **_contact_figures(
                today,
                "organisation",
                sessions,
                actions,
                Signal.objects.filter(
                    organisation=OuterRef("pk"), ward__isnull=True, reviewed_at__isnull=True
                ),
                scores,
            )
        )
        .order_by("name")
    )
    _flag(rows, today)
    return rows


def caseload_for(user: Any) -> Caseload:
    """What ``user`` coaches: wards (QI coaches) and organisations (leadership coaches and
    NCISH advisers)."""
    caseload = Caseload(wards=caseload_wards(user))
    org_ids: set[int] = set()
    kinds: tuple[str, ...] = ()
    if (
        has_role(user, Role.LEADERSHIP_COACH)
        or CoachPair.objects.current()
        .filter(Q(lived_experience_coach=user) | Q(board_coach=user))
        .exists()
    ):
        org_ids |= set(confidential_organisation_ids(user) or ())
        kinds += LEADERSHIP_KINDS
        caseload.organisation_label = "Organisations you coach"
    if has_role(user, Role.RISK_LEAD):
        org_ids |= set(
            RoleAssignment.objects.current()
            .filter(user=user, role=Role.RISK_LEAD, organisation__isnull=False)
            .values_list("organisation_id", flat=True)
        )
        kinds += (SessionKind.RISK_SUPPORT,)
        caseload.organisation_label = caseload.organisation_label or "Organisations you advise"
    if org_ids:
        caseload.organisations = _organisation_rows(org_ids, kinds, user)
    return caseload


# --- Coverage ------------------------------------------------------------------------------


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


@dataclass
class Coverage:
    months: list[date]
    rhythm: int
    ward_rows: list[dict[str, Any]]
    month_summary: list[dict[str, Any]]
    no_recent_contact: list[Ward]
    executives_total: int
    executives_covered: int
    kind_rows: list[dict[str, Any]]
    lived_experience_rows: list[dict[str, Any]]

    rules: suppression.Rules = field(default_factory=suppression.Rules.from_settings)

    @property
    def executive_figure_shown(self) -> bool:
        """Only with enough people behind every number shown (DOMAIN.md small numbers): the
        executives, those covered and those not."""
        return suppression.people_figures_shown(
            self.executives_total, self.executives_covered, rules=self.rules
        )


def coverage_for(user: Any, months: int = 6) -> Coverage:
    """Counts for programme leads: coaching against the rhythm, gaps, executives, kinds."""
    today = timezone.localdate()
    month_list = last_months(months, today)
    start = month_list[0]
    rhythm = CoachingRhythm.current().ward_sessions_per_month
    sessions = CoachingSession.objects.visible_to(user).filter(status=SessionStatus.LOGGED)

    per_ward: dict[tuple[int, date], int] = {}
    for row in (
        sessions.filter(kind=SessionKind.WARD_QI, date__gte=start, date__lte=today)
        .annotate(month=TruncMonth("date"))
        .values("ward_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    ):
        per_ward[(row["ward_id"], _as_date(row["month"]))] = row["n"]

    last_contact = (
        CoachingSession.objects.filter(
            ward=OuterRef("pk"), status=SessionStatus.LOGGED, date__lte=today
        )
        .order_by("-date")
        .values("date")[:1]
    )
    wards = list(
        Ward.objects.visible_to(user)
        .exclude(status=WardStatus.WITHDRAWN)
        .select_related("organisation", "qi_coach")
        .annotate(last_contact=Subquery(last_contact))
        .order_by("organisation__name", "name")
    )
    # A month is judged against the rhythm only once it is over: the current month is shown
    # "so far" and never marked below (on the 1st every ward would otherwise be "0 (below)").
    current = month_list[-1]
    ward_rows = []
    met = dict.fromkeys(month_list, 0)
    for ward in wards:
        counts = [per_ward.get((ward.id, m), 0) for m in month_list]
        for m, n in zip(month_list, counts, strict=True):
            if n >= rhythm:
                met[m] += 1
        ward_rows.append(
            {
                "ward": ward,
                "counts": [
                    {
                        "month": m,
                        "count": n,
                        "so_far": m == current,
                        "met": n >= rhythm or m == current,
                    }
                    for m, n in zip(month_list, counts, strict=True)
                ],
            }
        )
    started = [w for w in wards if w.coaching_start is None or w.coaching_start <= today]
    _flag(started, today)
    no_recent = [w for w in started if w.no_recent_contact]

    executives = Executive.objects.visible_to(user).filter(ended_on__isnull=True)
    executives_total = executives.count()
    executives_covered = (
        executives.filter(
            sessions__status=SessionStatus.LOGGED,
            sessions__kind=SessionKind.EXECUTIVE,
            sessions__date__gte=today - EXECUTIVE_COVERAGE_PERIOD,
            sessions__date__lte=today,
        )
        .distinct()
        .count()
    )

    by_kind: dict[tuple[str, date], int] = {}
    le_by_month: dict[date, dict[str, int]] = {}
    for row in (
        sessions.filter(date__gte=start, date__lte=today)
        .annotate(month=TruncMonth("date"))
        .values("kind", "month")
        .annotate(
            n=Count("id"),
            with_le=Count("id", filter=Q(lived_experience_attendee_count__gt=0)),
        )
        .order_by()
    ):
        month = _as_date(row["month"])
        by_kind[(row["kind"], month)] = row["n"]
        if row["kind"] == SessionKind.WARD_QI:
            le_by_month[month] = {"total": row["n"], "with_le": row["with_le"]}
    kind_rows = [
        {
            "kind": label,
            "counts": [by_kind.get((value, m), 0) for m in month_list],
            "total": sum(by_kind.get((value, m), 0) for m in month_list),
        }
        for value, label in SessionKind.choices
    ]
    lived_experience_rows = []
    for m in month_list:
        entry = le_by_month.get(m, {"total": 0, "with_le": 0})
        share = round(100 * entry["with_le"] / entry["total"]) if entry["total"] else None
        lived_experience_rows.append({"month": m, **entry, "share": share})
    return Coverage(
        months=month_list,
        rhythm=rhythm,
        ward_rows=ward_rows,
        month_summary=[
            {"month": m, "met": met[m], "total": len(ward_rows), "so_far": m == current}
            for m in month_list
        ],
        no_recent_contact=no_recent,
        executives_total=executives_total,
        executives_covered=executives_covered,
        kind_rows=kind_rows,
        lived_experience_rows=lived_experience_rows,
    )


# --- Sessions and actions ------------------------------------------------------------------


def sessions_for_list(user: Any) -> QuerySet[CoachingSession]:
    """Logged sessions the user may see, content redacted where it must be."""
    return (
        CoachingSession.objects.readable_by(user)
        .filter(status=SessionStatus.LOGGED)
        .select_related("organisation", "ward")
        .prefetch_related("coaches")
        .order_by("-date", "-id")
    )


def drafts_for(user: Any) -> QuerySet[CoachingSession]:
    return (
        CoachingSession.objects.readable_by(user)
        .filter(status=SessionStatus.DRAFT, created_by=user)
        .select_related("organisation", "ward")
        .order_by("-updated_at")
    )


def actions_for_list(user: Any) -> QuerySet[Action]:
    return (
        Action.objects.readable_by(user)
        .select_related("organisation", "ward", "owner", "session")
        .overdue_first()
    )


def actions_of_coach(user: Any, coach: Any) -> QuerySet[Action]:
    """A coach's actions: from sessions they ran, on wards they coach, or owned by them."""
    return (
        actions_for_list(user)
        .filter(Q(session__coaches=coach) | Q(ward__qi_coach=coach) | Q(owner=coach))
        .distinct()
    )


def sessions_of_coachee(user: Any) -> QuerySet[CoachingSession]:
    """The logged sessions in which ``user`` was an executive coached (summary readable)."""
    return sessions_for_list(user).filter(coachee_q(user))


def actions_of_coachee(user: Any) -> QuerySet[Action]:
    """Actions agreed with ``user`` as an executive coached, or owned by them."""
    return actions_for_list(user).filter(coachee_q(user, "session__") | Q(owner=user))


def may_see_coverage(user: Any) -> bool:
    return has_role(user, Role.PROGRAMME_ADMIN, Role.PROGRAMME_LEAD)


def may_see_executive_register(user: Any) -> bool:
    return is_programme_admin(user) or bool(confidential_organisation_ids(user))


# --- Calendar ------------------------------------------------------------------------------


def upcoming_for_calendar(user: Any) -> list[CoachingSession]:
    """The coach's next sessions (one per ward or organisation and date), today onwards."""
    today = timezone.localdate()
    seen: set[tuple[int, int | None, date, str]] = set()
    rows = []
    for session in (
        CoachingSession.objects.visible_to(user)
        .filter(status=SessionStatus.LOGGED, coaches=user, next_session_on__gte=today)
        .select_related("organisation", "ward")
        .order_by("next_session_on", "id")
    ):
        key = (session.organisation_id, session.ward_id, session.next_session_on, session.kind)
        if key in seen:
            continue
        seen.add(key)
        rows.append(session)
    return rows


# --- What is due (reminders; registered as kinds in ``CoachingConfig.ready``) --------------


def actions_due_for(user: Any, today: date) -> list[DueItem]:
    """Open actions ``user`` owns that are overdue or due within ``ACTIONS_DUE_WITHIN_DAYS``."""
    horizon = today + timedelta(days=settings.ACTIONS_DUE_WITHIN_DAYS)
    # The person's own actions: the owner is told even if their role has since moved on.
    actions = (
        Action.objects.filter(owner=user, status=ActionStatus.OPEN, due_on__lte=horizon)
        .exclude(session__status=SessionStatus.DRAFT)
        .select_related("ward", "organisation")
        .order_by("due_on", "id")[:30]
    )
    items = []
    for action in actions:
        where = action.ward.name if action.ward_id else action.organisation.name
        if action.due_on < today:
            when = f"was due on {action.due_on:%-d %B}"
        elif action.due_on == today:
            when = "is due today"
        else:
            when = f"is due on {action.due_on:%A %-d %B}"
        items.append(
            DueItem(
                kind="actions",
                key=f"action:{action.pk}:{action.due_on:%Y-%m-%d}",
                text=f"{where}: '{_shorten(action.description)}' {when}.",
                url=reverse("coaching:action_list"),
                when=action.due_on,
            )
        )
    return items


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sessions_soon_for(user: Any, today: date) -> list[DueItem]:
    """Coaching sessions planned in the next ``SESSIONS_SOON_DAYS`` days, for their coaches and
    for the team of the ward the session is with."""
    horizon = today + timedelta(days=settings.SESSIONS_SOON_DAYS)
    ward_ids = read_reach(user).ward_ids
    sessions = (
        CoachingSession.objects.visible_to(user)
        .filter(status=SessionStatus.LOGGED, next_session_on__gte=today)
        .filter(next_session_on__lte=horizon)
        .filter(Q(coaches=user) | Q(ward_id__in=ward_ids))
        .select_related("ward", "organisation")
        .order_by("next_session_on", "id")
        .distinct()
    )
    seen: set[tuple[str, date]] = set()
    items = []
    for session in sessions[:30]:
        place = session.where
        if (place, session.next_session_on) in seen:
            continue
        seen.add((place, session.next_session_on))
        day = (
            "today"
            if session.next_session_on == today
            else (
                "tomorrow"
                if session.next_session_on == today + timedelta(days=1)
                else f"on {session.next_session_on:%A %-d %B}"
            )
        )
        items.append(
            DueItem(
                kind="sessions",
                key=f"session:{session.ward_id or 'org' + str(session.organisation_id)}:"
                f"{session.next_session_on:%Y-%m-%d}",
                text=f"Coaching session {day}: {place}.",
                url=reverse("coaching:calendar"),
                when=session.next_session_on,
            )
        )
    return items


def wards_without_contact_for(user: Any, today: date) -> list[DueItem]:
    """Wards ``user`` coaches whose coaching has started and who had no logged session for
    ``NO_CONTACT_WEEKS`` weeks, saying how long it really is. The item comes back each further
    ``NO_CONTACT_WEEKS`` after it is dismissed."""
    cutoff = today - no_contact_after()
    wards = (
        Ward.objects.visible_to(user)
        .filter(qi_coach=user)
        .exclude(status=WardStatus.WITHDRAWN)
        .filter(Q(coaching_start__isnull=True) | Q(coaching_start__lte=cutoff))
        .annotate(
            last_contact=Max(
                "coaching_sessions__date",
                filter=Q(
                    coaching_sessions__status=SessionStatus.LOGGED,
                    coaching_sessions__date__lte=today,
                ),
            )
        )
        .filter(Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff))
        .select_related("organisation")
        .order_by("last_contact", "name")
    )
    items = []
    for ward in wards[:50]:
        since = ward.last_contact or ward.coaching_start
        step = weeks_between(since, today) // settings.NO_CONTACT_WEEKS if since else 0
        items.append(
            DueItem(
                kind="no_contact",
                key=f"ward:{ward.pk}:{since or 'never'}:{step}",
                text=f"{ward.name} ({ward.organisation.name}): "
                f"{quiet_label(ward.last_contact, today, ward.coaching_start)}.",
                url=reverse("wards:detail", args=[ward.pk]),
                when=ward.last_contact,
            )
        )
    return items


def executives_without_session_for(user: Any, today: date) -> list[DueItem]:
    """Executives with no executive coaching session for ``EXECUTIVE_NO_SESSION_WEEKS`` weeks,
    for their organisation's coach pair (the executive's own pair, else the current one)."""
    pairs = list(
        CoachPair.objects.current(on=today).filter(
            Q(lived_experience_coach=user) | Q(board_coach=user)
        )
    )
    if not pairs:
        return []
    weeks = settings.EXECUTIVE_NO_SESSION_WEEKS
    cutoff = today - timedelta(weeks=weeks)
    pair_ids = {p.pk for p in pairs}
    org_ids = {p.organisation_id for p in pairs}
    executives = (
        Executive.objects.filter(organisation_id__in=org_ids, ended_on__isnull=True)
        .filter(Q(coach_pair_id__in=pair_ids) | Q(coach_pair__isnull=True))
        .filter(started_on__lte=cutoff)
        .annotate(
            last_session=Max(
                "sessions__date",
                filter=Q(
                    sessions__status=SessionStatus.LOGGED,
                    sessions__kind=SessionKind.EXECUTIVE,
                    sessions__date__lte=today,
                ),
            )
        )
        .filter(Q(last_session__isnull=True) | Q(last_session__lt=cutoff))
        .select_related("organisation")
        .order_by("last_session", "name")
    )
    items = []
    for executive in executives[:50]:
        since = executive.last_session or executive.started_on
        gap = weeks_between(since, today)
        if executive.last_session:
            text = (
                f"{executive.name}, {executive.job_title} ({executive.organisation.name}): "
                f"no executive coaching session for {gap} weeks, since "
                f"{executive.last_session:%-d %B %Y}."
            )
        else:
            text = (
                f"{executive.name}, {executive.job_title} ({executive.organisation.name}): "
                f"no executive coaching session yet, {gap} weeks after coaching started."
            )
        items.append(
            DueItem(
                kind="executives",
                key=f"executive:{executive.pk}:{since}:{gap // weeks}",
                text=text,
                url=reverse("coaching:executive_list"),
                when=executive.last_session,
            )
        )
    return items
