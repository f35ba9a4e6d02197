"""Demo barriers: what wards say their organisations make harder, at every stage of the loop.

Runs after every app's demo (it links barriers to ward change ideas and to a middle-tier change
idea it adds to each organisation's middle-tier project). The first demo organisation and ward
have a barrier at each stage, so every page has something to show.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from culture_of_care.accounts.models import RoleAssignment
from culture_of_care.accounts.roles import Role
from culture_of_care.demo import DemoContext
from organisations.models import Barrier, BarrierStatus, BarrierStep, BarrierStepKind

# (kind, title, description, impact, commitment numbers)
TEMPLATES: list[tuple[str, str, str, int, tuple[int, ...]]] = [
    (
        "rostering",
        "Bank staff cannot be booked for the community meeting",
        "The community meeting needs two staff off the floor for 45 minutes. The rostering "
        "rules only allow bank cover for clinical gaps, so the meeting is cancelled on most "
        "short-staffed days.",
        3,
        (1, 4),
    ),
    (
        "rostering",
        "Regular staff are moved to other wards at short notice",
        "Most weeks two or three of our regular nurses are redeployed at the start of a shift. "
        "Patients tell us the changing faces make the ward feel less safe.",
        3,
        (2, 5),
    ),
    (
        "estates",
        "No quiet room while the sensory room waits for repair",
        "The sensory room has been out of use since the ceiling leak. Estates say the repair "
        "is not a priority, and there is nowhere else calm to go.",
        2,
        (3,),
    ),
    (
        "estates",
        "The garden is locked after 5pm for lack of lighting",
        "Fresh air in the evening was the one thing patients asked for most. The garden shuts "
        "at 5pm in winter because the lights have not been fitted.",
        2,
        (3, 6),
    ),
    (
        "policy",
        "The observation policy does not allow the changes we are testing",
        "We want to test therapeutic engagement instead of timed checks at night. The trust "
        "policy needs board approval for any change, and the next review is a year away.",
        3,
        (1, 7),
    ),
    (
        "policy",
        "Peer support workers cannot join the safety huddle",
        "Only registered staff may attend the huddle under the current procedure, so the voice "
        "of lived experience is missing when risks are discussed.",
        2,
        (8,),
    ),
    (
        "it_data",
        "Restrictive practice data arrives six weeks late",
        "The incident system report for our run chart comes from the central team monthly and "
        "six weeks behind, so we cannot see whether a change is working.",
        2,
        (9,),
    ),
    (
        "it_data",
        "No tablet for patients to give feedback on the ward",
        "The feedback survey is online only. Patients without a phone cannot take part, and "
        "IT will not issue a shared device.",
        1,
        (10,),
    ),
    (
        "training",
        "Trauma-informed care training has a year-long waiting list",
        "New starters cannot get a place on the course until next year, so half the team have "
        "not had it.",
        2,
        (4, 11),
    ),
    (
        "finance",
        "No budget for activity materials at weekends",
        "Weekend activities stop when the occupational therapy budget runs out each quarter; "
        "weekends are when incidents rise.",
        1,
        (6,),
    ),
    (
        "other",
        "Patients' family cannot visit in the evening",
        "Visiting ends at 6pm under the hospital's site rules, which many families who work "
        "cannot make.",
        2,
        (12,),
    ),
]

RESPONSES = {
    "ack": "Thank you: the workforce lead is looking at this and will come back to you.",
    "plan": "Change the bank booking rules so protected QI time can be covered.",
    "resolved": "The rule has changed: two staff may now be rostered for the community "
    "meeting, and bank cover can be booked for it.",
    "cannot": "This is set by the national contract for agency staff, which the trust cannot "
    "change. We have raised it with the regional team.",
    "escalate": "Needs a board decision on the policy review timetable.",
}

# The stages demo barriers are in: (stage, weeks ago raised).
DEMO_WARD_STAGES = [
    ("raised", 0),
    ("ack", 2),
    ("plan", 5),
    ("linked", 6),
    ("resolved", 10),
    ("cannot", 7),
    ("old", 11),
    ("escalated", 4),
]
# Weeks since raised: mostly recent, a tail of old ones (open ones past 8 weeks reach the board).
AGES_WEEKS = [0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 9, 12, 16]
STAGES = ["raised", "ack", "plan", "linked", "resolved", "resolved", "cannot", "old", "escalated"]


def _aware(moment: datetime) -> datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def seed_barriers(ctx: DemoContext) -> None:
    """Barriers for about three wards in five, each at a believable stage."""
    from culture_of_care.improvement.models import (
        ChangeIdea,
        ChangeIdeaStatus,
        Commitment,
        Origin,
        PDSACycle,
        Project,
        ProjectKind,
    )

    rng = ctx.rng_for("barriers")
    now = _aware(datetime.combine(ctx.today, time(10, 0)))
    commitments = {c.number: c.id for c in Commitment.objects.all()}
    members: dict[int, list[int]] = defaultdict(list)
    for ward_id, user_id in RoleAssignment.objects.filter(
        role=Role.WARD_MEMBER, ward__isnull=False
    ).values_list("ward_id", "user_id"):
        members[ward_id].append(user_id)
    leads: dict[int, int] = {}
    for org_id, user_id in (
        RoleAssignment.objects.filter(role=Role.ORGANISATION_LEAD)
        .order_by("id")
        .values_list("organisation_id", "user_id")
    ):
        leads.setdefault(org_id, user_id)
    ward_ideas: dict[int, int] = {}
    for ward_id, idea_id in ChangeIdea.objects.filter(ward__isnull=False).values_list(
        "ward_id", "id"
    ):
        ward_ideas.setdefault(ward_id, idea_id)

    # A middle-tier change idea (with a first PDSA cycle) in each organisation's project.
    middle: dict[int, tuple[int, int]] = {}
    projects = list(
        Project.objects.filter(
            organisation__in=ctx.organisations, kind=ProjectKind.ORGANISATION, ward__isnull=True
        )
    )
    ideas = ChangeIdea.objects.bulk_create(
        [
            ChangeIdea(
                organisation_id=p.organisation_id,
                project=p,
                title="Protected time for ward improvement in the roster",
                description="Roster two staff for each ward's weekly QI huddle and community "
                "meeting, covered by bank staff booked in advance.",
                origin=Origin.LOCAL,
                status=ChangeIdeaStatus.TESTING,
            )
            for p in projects
        ]
    )
    cycles = PDSACycle.objects.bulk_create(
        [
            PDSACycle(
                organisation_id=idea.organisation_id,
                change_idea=idea,
                number=1,
                title="Book bank cover for two wards' community meetings for a month",
                objective="See whether booking cover a month ahead keeps the meetings running",
                predictions="Nine in ten meetings go ahead",
            )
            for idea in ideas
        ]
    )
    for idea, cycle in zip(ideas, cycles, strict=True):
        middle[idea.organisation_id] = (idea.id, cycle.id)

    barriers: list[Barrier] = []
    plans: list[tuple[str, list[tuple[str, int, dict[str, Any]]]]] = []
    for index, ward in enumerate(ctx.wards):
        if index == 0:
            stages = DEMO_WARD_STAGES
        elif rng.random() < 0.6:
            stages = [(rng.choice(STAGES), rng.randint(0, 20)) for _ in range(rng.randint(1, 3))]
        else:
            continue
        org_id = ward.organisation_id
        lead = leads.get(org_id)
        raiser = (members.get(ward.id) or [None])[0]
        for number, (stage, weeks) in enumerate(stages):
            kind, title, text, impact, numbers = TEMPLATES[
                (index + number * 3 + (0 if index else number)) % len(TEMPLATES)
            ]
            if stage == "old":
                weeks = max(weeks, 9)
            raised = now - timedelta(weeks=weeks, days=rng.randint(0, 5), hours=number)
            barrier = Barrier(
                organisation_id=org_id,
                ward=ward,
                title=title,
                description=text,
                kind=kind,
                impact=impact,
                blocked_idea_id=ward_ideas.get(ward.id) if rng.random() < 0.4 else None,
                with_lived_experience=rng.random() < 0.35,
                raised_by_id=raiser,
                raised_at=raised,
                last_step_at=raised,
            )
            steps: list[tuple[str, int, dict[str, Any]]] = [("raised", 0, {"actor": raiser})]
            day = 3
            if stage not in ("raised", "old"):
                steps.append(("acknowledged", day, {"note": RESPONSES["ack"], "actor": lead}))
                barrier.status = BarrierStatus.ACKNOWLEDGED
                day += 7
            if stage in ("plan", "linked", "resolved", "escalated"):
                due = (raised + timedelta(weeks=weeks + 6)).date()
                owner = "Head of Workforce" if kind == "rostering" else "Associate Director"
                steps.append(
                    (
                        "planned",
                        day,
                        {"note": RESPONSES["plan"], "owner": owner, "due_on": due, "actor": lead},
                    )
                )
                barrier.status = BarrierStatus.PLANNED
                barrier.plan_owner, barrier.plan_due_on = owner, due
                barrier.plan_text = RESPONSES["plan"]
                day += 4
            if stage in ("linked", "resolved") and org_id in middle:
                idea_id, cycle_id = middle[org_id]
                barrier.linked_idea_id, barrier.linked_cycle_id = idea_id, cycle_id
                steps.append(
                    (
                        "linked",
                        day,
                        {"linked_idea_id": idea_id, "linked_cycle_id": cycle_id, "actor": lead},
                    )
                )
                day += 7
            if stage == "resolved":
                steps.append(("resolved", day, {"note": RESPONSES["resolved"], "actor": lead}))
                barrier.status = BarrierStatus.RESOLVED
                barrier.outcome = RESPONSES["resolved"]
            if stage == "cannot":
                steps.append(("cannot_change", day, {"note": RESPONSES["cannot"], "actor": lead}))
                barrier.status = BarrierStatus.CANNOT_CHANGE
                barrier.outcome = RESPONSES["cannot"]
            if stage == "escalated":
                steps.append(("escalated", day, {"note": RESPONSES["escalate"], "actor": lead}))
            # Nothing happens in the future: drop steps later than today.
            steps = [s for s in steps if raised + timedelta(days=s[1]) <= now]
            last = max(s[1] for s in steps)
            barrier.last_step_at = raised + timedelta(days=last)
            kinds = {s[0] for s in steps}
            if "escalated" in kinds:
                barrier.escalated_at = barrier.last_step_at
                barrier.escalated_by_id = lead
            if kinds & {"resolved", "cannot_change"}:
                barrier.closed_at = barrier.last_step_at
            elif barrier.status in (BarrierStatus.RESOLVED, BarrierStatus.CANNOT_CHANGE):
                barrier.status = (
                    BarrierStatus.PLANNED
                    if "planned" in kinds
                    else (
                        BarrierStatus.ACKNOWLEDGED
                        if "acknowledged" in kinds
                        else BarrierStatus.RAISED
                    )
                )
                barrier.outcome = ""
            elif "acknowledged" not in kinds:
                barrier.status = BarrierStatus.RAISED
            barriers.append(barrier)
            plans.append((",".join(str(n) for n in numbers), steps))
    Barrier.objects.bulk_create(barriers, batch_size=500)

    step_rows: list[BarrierStep] = []
    commitment_rows = []
    for barrier, (numbers, steps) in zip(barriers, plans, strict=True):
        for number in numbers.split(","):
            if int(number) in commitments:
                commitment_rows.append(
                    Barrier.commitments.through(
                        barrier_id=barrier.id, commitment_id=commitments[int(number)]
                    )
                )
        for kind, day, fields in steps:
            actor = fields.pop("actor", None)
            step_rows.append(
                BarrierStep(
                    organisation_id=barrier.organisation_id,
                    ward_id=barrier.ward_id,
                    barrier=barrier,
                    kind=BarrierStepKind(kind),
                    actor_id=actor,
                    created_at=barrier.raised_at + timedelta(days=day),
                    **fields,
                )
            )
    BarrierStep.objects.bulk_create(step_rows, batch_size=1000)
    Barrier.commitments.through.objects.bulk_create(commitment_rows, batch_size=1000)
    ctx.stats["barriers"] = len(barriers)
