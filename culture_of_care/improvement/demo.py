"""Demo QI work: every ward's project, change ideas, PDSA cycles at every stage, two years of
monthly data (some wards improving, some not), progress score histories and shared cycles.

Built with bulk_create so the whole part takes a few seconds. (The reporting demo then asks
the charts to find the special causes in this data.) Deterministic: every random choice
comes from ``ctx.rng_for``.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from culture_of_care.accounts.models import RoleAssignment
from culture_of_care.accounts.roles import Role
from culture_of_care.demo import DemoContext, insert_rows
from culture_of_care.improvement.models import (
    ALL_GROUPS,
    EQUITY_GROUPS,
    ChangeIdea,
    ChangeIdeaStatus,
    ChangeTheory,
    CycleStatus,
    DataPoint,
    Decision,
    DriverNode,
    Involvement,
    Measure,
    NodeKind,
    Origin,
    PDSACycle,
    ProgressScore,
    Project,
    ProjectKind,
    Purpose,
    ScoredBy,
)
from culture_of_care.periods import add_months, days_in_month, month_start

# Typical restrictive practice rates per 1,000 occupied bed days by MHSDS bed type group.
BASE_RATE = {"10": 12, "11": 9, "12": 35, "13": 20, "14": 25, "15": 15, "17": 18, "19": 30}
OPTIONAL_MEASURES = [
    "va_incidents",
    "feel_safe",
    "staff_supported",
    "activities_daily",
    "rp_restraint",
    "rp_seclusion",
]
# How restrictive practice falls across the ethnicity groups (Black patients more often).
GROUP_SHARE = {
    "white": (0.62, 0.66),
    "mixed": (0.05, 0.05),
    "asian": (0.07, 0.08),
    "black": (0.16, 0.10),
    "other": (0.04, 0.04),
    "not_stated": (0.04, 0.05),
    "not_known": (0.02, 0.02),
}

PREDICTIONS = [
    "We predict fewer incidents in the afternoons and that most patients will come.",
    "We expect staff to find it easier and the ward to feel calmer by the end of the week.",
    "We think at least half the patients will take part and restraint will not rise.",
]
HAPPENED = [
    "It ran on most days; two shifts were short-staffed and missed it.",
    "Patients led two of the sessions themselves, which we had not planned.",
    "It took longer than planned to agree a time that suited everyone.",
]
LEARNING = [
    "Patients taking the lead mattered more than the activity itself.",
    "Doing it at the same time every day made it part of the ward's routine.",
    "We need the night staff involved, not only the day team.",
]
RATIONALES = [
    "Baseline data complete and the team is meeting weekly.",
    "Several cycles tested; measures are starting to move.",
    "Changes adopted on the ward; restrictive practice is lower than the baseline.",
    "Testing continues; we need more data before we can tell.",
]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 60:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into parts by weight, with some noise, that add up exactly."""
    if total <= 0:
        return [0] * len(weights)
    if total < 50:  # small counts: a true multinomial draw
        parts = [0] * len(weights)
        for _ in range(total):
            parts[rng.choices(range(len(weights)), weights)[0]] += 1
        return parts
    noisy = [w * rng.uniform(0.85, 1.15) for w in weights]
    scale = total / sum(noisy)
    parts = [int(w * scale) for w in noisy]
    parts[0] += total - sum(parts)
    return parts


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng_for("improvement")
    today = ctx.today
    this_month = month_start(today)
    ward_theory = ChangeTheory.objects.get(level="ward", status="published")
    org_theory = ChangeTheory.objects.filter(level="organisation", status="published").first()
    measures = {m.code: m for m in Measure.objects.national()}
    idea_nodes = list(
        DriverNode.objects.filter(theory=ward_theory, kind=NodeKind.CHANGE_IDEA).order_by("order")
    )
    node_parents: dict[int, list[int]] = defaultdict(list)
    for parent_id, child_id in DriverNode.children.through.objects.filter(
        to_drivernode__in=idea_nodes
    ).values_list("from_drivernode_id", "to_drivernode_id"):
        node_parents[child_id].append(parent_id)

    members: dict[int, list[int]] = defaultdict(list)
    for ward_id, user_id in RoleAssignment.objects.filter(
        role=Role.WARD_MEMBER, ward__isnull=False
    ).values_list("ward_id", "user_id"):
        members[ward_id].append(user_id)
    org_leads: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in RoleAssignment.objects.filter(role=Role.ORGANISATION_LEAD).values_list(
        "organisation_id", "user_id"
    ):
        org_leads[org_id].append(user_id)

    wards = list(ctx.wards)
    # --- Projects -----------------------------------------------------------------------
    projects = []
    for index, ward in enumerate(wards):
        start = ward.coaching_start or date(2025, 4, 1)
        aim_set = index == 0 or rng.random() < 0.85
        projects.append(
            Project(
                organisation_id=ward.organisation_id,
                ward=ward,
                kind=ProjectKind.WARD,
                title=f"{ward.name} improvement project",
                aim_what=(
                    f"Reduce restrictive practice on {ward.name} and help patients feel safe"
                    if aim_set
                    else ""
                ),
                aim_how_much="A 30% fall in restrictive practice per 1,000 occupied bed days"
                if aim_set
                else "",
                aim_by_when=(ward.coaching_end or add_months(start, 24)) if aim_set else None,
                change_theory=ward_theory,
            )
        )
    for org in ctx.organisations:
        # An aim is all three parts or none: "how much" with no "what" contradicts itself.
        aim_set = rng.random() < 0.6
        projects.append(
            Project(
                organisation_id=org.id,
                kind=ProjectKind.ORGANISATION,
                title=f"{org.name} middle-tier project",
                aim_what="Keep regular staff on their own wards" if aim_set else "",
                aim_how_much="Fewer than 10% of shifts covered by staff new to the ward"
                if aim_set
                else "",
                aim_by_when=date(2027, 3, 31) if aim_set else None,
                change_theory=org_theory,
            )
        )
    Project.objects.bulk_create(projects, batch_size=500)
    ward_projects = projects[: len(wards)]
    org_projects = projects[len(wards) :]

    team_rows = []
    measure_rows = []
    project_measures: dict[int, list[Measure]] = {}
    for index, (ward, project) in enumerate(zip(wards, ward_projects, strict=True)):
        for user_id in members.get(ward.id, []):
            team_rows.append(Project.team.through(project_id=project.id, user_id=user_id))
        extra = rng.sample(OPTIONAL_MEASURES, rng.randint(3, 5))
        if index == 0:
            extra = ["feel_safe", "va_incidents", "staff_supported", "activities_daily"]
        chosen = [measures["rp_all"], *(measures[c] for c in extra if c in measures)]
        project_measures[project.id] = chosen
        for measure in chosen:
            measure_rows.append(
                Project.measures.through(project_id=project.id, measure_id=measure.id)
            )
    for org, project in zip(ctx.organisations, org_projects, strict=True):
        for user_id in org_leads.get(org.id, []):
            team_rows.append(Project.team.through(project_id=project.id, user_id=user_id))
    Project.team.through.objects.bulk_create(team_rows, batch_size=2000)
    Project.measures.through.objects.bulk_create(measure_rows, batch_size=2000)

    # --- Change ideas and cycles --------------------------------------------------------
    ideas: list[ChangeIdea] = []
    idea_nodes_for: list[DriverNode] = []
    for index, (ward, project) in enumerate(zip(wards, ward_projects, strict=True)):
        count = 4 if index == 0 else rng.randint(2, 4)
        for node in rng.sample(idea_nodes, count):
            ideas.append(
                ChangeIdea(
                    organisation_id=ward.organisation_id,
                    ward=ward,
                    project=project,
                    title=node.text[:1].upper() + node.text[1:],
                    description=node.description,
                    origin=Origin.NATIONAL,
                    national_node=node,
                    status=ChangeIdeaStatus.NOT_STARTED,
                    created_by_id=(members.get(ward.id) or [None])[0],
                )
            )
            idea_nodes_for.append(node)
        if rng.random() < 0.3:
            ideas.append(
                ChangeIdea(
                    organisation_id=ward.organisation_id,
                    ward=ward,
                    project=project,
                    title="A ward pet therapy visit each week",
                    description="Our own idea from the patients' community meeting.",
                    origin=Origin.LOCAL,
                    status=ChangeIdeaStatus.NOT_STARTED,
                )
            )
            idea_nodes_for.append(None)
    ChangeIdea.objects.bulk_create(ideas, batch_size=1000)
    driver_rows = []
    for idea, node in zip(ideas, idea_nodes_for, strict=True):
        parents = node_parents.get(node.id, []) if node else []
        if node is None:
            parents = [rng.choice(list({p for ps in node_parents.values() for p in ps}))]
        for parent_id in parents:
            driver_rows.append(
                ChangeIdea.drivers.through(changeidea_id=idea.id, drivernode_id=parent_id)
            )
    ChangeIdea.drivers.through.objects.bulk_create(driver_rows, batch_size=2000)

    cycles: list[PDSACycle] = []
    cycle_links: list[tuple[int, int]] = []  # (index of cycle, index of previous)
    ward_by_id = {w.id: w for w in wards}
    # The plans for the first ward cover every stage, so the demo walk-through finds each one.
    stage_plan = {
        0: ["complete:adapt", "complete:adopt"],
        1: ["complete:adapt", "study"],
        2: ["plan"],
        3: ["do_overdue", "act"],
    }
    first_ward_ideas = [i for i, idea in enumerate(ideas) if idea.ward_id == wards[0].id]
    for idea_index, idea in enumerate(ideas):
        ward = ward_by_id[idea.ward_id]
        start = max(ward.coaching_start or date(2025, 4, 1), date(2025, 4, 1))
        span = max((today - start).days, 30)
        if idea_index in first_ward_ideas:
            plan = stage_plan.get(first_ward_ideas.index(idea_index), ["plan"])
        else:
            plan = _random_ramp(rng)
        cursor = start + timedelta(days=rng.randint(0, max(1, span // 2)))
        previous_index = None
        for number, stage in enumerate(plan, start=1):
            cycle = _make_cycle(rng, idea, number, stage, cursor, today, members.get(ward.id, []))
            cycles.append(cycle)
            if previous_index is not None:
                cycle_links.append((len(cycles) - 1, previous_index))
            previous_index = len(cycles) - 1
            cursor = min(cycle.planned_end + timedelta(days=7), today - timedelta(days=10))
        final = plan[-1]
        if final == "complete:adopt":
            idea.status = ChangeIdeaStatus.ADOPTED
        elif final == "complete:abandon":
            idea.status = ChangeIdeaStatus.ABANDONED
        elif final != "plan" or len(plan) > 1:
            idea.status = ChangeIdeaStatus.TESTING
    PDSACycle.objects.bulk_create(cycles, batch_size=1000)
    for cycle_index, previous_index in cycle_links:
        cycles[cycle_index].previous_id = cycles[previous_index].id
    PDSACycle.objects.bulk_update(
        [cycles[i] for i, _ in cycle_links], ["previous"], batch_size=1000
    )
    ChangeIdea.objects.bulk_update(ideas, ["status"], batch_size=1000)
    participant_rows = []
    for cycle in cycles:
        for user_id in members.get(cycle.ward_id, [])[: rng.randint(1, 3)]:
            participant_rows.append(
                PDSACycle.participants.through(pdsacycle_id=cycle.id, user_id=user_id)
            )
    PDSACycle.participants.through.objects.bulk_create(participant_rows, batch_size=2000)

    # --- Monthly data -------------------------------------------------------------------
    # Plain tuples written with COPY (``insert_rows``): at scale 10 with five years this is
    # about three quarters of a million rows, too many to build as model instances quickly.
    points: list[tuple] = []
    stamp = timezone.now()
    improving: set[int] = set()
    span = 12 * ctx.years
    months = [add_months(this_month, -m) for m in range(span, 0, -1)]
    for index, (ward, project) in enumerate(zip(wards, ward_projects, strict=True)):
        wrng = random.Random(f"{ctx.scale}:data:{ward.id}")  # noqa: S311 - demo data
        is_improving = index == 0 or wrng.random() < 0.45
        if is_improving:
            improving.add(ward.id)
        disaggregate = index == 0 or wrng.random() < 0.33
        base = BASE_RATE.get(ward.service_type.code, 15) * wrng.uniform(0.6, 1.4)
        for measure in project_measures[project.id]:
            for m_index, period in enumerate(months):
                # After the 12-month baseline (the last 24 months are the programme), improving
                # wards fall by up to 45%.
                month_in_programme = m_index - (span - 24)
                effect = 1.0
                if is_improving and month_in_programme >= 12:
                    effect = 1.0 - min(0.45, 0.06 * (month_in_programme - 11))
                for group, numerator, denominator in _values(
                    wrng, ward, measure, period, base, effect, disaggregate
                ):
                    points.append(
                        (
                            ward.organisation_id,
                            ward.id,
                            measure.id,
                            period,
                            group,
                            numerator,
                            denominator,
                            "",
                            stamp,
                            stamp,
                        )
                    )
    insert_rows(DataPoint, DATA_POINT_COLUMNS, points)

    # --- Progress scores ----------------------------------------------------------------
    scores = []
    steps = [Decimal(x) for x in ("1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0")]
    coaches = {w.id: w.qi_coach_id for w in wards}
    for ward, project in zip(wards, ward_projects, strict=True):
        start = month_start(max(ward.coaching_start or date(2025, 4, 1), date(2025, 4, 1)))
        month = start
        level = 0
        ceiling = 6 if ward.id in improving else 3
        while month <= this_month:
            if rng.random() < 0.35 and level < ceiling:
                level += 1
            coach = steps[level]
            team = steps[max(0, min(len(steps) - 1, level + rng.choice([-1, 0, 0, 1])))]
            for scored_by, score, recorder in (
                (ScoredBy.COACH, coach, coaches.get(ward.id)),
                (ScoredBy.TEAM, team, (members.get(ward.id) or [None])[0]),
            ):
                scores.append(
                    ProgressScore(
                        organisation_id=ward.organisation_id,
                        ward=ward,
                        project=project,
                        month=month,
                        scored_by=scored_by,
                        score=score,
                        rationale=rng.choice(RATIONALES),
                        recorded_by_id=recorder,
                    )
                )
            month = add_months(month, 1)
    ProgressScore.objects.bulk_create(scores, batch_size=2000)

    ctx.stats["QI projects"] = len(projects)
    ctx.stats["change ideas"] = len(ideas)
    ctx.stats["PDSA cycles"] = len(cycles)
    ctx.stats["data points"] = len(points)
    ctx.stats["progress scores"] = len(scores)
    ctx.stats["shared cycles"] = sum(1 for c in cycles if c.shared)


def _random_ramp(rng: random.Random) -> list[str]:
    length = rng.choice([1, 1, 2, 2, 3])
    ramp = ["complete:adapt"] * (length - 1)
    ramp.append(
        rng.choice(
            [
                "plan",
                "do",
                "do_overdue",
                "study",
                "act",
                "complete:adopt",
                "complete:adopt",
                "complete:abandon",
                "complete:continue",
            ]
        )
    )
    return ramp


def _make_cycle(
    rng: random.Random,
    idea: ChangeIdea,
    number: int,
    stage: str,
    start: date,
    today: date,
    team: list[int],
) -> PDSACycle:
    status, _, decision = stage.partition(":")
    length = rng.choice([7, 14, 14, 21, 28])
    if status in ("plan",):
        start = today + timedelta(days=rng.randint(2, 14))
    elif status in ("do",):
        start = today - timedelta(days=rng.randint(1, 6))
    elif status == "do_overdue":
        start = today - timedelta(days=length + rng.randint(3, 10))
        status = CycleStatus.DO
    elif status in ("study", "act"):
        start = min(start, today - timedelta(days=length + 3))
    else:
        start = min(start, today - timedelta(days=length + 10))
    end = start + timedelta(days=length)
    started = status != CycleStatus.PLAN
    studied = status in (CycleStatus.ACT, CycleStatus.COMPLETE)
    complete = status == CycleStatus.COMPLETE
    involvement = rng.choice(
        [
            Involvement.NONE,
            Involvement.INFORMED,
            Involvement.CONSULTED,
            Involvement.CO_DESIGNED,
            Involvement.CO_DESIGNED,
            Involvement.LED,
        ]
    )
    shared = complete and rng.random() < 0.25
    return PDSACycle(
        organisation_id=idea.organisation_id,
        ward_id=idea.ward_id,
        change_idea=idea,
        number=number,
        title=f"{idea.title}: test {number}",
        purpose=Purpose.TEST if number > 1 else rng.choice([Purpose.TEST, Purpose.DEVELOP]),
        status=status,
        objective=f"Find out whether {idea.title[:1].lower() + idea.title[1:]} works on our ward",
        questions="Will patients take part? Does the ward feel calmer?",
        predictions=rng.choice(PREDICTIONS),
        plan_who="The nurse in charge with a peer support worker",
        plan_what=idea.title,
        plan_when=f"For {length} days",
        plan_where="On the ward",
        data_plan="A tally of who took part and of incidents each day",
        planned_start=start,
        planned_end=end,
        started_on=start if started else None,
        carried_out_as_planned=(rng.random() < 0.7)
        if studied or status == CycleStatus.STUDY
        else None,
        what_happened=rng.choice(HAPPENED) if studied or status == CycleStatus.STUDY else "",
        observations="Patients asked for it to continue." if studied else "",
        results="Incidents fell on the days it ran, as predicted." if studied else "",
        learning=rng.choice(LEARNING) if studied else "",
        decision=decision if complete else "",
        next_step="Test it on night shifts too."
        if decision in (Decision.ADAPT, Decision.CONTINUE)
        else "",
        abandon_reason="Staffing made it impossible to keep going."
        if decision == Decision.ABANDON
        else "",
        decided_on=end + timedelta(days=3) if complete else None,
        involvement=involvement,
        involvement_notes="Two patients and a carer helped plan it"
        if involvement != Involvement.NONE
        else "",
        shared=shared,
        share_ward_name=shared and rng.random() < 0.5,
        shared_at=timezone.now() if shared else None,
        created_by_id=team[0] if team else None,
    )


DATA_POINT_COLUMNS = [
    "organisation_id",
    "ward_id",
    "measure_id",
    "period_start",
    "equity_group",
    "numerator",
    "denominator",
    "note",
    "created_at",
    "updated_at",
]


def _values(
    rng: random.Random,
    ward: Any,
    measure: Measure,
    period: date,
    base: float,
    effect: float,
    disaggregate: bool,
) -> list[tuple[str, int, int | None]]:
    """This month's rows as (equity group, numerator, denominator): all groups first."""
    days = days_in_month(period)
    if measure.uses_bed_days:
        obd = int(ward.beds * days * rng.uniform(0.82, 0.99))
        share = {
            "rp_all": 1.0,
            "rp_restraint": 0.55,
            "rp_prone": 0.08,
            "rp_seclusion": 0.15,
            "rp_rt": 0.2,
            "va_incidents": 0.9,
        }.get(measure.code, 0.5)
        count = _poisson(rng, base * share * effect * obd / 1000)
        out = [(ALL_GROUPS, count, obd)]
        if disaggregate and measure.disaggregated and measure.code == "rp_all":
            groups = [code for code, _ in EQUITY_GROUPS]
            counts = _split(rng, count, [GROUP_SHARE[g][0] for g in groups])
            bed_days = _split(rng, obd, [GROUP_SHARE[g][1] for g in groups])
            out.extend((g, c, d) for g, c, d in zip(groups, counts, bed_days, strict=True))
        return out
    if measure.code == "activities_daily":
        done = min(days, _binomial(rng, days, min(0.95, 0.55 + (1 - effect) * 0.8)))
        return [(ALL_GROUPS, done, days)]
    if measure.kind == "percentage":
        asked = rng.randint(6, max(7, ward.beds))
        good = _binomial(rng, asked, min(0.95, 0.6 + (1 - effect) * 0.5))
        return [(ALL_GROUPS, good, asked)]
    return [(ALL_GROUPS, _poisson(rng, 5 * effect), None)]
