"""Coaching demo data: coach profiles and assignments, coach pairs, the executive register and
about two years of sessions and actions, with realistic gaps (some wards with no contact for six
weeks or more), some actions overdue and some done. Bulk inserts only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from coaching.models import (
    Action,
    ActionStatus,
    CoachingRhythm,
    CoachingSession,
    CoachKind,
    CoachPair,
    CoachProfile,
    Executive,
    Mode,
    SessionKind,
    SessionStatus,
    WardCoachAssignment,
)
from culture_of_care.accounts.models import RoleAssignment
from culture_of_care.accounts.roles import Role
from culture_of_care.improvement.models import Commitment, DriverNode, NodeKind
from wards.models import WardStatus

PROGRAMME_START = date(2025, 4, 1)
CHARITIES = ("Neurodiverse Connection", "Black Thrive Global")

WARD_SUMMARIES = [
    "Reviewed the safety huddle PDSA: the night team ran it on four of seven nights.",
    "Looked at the restrictive practice run chart together; agreed to test a calmer handover.",
    "Peer support worker led a discussion on what makes mealtimes feel safe.",
    "Planned the next cycle of the activity board test with two patients' ideas included.",
    "Team scored their progress and compared it with the coach's score; talked about the gap.",
    "Discussed staffing pressures and which small test is realistic this fortnight.",
    "Went through the data collection sheet: simplified it so nights can fill it in.",
    "Agreed to spread the debrief conversation to the weekend team.",
]
ORG_SUMMARIES = [
    "Middle tier mapped what slows down rostering changes for the wards.",
    "Estates and the ward managers agreed a quicker route for small environmental fixes.",
    "Looked at how ward data reaches the board and what could be automated.",
]
EXEC_SUMMARIES = [
    "Reflection on visible leadership on the wards.",
    "How the board hears lived experience directly.",
    "Preparing for the quality committee conversation on restrictive practice.",
]
CONFIDENTIAL_NOTES = [
    "Spoke openly about tension with a board colleague; agreed to revisit next time.",
    "Feeling isolated in the role; explored sources of support outside the organisation.",
    "Worried about how the last inspection was handled; reflected on own part in it.",
    "Unsure about continuing in post; wants space to think before the next session.",
]
RISK_SUMMARIES = [
    "Reviewed progress on removing risk stratification from the record templates.",
    "Planned staff training on safety formulation with lived-experience trainers.",
    "Looked at the latest care-record audit: more plans co-produced with patients.",
]
OWNER_ROLES = ["Ward manager", "Matron", "Peer support worker", "Ward team", "Charge nurse"]
ACTION_TEXTS = [
    "Run the safety huddle on nights for two weeks",
    "Share the run chart at the team meeting",
    "Ask three patients what would make evenings calmer",
    "Update the PDSA form with this week's results",
    "Agree cover so the peer worker can join the next session",
    "Try the new handover prompt on two shifts",
]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(17, 0)))


def seed(ctx: Any) -> None:
    rng = ctx.rng_for("coaching")
    today = ctx.today

    # Coach profiles.
    profiles: list[CoachProfile] = []
    for user in ctx.people.get(Role.QI_COACH, []):
        profiles.append(CoachProfile(user_id=user.id, kind=CoachKind.QI_COACH))
    for user in ctx.people.get(Role.LEADERSHIP_COACH, []):
        employer = next((c for c in CHARITIES if c in (user.job_title or "")), "")
        kind = CoachKind.LIVED_EXPERIENCE_LEADERSHIP if employer else CoachKind.BOARD_LEADERSHIP
        profiles.append(CoachProfile(user_id=user.id, kind=kind, employer=employer))
    for user in ctx.people.get(Role.RISK_LEAD, []):
        profiles.append(
            CoachProfile(user_id=user.id, kind=CoachKind.NCISH_RISK_ADVISER, employer="NCISH")
        )
    CoachProfile.objects.bulk_create(profiles, batch_size=500)
    kind_of = {p.user_id: p.kind for p in profiles}

    # Coach pairs from each organisation's two leadership-coach assignments.
    by_org: dict[int, list[int]] = {}
    for user_id, org_id in RoleAssignment.objects.filter(
        role=Role.LEADERSHIP_COACH, organisation__isnull=False
    ).values_list("user_id", "organisation_id"):
        by_org.setdefault(org_id, []).append(user_id)
    pairs = []
    for org in ctx.organisations:
        coaches = by_org.get(org.id, [])
        le = next(
            (u for u in coaches if kind_of.get(u) == CoachKind.LIVED_EXPERIENCE_LEADERSHIP), None
        )
        board = next((u for u in coaches if kind_of.get(u) == CoachKind.BOARD_LEADERSHIP), None)
        if le and board:
            pairs.append(
                CoachPair(
                    organisation_id=org.id,
                    lived_experience_coach_id=le,
                    board_coach_id=board,
                    starts_on=PROGRAMME_START,
                )
            )
    CoachPair.objects.bulk_create(pairs)
    pair_of = {p.organisation_id: p for p in pairs}

    # Ward coach assignments from each ward's named coach.
    WardCoachAssignment.objects.bulk_create(
        [
            WardCoachAssignment(
                organisation_id=w.organisation_id,
                ward_id=w.id,
                coach_id=w.qi_coach_id,
                starts_on=w.coaching_start or PROGRAMME_START,
            )
            for w in ctx.wards
            if w.qi_coach_id
        ],
        batch_size=500,
    )

    # The executive register from the executives' logins.
    exec_users = {u.id: u for u in ctx.people.get(Role.EXECUTIVE, [])}
    executives = []
    for user_id, org_id in (
        RoleAssignment.objects.filter(role=Role.EXECUTIVE, user_id__in=exec_users)
        .order_by("id")
        .values_list("user_id", "organisation_id")
    ):
        user = exec_users[user_id]
        pair = pair_of.get(org_id)
        executives.append(
            Executive(
                organisation_id=org_id,
                name=user.full_name,
                job_title=user.job_title or "Executive",
                started_on=PROGRAMME_START + timedelta(days=rng.randint(0, 90)),
                user_id=user_id,
                coach_pair_id=pair.id if pair else None,
            )
        )
    Executive.objects.bulk_create(executives, batch_size=500)

    CoachingRhythm.objects.get_or_create(defaults={"ward_sessions_per_month": 2})

    commitment_ids = list(Commitment.objects.values_list("id", flat=True))
    topic_ids = list(
        DriverNode.objects.filter(kind__in=[NodeKind.PRIMARY, NodeKind.SECONDARY]).values_list(
            "id", flat=True
        )
    )
    ward_members: dict[int, list[int]] = {}
    for user_id, ward_id in RoleAssignment.objects.filter(
        role=Role.WARD_MEMBER, ward__isnull=False
    ).values_list("user_id", "ward_id"):
        ward_members.setdefault(ward_id, []).append(user_id)

    sessions: list[CoachingSession] = []
    coaches_of: list[list[int]] = []
    executives_of: list[list[int]] = []

    def add(session: CoachingSession, coach_ids: list[int], exec_ids: list[int] = ()) -> None:
        session.status = SessionStatus.LOGGED
        session.logged_at = _aware(session.date)
        sessions.append(session)
        coaches_of.append([c for c in coach_ids if c])
        executives_of.append(list(exec_ids))

    # Ward QI coaching: about fortnightly, with missed sessions and a few wards gone quiet.
    for index, ward in enumerate(ctx.wards):
        if ward.status == WardStatus.WITHDRAWN or not ward.qi_coach_id:
            continue
        start = max(ward.coaching_start or PROGRAMME_START, today - timedelta(days=730))
        end = min(ward.coaching_end or today, today)
        if index % 9 == 4:  # gone quiet: no contact for seven to twelve weeks
            end = today - timedelta(days=rng.randint(49, 84))
        day = start + timedelta(days=rng.randint(0, 10))
        while day <= end:
            if rng.random() > 0.08:  # now and then a session is missed
                attendees = rng.randint(3, 9)
                add(
                    CoachingSession(
                        organisation_id=ward.organisation_id,
                        ward_id=ward.id,
                        kind=SessionKind.WARD_QI,
                        date=day,
                        duration_minutes=rng.choice([45, 60, 60, 75, 90]),
                        mode=rng.choice([Mode.IN_PERSON, Mode.IN_PERSON, Mode.VIDEO]),
                        attendee_count=attendees,
                        lived_experience_attendee_count=rng.choice([0, 0, 1, 1, 2]),
                        shared_summary=rng.choice(WARD_SUMMARIES),
                        next_session_on=day + timedelta(days=14),
                        created_by_id=ward.qi_coach_id,
                    ),
                    [ward.qi_coach_id],
                )
            day += timedelta(days=14 + rng.randint(-3, 3))

    # Leadership coaching: middle tier monthly, executives every five to seven weeks,
    # reverse mentoring with the board now and then.
    execs_by_org: dict[int, list[Executive]] = {}
    for executive in executives:
        execs_by_org.setdefault(executive.organisation_id, []).append(executive)
    for org in ctx.organisations:
        pair = pair_of.get(org.id)
        if pair is None:
            continue
        pair_ids = [pair.lived_experience_coach_id, pair.board_coach_id]
        day = PROGRAMME_START + timedelta(days=rng.randint(5, 30))
        while day <= today:
            add(
                CoachingSession(
                    organisation_id=org.id,
                    kind=SessionKind.ORGANISATION,
                    date=day,
                    duration_minutes=90,
                    mode=Mode.VIDEO,
                    attendee_count=rng.randint(4, 10),
                    lived_experience_attendee_count=rng.randint(0, 2),
                    shared_summary=rng.choice(ORG_SUMMARIES),
                    next_session_on=day + timedelta(days=30),
                    created_by_id=pair.board_coach_id,
                ),
                pair_ids,
            )
            day += timedelta(days=30 + rng.randint(-4, 4))
        for executive in execs_by_org.get(org.id, []):
            quiet = rng.random() < 0.2  # no session this quarter
            last = today - timedelta(days=120) if quiet else today
            day = executive.started_on + timedelta(days=rng.randint(7, 28))
            while day <= last:
                add(
                    CoachingSession(
                        organisation_id=org.id,
                        kind=SessionKind.EXECUTIVE,
                        date=day,
                        duration_minutes=rng.choice([60, 90]),
                        mode=rng.choice([Mode.IN_PERSON, Mode.VIDEO]),
                        attendee_count=1,
                        shared_summary=rng.choice(EXEC_SUMMARIES),
                        confidential_notes=rng.choice(CONFIDENTIAL_NOTES),
                        next_session_on=day + timedelta(days=42),
                        created_by_id=pair.lived_experience_coach_id,
                    ),
                    pair_ids,
                    [executive.id],
                )
                day += timedelta(days=rng.randint(35, 49))
        for quarter in range(0, 7, 2):
            day = PROGRAMME_START + timedelta(days=91 * quarter + rng.randint(10, 60))
            if day <= today:
                add(
                    CoachingSession(
                        organisation_id=org.id,
                        kind=SessionKind.REVERSE_MENTORING,
                        date=day,
                        duration_minutes=60,
                        mode=Mode.IN_PERSON,
                        attendee_count=rng.randint(3, 8),
                        lived_experience_attendee_count=1,
                        shared_summary="Board members heard a ward's experience first hand.",
                        confidential_notes="Board member reflected on their own assumptions.",
                        created_by_id=pair.lived_experience_coach_id,
                    ),
                    pair_ids,
                )

    # Risk support: NCISH advisers with the first ten organisations, monthly.
    advisers = ctx.people.get(Role.RISK_LEAD, [])
    for index, org in enumerate(ctx.organisations[:10]):
        if not advisers:
            break
        adviser = advisers[index % len(advisers)]
        day = PROGRAMME_START + timedelta(days=rng.randint(10, 40))
        while day <= today:
            add(
                CoachingSession(
                    organisation_id=org.id,
                    kind=SessionKind.RISK_SUPPORT,
                    date=day,
                    duration_minutes=rng.choice([60, 90]),
                    mode=Mode.VIDEO,
                    attendee_count=rng.randint(3, 8),
                    lived_experience_attendee_count=rng.randint(0, 2),
                    shared_summary=rng.choice(RISK_SUMMARIES),
                    next_session_on=day + timedelta(days=30),
                    created_by_id=adviser.id,
                ),
                [adviser.id],
            )
            day += timedelta(days=30 + rng.randint(-5, 5))

    CoachingSession.objects.bulk_create(sessions, batch_size=1000)

    coach_links = CoachingSession.coaches.through
    exec_links = CoachingSession.executives.through
    commitment_links = CoachingSession.commitments.through
    topic_links = CoachingSession.topics.through
    links_c, links_e, links_m, links_t = [], [], [], []
    actions: list[Action] = []
    for session, coach_ids, exec_ids in zip(sessions, coaches_of, executives_of, strict=True):
        for coach_id in dict.fromkeys(coach_ids):
            links_c.append(coach_links(coachingsession_id=session.id, user_id=coach_id))
        for exec_id in exec_ids:
            links_e.append(exec_links(coachingsession_id=session.id, executive_id=exec_id))
        if session.kind == SessionKind.EXECUTIVE:
            continue
        if commitment_ids and rng.random() < 0.6:
            for cid in rng.sample(commitment_ids, 2):
                links_m.append(commitment_links(coachingsession_id=session.id, commitment_id=cid))
        if topic_ids and rng.random() < 0.4:
            links_t.append(
                topic_links(coachingsession_id=session.id, drivernode_id=rng.choice(topic_ids))
            )
        if session.kind == SessionKind.REVERSE_MENTORING:
            continue
        for _ in range(rng.choice([0, 1, 1, 2])):
            due = session.date + timedelta(days=rng.choice([7, 14, 21]))
            status, done_at = ActionStatus.OPEN, None
            roll = rng.random()
            if due < today - timedelta(days=21):
                if roll < 0.93:
                    status, done_at = ActionStatus.DONE, _aware(due - timedelta(days=2))
                elif roll < 0.97:
                    status = ActionStatus.DROPPED
            elif due < today and roll < 0.5:
                status, done_at = ActionStatus.DONE, _aware(due)
            owner_id = None
            owner_role = ""
            members = ward_members.get(session.ward_id or 0, [])
            if members and rng.random() < 0.5:
                owner_id = rng.choice(members)
            else:
                owner_role = rng.choice(OWNER_ROLES)
            actions.append(
                Action(
                    organisation_id=session.organisation_id,
                    ward_id=session.ward_id,
                    session_id=session.id,
                    description=rng.choice(ACTION_TEXTS),
                    owner_id=owner_id,
                    owner_role=owner_role,
                    due_on=due,
                    status=status,
                    done_at=done_at,
                    created_by_id=session.created_by_id,
                )
            )
    coach_links.objects.bulk_create(links_c, batch_size=2000)
    exec_links.objects.bulk_create(links_e, batch_size=2000)
    commitment_links.objects.bulk_create(links_m, batch_size=2000)
    topic_links.objects.bulk_create(links_t, batch_size=2000)
    Action.objects.bulk_create(actions, batch_size=1000)

    ctx.stats["coach pairs"] = len(pairs)
    ctx.stats["executives coached"] = len(executives)
    ctx.stats["coaching sessions"] = len(sessions)
    ctx.stats["coaching actions"] = len(actions)
