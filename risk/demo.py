"""Risk demo data: ten year-one organisations a year in, about thirty just starting year two,
the rest not yet taking part.

Year-one organisations have four quarters of self-assessments that show progress, milestones
worked through, quarterly care-record audits that improve, a risk project with change ideas and
PDSA cycles, and a few published practice examples. The current quarter is left unassessed so
the demo adviser (risk@...) can record it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from culture_of_care.accounts.roles import Role
from culture_of_care.improvement.models import (
    ChangeIdea,
    ChangeIdeaStatus,
    CycleStatus,
    Decision,
    DriverNode,
    Involvement,
    NodeKind,
    Origin,
    PDSACycle,
    Project,
    ProjectKind,
    Purpose,
)
from culture_of_care.periods import next_quarter, previous_quarter, quarter_end, quarter_start
from risk import selectors
from risk.models import (
    CareRecordAudit,
    Cohort,
    MaturityLevel,
    MilestoneDefinition,
    MilestoneStatus,
    OrganisationMilestone,
    PracticeExample,
    PracticeKind,
    RiskParticipation,
    SelfAssessment,
    SelfAssessmentRating,
)

YEAR_ONE = 10
YEAR_TWO = 30

EVIDENCE = [
    "Audit of 40 records in the quarter; results reviewed at the safety group.",
    "New templates live on every ward since the start of the quarter.",
    "Policy approved by the quality committee; staff briefings held on each ward.",
    "Supervision notes show teams discussing formulation rather than risk scores.",
    "Peer workers co-delivered the training; feedback collected from each session.",
    "Board received the quarterly report and asked for the carer-involvement figures.",
]
EARLY_NOTES = [
    "",
    "Working group set up with people with lived experience.",
    "Mapping where the old rating still appears.",
    "",
]

PRACTICE = [
    (
        PracticeKind.POLICY,
        "Rewriting our clinical risk policy without stratification",
        "We started from NICE NG225 and the 'Staying safe from suicide' guidance and rewrote the "
        "policy with two peer workers and a carer. The low, medium and high rating is gone; the "
        "policy now describes safety assessment as a conversation, the shared formulation and the "
        "collaborative safety plan. What helped: a short FAQ for consultants, and a session with "
        "the board before the policy went to committee.",
    ),
    (
        PracticeKind.TEMPLATES,
        "Removing the risk rating from our electronic record",
        "The records team removed the mandatory risk-level field from the admission, ward round "
        "and discharge templates. We replaced it with a free-text formulation section and a "
        "safety plan written with the person. Reports that used the field were rewritten first, "
        "which took longer than the template change itself.",
    ),
    (
        PracticeKind.TRAINING,
        "Training co-delivered by people with lived experience",
        "Every session was co-delivered by a peer trainer. Staff said the stories of what a "
        "safety plan meant to someone did more than any slide. We trained ward managers first so "
        "they could support their teams in supervision.",
    ),
    (
        PracticeKind.LEARNING,
        "What we learned about sharing safety plans with carers",
        "Asking about consent early, and again before discharge, doubled how often plans were "
        "shared with carers. Some people chose a friend rather than family; the template now "
        "says 'the people you want involved'.",
    ),
    (
        PracticeKind.LEARNING,
        "Auditing care records every quarter",
        "A small quarterly audit (ten records a ward) kept the change visible. We share the "
        "results with ward teams the same week and celebrate wards where formulation improved.",
    ),
]

# Chance a sampled record shows each thing, from the first quarter to the fourth.
AUDIT_PROGRESS = {
    "with_formulation": (0.25, 0.8),
    "plan_with_person": (0.2, 0.72),
    "shared_with_carers": (0.1, 0.5),
    "reviewed_on_time": (0.35, 0.78),
    "stratified_language": (0.85, 0.12),
}


def _binomial(rng: Any, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def seed(ctx: Any) -> None:
    rng = ctx.rng_for("risk")
    today: date = ctx.today
    domains = selectors.risk_domains()
    theory = selectors.risk_theory()
    advisers = ctx.people.get(Role.RISK_LEAD, [])
    organisations = list(ctx.organisations)
    year_one = organisations[:YEAR_ONE]
    year_two = organisations[YEAR_ONE : YEAR_ONE + YEAR_TWO]
    not_yet = organisations[YEAR_ONE + YEAR_TWO :]

    current = quarter_start(today)
    # Four full quarters of year one, ending with the one just finished.
    quarters = [previous_quarter(current)]
    while len(quarters) < 4:
        quarters.insert(0, previous_quarter(quarters[0]))
    year_one_start = quarters[0]
    year_two_start = previous_quarter(current)

    def adviser_for(i: int) -> Any:
        return advisers[i % len(advisers)] if advisers else None

    RiskParticipation.objects.bulk_create(
        [
            RiskParticipation(
                organisation=org,
                cohort=Cohort.YEAR_ONE,
                starts_on=year_one_start,
                adviser=adviser_for(i),
                staff_trained_percent=rng.randint(55, 92),
                staff_trained_on=quarter_end(quarters[-1]),
            )
            for i, org in enumerate(year_one)
        ]
        + [
            RiskParticipation(
                organisation=org,
                cohort=Cohort.YEAR_TWO,
                starts_on=year_two_start,
                adviser=adviser_for(i),
                staff_trained_percent=rng.randint(5, 25) if i % 2 else None,
                staff_trained_on=today if i % 2 else None,
            )
            for i, org in enumerate(year_two)
        ]
        + [RiskParticipation(organisation=org, cohort=Cohort.NOT_YET) for org in not_yet]
    )

    # Self-assessments: year one over four quarters, year two a first baseline.
    assessments: list[SelfAssessment] = []
    planned: list[tuple[SelfAssessment, list[int]]] = []
    for i, org in enumerate(year_one):
        levels = [rng.choice([0, 0, 0, 1, 1]) for _ in domains]
        for n, quarter in enumerate(quarters):
            if n:
                levels = [
                    min(int(MaturityLevel.EMBEDDED), level + rng.choice([0, 0, 1, 1, 1]))
                    for level in levels
                ]
            assessment = SelfAssessment(
                organisation=org,
                quarter=quarter,
                assessed_by=adviser_for(i),
                assessed_on=min(quarter_end(quarter), today),
            )
            assessments.append(assessment)
            planned.append((assessment, list(levels)))
    for i, org in enumerate(year_two[: YEAR_TWO // 2]):
        assessment = SelfAssessment(
            organisation=org,
            quarter=year_two_start,
            assessed_by=adviser_for(i),
            assessed_on=min(quarter_end(year_two_start), today),
        )
        assessments.append(assessment)
        planned.append((assessment, [rng.choice([0, 0, 1, 1, 2]) for _ in domains]))
    SelfAssessment.objects.bulk_create(assessments)
    ratings = []
    for assessment, levels in planned:
        for node, level in zip(domains, levels, strict=True):
            evidence = rng.choice(EVIDENCE) if level >= 3 else rng.choice(EARLY_NOTES)
            ratings.append(
                SelfAssessmentRating(
                    organisation_id=assessment.organisation_id,
                    assessment=assessment,
                    domain=node,
                    level=level,
                    evidence=evidence,
                )
            )
    SelfAssessmentRating.objects.bulk_create(ratings, batch_size=1000)

    # Milestones: year one well along the checklist, year two just starting.
    definitions = list(MilestoneDefinition.objects.filter(is_active=True).order_by("order"))
    milestones: list[OrganisationMilestone] = []
    for org in year_one:
        done = rng.randint(4, len(definitions))
        day = year_one_start + timedelta(days=rng.randint(20, 50))
        for n, definition in enumerate(definitions):
            if n < done:
                status, on = MilestoneStatus.DONE, min(day, today)
                day += timedelta(days=rng.randint(20, 45))
            elif n == done:
                status, on = MilestoneStatus.IN_PROGRESS, None
            else:
                continue
            milestones.append(
                OrganisationMilestone(
                    organisation=org,
                    milestone=definition,
                    status=status,
                    date=on,
                    evidence=definition.evidence_hint if status == MilestoneStatus.DONE else "",
                    updated_by=None,
                )
            )
    for org in year_two:
        for n, definition in enumerate(definitions[: rng.randint(0, 2)]):
            milestones.append(
                OrganisationMilestone(
                    organisation=org,
                    milestone=definition,
                    status=MilestoneStatus.DONE if n == 0 else MilestoneStatus.IN_PROGRESS,
                    date=today - timedelta(days=rng.randint(5, 60)) if n == 0 else None,
                )
            )
    OrganisationMilestone.objects.bulk_create(milestones, batch_size=1000)

    # Care-record audits: each year-one ward quarterly, improving; a baseline in some year two.
    wards_by_org: dict[int, list[Any]] = {}
    for ward in ctx.wards:
        wards_by_org.setdefault(ward.organisation_id, []).append(ward)
    audits: list[CareRecordAudit] = []

    def audit(org: Any, ward: Any, on: date, progress: float) -> CareRecordAudit:
        n = rng.randint(8, 15)
        counts = {
            name: _binomial(rng, n, start + (end - start) * progress)
            for name, (start, end) in AUDIT_PROGRESS.items()
        }
        return CareRecordAudit(organisation=org, ward=ward, audit_date=on, sample_size=n, **counts)

    for org in year_one:
        pace = rng.uniform(0.7, 1.0)
        for n, quarter in enumerate(quarters):
            on = min(quarter_end(quarter) - timedelta(days=rng.randint(5, 25)), today)
            for ward in wards_by_org.get(org.id, []):
                audits.append(audit(org, ward, on, pace * n / (len(quarters) - 1)))
    for org in year_two[::3]:
        on = min(quarter_end(year_two_start) - timedelta(days=10), today)
        for ward in wards_by_org.get(org.id, [])[:2]:
            audits.append(audit(org, ward, on, 0.0))
    CareRecordAudit.objects.bulk_create(audits, batch_size=1000)

    # Each cohort organisation's risk project (the QI method reused), with change ideas and
    # PDSA cycles in year one.
    projects = Project.objects.bulk_create(
        [
            Project(
                organisation=org,
                kind=ProjectKind.RISK,
                title=f"{org.name}: a personalised approach to safety",
                aim_what=(
                    "Replace risk prediction and low, medium or high ratings with safety "
                    "assessment, a shared safety formulation and a collaborative safety plan."
                ),
                aim_how_much="Every care record audited shows a co-produced safety plan",
                aim_by_when=next_quarter(current) + timedelta(days=365),
                change_theory=theory,
            )
            for org in year_one + year_two
        ]
    )
    ideas_source = (
        list(DriverNode.objects.filter(theory=theory, kind=NodeKind.CHANGE_IDEA).order_by("order"))
        if theory
        else []
    )
    ideas: list[ChangeIdea] = []
    for project in projects[:YEAR_ONE]:
        for node in rng.sample(ideas_source, min(3, len(ideas_source))):
            ideas.append(
                ChangeIdea(
                    organisation_id=project.organisation_id,
                    project=project,
                    title=node.text[:1].upper() + node.text[1:],
                    origin=Origin.NATIONAL,
                    national_node=node,
                    status=rng.choice([ChangeIdeaStatus.TESTING, ChangeIdeaStatus.ADOPTED]),
                )
            )
    ChangeIdea.objects.bulk_create(ideas)
    cycles = []
    for idea in ideas:
        started = year_one_start + timedelta(days=rng.randint(30, 200))
        done = idea.status == ChangeIdeaStatus.ADOPTED
        cycles.append(
            PDSACycle(
                organisation_id=idea.organisation_id,
                change_idea=idea,
                number=1,
                title=f"Try {idea.title[:1].lower()}{idea.title[1:]} on one ward",
                purpose=Purpose.TEST,
                status=CycleStatus.COMPLETE if done else CycleStatus.DO,
                objective="See whether this works on one ward for two weeks.",
                predictions="Staff will find it easier than the old form.",
                planned_start=started,
                planned_end=started + timedelta(days=14),
                started_on=started,
                what_happened="Tested on one ward with the peer worker." if done else "",
                learning="Worked; spread to the other wards." if done else "",
                decision=Decision.ADOPT if done else "",
                decided_on=started + timedelta(days=21) if done else None,
                involvement=Involvement.CO_DESIGNED,
            )
        )
    PDSACycle.objects.bulk_create(cycles)
    # Each project's team: the organisation's leads and its NCISH adviser.
    from culture_of_care.accounts.models import RoleAssignment

    project_of = {project.organisation_id: project.id for project in projects}
    Project.team.through.objects.bulk_create(
        [
            Project.team.through(project_id=project_of[org_id], user_id=user_id)
            for org_id, user_id in RoleAssignment.objects.filter(
                organisation_id__in=list(project_of),
                role__in=[Role.ORGANISATION_LEAD, Role.RISK_LEAD],
            )
            .values_list("organisation_id", "user_id")
            .distinct()
        ],
        ignore_conflicts=True,
    )

    # A few published practice examples from year-one organisations, and one draft.
    now = timezone.now()
    examples = [
        PracticeExample(
            organisation=year_one[i % len(year_one)],
            title=title,
            kind=kind,
            body=body,
            published=True,
            published_at=now - timedelta(days=20 * (len(PRACTICE) - i)),
        )
        for i, (kind, title, body) in enumerate(PRACTICE)
        if year_one
    ]
    if year_one:
        examples.append(
            PracticeExample(
                organisation=year_one[0],
                title="Supervision prompts for formulation (draft)",
                kind=PracticeKind.TRAINING,
                body="Questions ward managers can use in supervision. Still being tested.",
                published=False,
            )
        )
    PracticeExample.objects.bulk_create(examples)

    ctx.stats["risk self-assessments"] = len(assessments)
    ctx.stats["care-record audits"] = len(audits)
    ctx.stats["risk practice examples"] = len(examples)
