"""Writes for the QI method: change theories, projects, change ideas, PDSA cycles, progress
scores, measures and data. Each service is keyword-only, owns its transaction and writes the
audit entry; callers (views, API, tasks, onboarding) have already checked the user may act."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from culture_of_care.accounts.models import User
from culture_of_care.accounts.roles import Role
from culture_of_care.audit.services import audit_record, changes_between
from culture_of_care.improvement import events, stages
from culture_of_care.improvement.data_entry import (
    CleanEntry,
    Entry,
    check_entries,
)
from culture_of_care.improvement.models import (
    EQUITY_GROUPS,
    ChangeIdea,
    ChangeIdeaStatus,
    ChangeTheory,
    ChartSettings,
    CycleStatus,
    DataPoint,
    Decision,
    DriverNode,
    Measure,
    NodeKind,
    Origin,
    PDSACycle,
    ProgressScore,
    Project,
    ProjectKind,
    ScoredBy,
    TheoryLevel,
    TheoryStatus,
)
from culture_of_care.periods import month_label, month_start
from organisations.models import Organisation
from wards.models import Ward

GROUP_NAMES = dict(EQUITY_GROUPS)

# --- Change theories ---------------------------------------------------------------------


def _latest_published(level: str) -> ChangeTheory | None:
    return (
        ChangeTheory.objects.filter(level=level, status=TheoryStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def change_theory_new_version(*, theory: ChangeTheory, actor: User) -> ChangeTheory:
    """Open a draft copy of ``theory`` (nodes, links and commitment tags) as the next version."""
    existing = ChangeTheory.objects.filter(level=theory.level, status=TheoryStatus.DRAFT).first()
    if existing is not None:
        raise ValidationError(
            f"Version {existing.version} is already a draft. Publish or edit that one."
        )
    last = ChangeTheory.objects.filter(level=theory.level).order_by("-version").first()
    draft = ChangeTheory.objects.create(
        level=theory.level,
        version=(last.version if last else 0) + 1,
        title=theory.title,
        description=theory.description,
        status=TheoryStatus.DRAFT,
        is_starting_point=theory.is_starting_point,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    old_nodes = list(theory.nodes.prefetch_related("commitments", "children"))
    mapping: dict[int, DriverNode] = {}
    for node in old_nodes:
        mapping[node.id] = DriverNode.objects.create(
            theory=draft,
            kind=node.kind,
            code=node.code,
            text=node.text,
            description=node.description,
            order=node.order,
        )
    through_tags = DriverNode.commitments.through
    through_links = DriverNode.children.through
    through_tags.objects.bulk_create(
        [
            through_tags(drivernode_id=mapping[n.id].id, commitment_id=c.id)
            for n in old_nodes
            for c in n.commitments.all()
        ]
    )
    through_links.objects.bulk_create(
        [
            through_links(from_drivernode_id=mapping[n.id].id, to_drivernode_id=mapping[c.id].id)
            for n in old_nodes
            for c in n.children.all()
            if c.id in mapping
        ]
    )
    audit_record(
        actor=actor,
        action="change_theory.new_version",
        obj=draft,
        summary=f"Opened version {draft.version} of {draft.title} as a draft",
    )
    return draft


@transaction.atomic
def change_theory_publish(*, theory: ChangeTheory, actor: User) -> ChangeTheory:
    """Publish a draft; earlier published versions retire, and projects keep their version."""
    if theory.status != TheoryStatus.DRAFT:
        raise ValidationError("Only a draft can be published.")
    if not theory.nodes.filter(kind=NodeKind.AIM).exists():
        raise ValidationError("Add an aim before publishing the change theory.")
    ChangeTheory.objects.filter(level=theory.level, status=TheoryStatus.PUBLISHED).update(
        status=TheoryStatus.RETIRED
    )
    theory.status = TheoryStatus.PUBLISHED
    theory.published_at = timezone.now()
    theory.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor,
        action="change_theory.publish",
        obj=theory,
        summary=f"Published version {theory.version} of {theory.title}",
    )
    return theory


def _ensure_draft(theory: ChangeTheory) -> None:
    if theory.status != TheoryStatus.DRAFT:
        raise ValidationError("Published versions cannot change. Open a new version to edit.")


PARENT_KIND = {
    NodeKind.PRIMARY: NodeKind.AIM,
    NodeKind.SECONDARY: NodeKind.PRIMARY,
    NodeKind.CHANGE_IDEA: NodeKind.SECONDARY,
}


@transaction.atomic
def driver_node_save(
    *,
    theory: ChangeTheory,
    actor: User,
    kind: str,
    text: str,
    description: str = "",
    code: str = "",
    order: int | None = None,
    commitments: list[Any] | None = None,
    parents: list[DriverNode] | None = None,
    node: DriverNode | None = None,
) -> DriverNode:
    """Add or change a node of a draft theory, its commitment tags and the nodes it sits under."""
    _ensure_draft(theory)
    parents = parents or []
    for parent in parents:
        if parent.theory_id != theory.id or parent.kind != PARENT_KIND.get(kind):
            raise ValidationError("A node can only sit under a node of the level above it.")
    if kind == NodeKind.AIM and node is None and theory.nodes.filter(kind=NodeKind.AIM).exists():
        raise ValidationError("A change theory has one aim. Edit the existing aim instead.")
    creating = node is None
    if creating:
        node = DriverNode(theory=theory)
        if order is None:
            last = theory.nodes.order_by("-order").first()
            order = (last.order + 1) if last else 1
    node.kind = kind
    node.text = text
    node.description = description
    node.code = code
    if order is not None:
        node.order = order
    node.full_clean()
    node.save()
    node.commitments.set(commitments or [])
    if kind != NodeKind.AIM:
        node.parents.set(parents)
    audit_record(
        actor=actor,
        action="driver_node.create" if creating else "driver_node.update",
        obj=node,
        summary=f"{node.get_kind_display()}: {node.text}",
    )
    return node


@transaction.atomic
def driver_node_delete(*, node: DriverNode, actor: User) -> None:
    """Remove a node from a draft theory (its links go with it; children stay)."""
    _ensure_draft(node.theory)
    audit_record(
        actor=actor,
        action="driver_node.delete",
        obj=node,
        summary=f"Removed {node.get_kind_display().lower()}: {node.text}",
    )
    node.delete()


# --- Projects ----------------------------------------------------------------------------


def _ward_team(ward: Ward) -> list[int]:
    from culture_of_care.accounts.models import RoleAssignment

    return list(
        RoleAssignment.objects.filter(ward=ward, role=Role.WARD_MEMBER)
        .current()
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def ward_project_ensure(*, ward: Ward, actor: User | None = None) -> Project:
    """The ward's improvement project, created (following the published ward theory, with the
    ward's team) the first time it is needed. Safe to call again."""
    project = Project.objects.filter(ward=ward, kind=ProjectKind.WARD).first()
    if project is not None:
        return project
    project = Project.objects.create(
        organisation_id=ward.organisation_id,
        ward=ward,
        kind=ProjectKind.WARD,
        title=f"{ward.name} improvement project",
        change_theory=_latest_published(TheoryLevel.WARD),
    )
    project.team.set(_ward_team(ward))
    project.measures.set(Measure.objects.national().filter(code="rp_all"))
    return project


@transaction.atomic
def organisation_project_ensure(
    *, organisation: Organisation, actor: User | None = None
) -> Project:
    """The organisation's middle-tier project, created the first time it is needed."""
    project = Project.objects.filter(
        organisation=organisation, ward__isnull=True, kind=ProjectKind.ORGANISATION
    ).first()
    if project is not None:
        return project
    project = Project.objects.create(
        organisation=organisation,
        kind=ProjectKind.ORGANISATION,
        title=f"{organisation.name} middle-tier project",
        change_theory=_latest_published(TheoryLevel.ORGANISATION),
    )
    from culture_of_care.accounts.models import RoleAssignment

    project.team.set(
        RoleAssignment.objects.filter(organisation=organisation, role=Role.ORGANISATION_LEAD)
        .current()
        .values_list("user_id", flat=True)
    )
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    actor: User,
    aim_what: str,
    aim_how_much: str,
    aim_by_when: date | None,
    change_theory: ChangeTheory | None,
    team: list[Any],
    measures: list[Measure],
) -> Project:
    """Change a project's aim, change theory, team and chosen measures."""
    project.aim_what = aim_what
    project.aim_how_much = aim_how_much
    project.aim_by_when = aim_by_when
    project.change_theory = change_theory
    project.save()
    project.team.set(team)
    local = list(project.local_measures.all())
    project.measures.set([*measures, *local])
    return project


@transaction.atomic
def measure_create_local(*, project: Project, actor: User, **fields: Any) -> Measure:
    """A measure of the project's own, added to its chosen measures."""
    measure = Measure(organisation_id=project.organisation_id, project=project, **fields)
    measure.full_clean()
    measure.save()
    project.measures.add(measure)
    audit_record(
        actor=actor,
        action="measure.create",
        obj=measure,
        organisation_id=project.organisation_id,
        summary=f"Local measure {measure.name} for {project.title}",
    )
    return measure


# --- Change ideas ------------------------------------------------------------------------


@transaction.atomic
def change_idea_create(
    *,
    project: Project,
    actor: User,
    title: str = "",
    description: str = "",
    national_node: DriverNode | None = None,
    drivers: list[DriverNode] | None = None,
) -> ChangeIdea:
    """A change idea picked from the national theory (``national_node``) or written locally and
    linked to secondary drivers."""
    drivers = list(drivers or [])
    if national_node is not None:
        if national_node.kind != NodeKind.CHANGE_IDEA:
            raise ValidationError("Pick a change idea from the change theory.")
        title = title or national_node.text[:1].upper() + national_node.text[1:]
        description = description or national_node.description
        drivers = drivers or list(national_node.parents.filter(kind=NodeKind.SECONDARY))
    if not title:
        raise ValidationError("Enter the change idea.")
    idea = ChangeIdea(
        organisation_id=project.organisation_id,
        ward_id=project.ward_id,
        project=project,
        title=title,
        description=description,
        origin=Origin.NATIONAL if national_node else Origin.LOCAL,
        national_node=national_node,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    idea.full_clean()
    idea.save()
    idea.drivers.set(drivers)
    return idea


@transaction.atomic
def change_idea_set_status(*, idea: ChangeIdea, actor: User, status: str) -> ChangeIdea:
    idea.status = status
    idea.save(update_fields=["status"])
    return idea


# --- PDSA cycles -------------------------------------------------------------------------


@transaction.atomic
def pdsa_cycle_create(
    *,
    change_idea: ChangeIdea,
    actor: User,
    previous: PDSACycle | None = None,
    participants: list[Any] | None = None,
    measures: list[Any] | None = None,
    **fields: Any,
) -> PDSACycle:
    """Plan a new cycle; the number follows the change idea's ramp."""
    last = change_idea.cycles.order_by("-number").first()
    cycle = PDSACycle(
        organisation_id=change_idea.organisation_id,
        ward_id=change_idea.ward_id,
        change_idea=change_idea,
        number=(last.number + 1) if last else 1,
        previous=previous,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for name, value in fields.items():
        if name not in stages.PLAN.fields:
            raise ValueError(f"{name} is not part of the plan")
        setattr(cycle, name, value)
    if not cycle.title:
        cycle.title = change_idea.title
    cycle.full_clean()
    cycle.save()
    if participants is not None:
        cycle.participants.set(participants)
    if measures is not None:
        cycle.measures.set(measures)
    audit_record(actor=actor, action="pdsa_cycle.create", obj=cycle, summary=str(cycle))
    return cycle


@transaction.atomic
def pdsa_cycle_update(
    *,
    cycle: PDSACycle,
    actor: User,
    stage: str,
    participants: list[Any] | None = None,
    measures: list[Any] | None = None,
    **fields: Any,
) -> PDSACycle:
    """Save one stage's record (plan, do or study) without moving the cycle on."""
    allowed = stages.RECORDED[stage].fields
    if cycle.status == CycleStatus.COMPLETE:
        raise ValidationError("This cycle is complete and can no longer change.")
    before = {name: str(getattr(cycle, name)) for name in fields}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"{name} is not part of the {stage} stage")
        setattr(cycle, name, value)
    changes = changes_between(before, {name: str(value) for name, value in fields.items()})
    cycle.full_clean()
    cycle.save()
    if participants is not None:
        cycle.participants.set(participants)
    if measures is not None:
        # Change history names the measures (people read it), never their codes.
        old_names = sorted(m.name for m in cycle.measures.all())
        cycle.measures.set(measures)
        new_names = sorted(m.name for m in measures)
        if old_names != new_names:
            changes["measures"] = [", ".join(old_names), ", ".join(new_names)]
    audit_record(
        actor=actor,
        action=f"pdsa_cycle.{stage}",
        obj=cycle,
        summary=f"{cycle}: {stage} updated",
        changes=changes,
    )
    return cycle


@transaction.atomic
def pdsa_cycle_start(*, cycle: PDSACycle, actor: User, started_on: date | None = None) -> PDSACycle:
    """Move a planned cycle to 'do'. A cycle cannot start without predictions."""
    if cycle.status != CycleStatus.PLAN:
        raise ValidationError("Only a cycle being planned can start.")
    missing = []
    if not cycle.objective.strip():
        missing.append("the objective")
    if not cycle.predictions.strip():
        missing.append("what you predict will happen")
    if missing:
        raise ValidationError(
            f"Before the cycle can start, add {' and '.join(missing)} to the plan. "
            "A prediction is what makes the cycle a test."
        )
    cycle.status = CycleStatus.DO
    cycle.started_on = cycle.started_on or started_on or timezone.localdate()
    cycle.save(update_fields=["status", "started_on", "updated_at"])
    idea = cycle.change_idea
    if idea.status == ChangeIdeaStatus.NOT_STARTED:
        idea.status = ChangeIdeaStatus.TESTING
        idea.save(update_fields=["status"])
    audit_record(actor=actor, action="pdsa_cycle.start", obj=cycle, summary=f"Started {cycle}")
    events.data_changed(cycle.organisation_id)
    return cycle


@transaction.atomic
def pdsa_cycle_advance(*, cycle: PDSACycle, actor: User) -> PDSACycle:
    """Finish 'do' (to study) or 'study' (to act), checking the stage was recorded."""
    if cycle.status == CycleStatus.DO:
        if not cycle.what_happened.strip() or cycle.carried_out_as_planned is None:
            raise ValidationError(
                "Say whether the cycle was carried out as planned and what happened before "
                "moving on to study."
            )
        cycle.status = CycleStatus.STUDY
    elif cycle.status == CycleStatus.STUDY:
        if not cycle.results.strip() or not cycle.learning.strip():
            raise ValidationError(
                "Compare the results with your predictions and say what you learned before "
                "deciding what next."
            )
        cycle.status = CycleStatus.ACT
    else:
        raise ValidationError("This cycle cannot move on from here.")
    cycle.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="pdsa_cycle.advance",
        obj=cycle,
        summary=f"{cycle}: {cycle.get_status_display()}",
    )
    return cycle


@transaction.atomic
def pdsa_cycle_record(
    *,
    cycle: PDSACycle,
    actor: User,
    stage: str,
    participants: list[Any] | None = None,
    measures: list[Any] | None = None,
    **fields: Any,
) -> PDSACycle:
    """Record a stage (plan, do or study) and, the first time do or study is recorded, move the
    cycle on, in one transaction: a stage that cannot move on leaves nothing saved."""
    current = stages.RECORDED[stage]
    if not current.editable(cycle.status):
        raise ValidationError(f"The {stage} stage cannot be changed now.")
    moves_on = current.moves_on and cycle.status == current.status
    pdsa_cycle_update(
        cycle=cycle,
        actor=actor,
        stage=stage,
        participants=participants,
        measures=measures,
        **fields,
    )
    if moves_on:
        pdsa_cycle_advance(cycle=cycle, actor=actor)
    return cycle


@transaction.atomic
def pdsa_cycle_decide(
    *,
    cycle: PDSACycle,
    actor: User,
    decision: str,
    next_step: str = "",
    abandon_reason: str = "",
) -> PDSACycle | None:
    """Act on what was learned. Adopt marks the change idea adopted; abandon records why (and
    abandons the idea); adapt and continue open the next cycle in the ramp, which is returned."""
    if cycle.status != CycleStatus.ACT:
        raise ValidationError("Record the study before deciding what to do next.")
    if decision not in Decision.values:
        raise ValidationError("Choose adopt, adapt, abandon or continue testing.")
    if decision == Decision.ABANDON and not abandon_reason.strip():
        raise ValidationError("Say why you are abandoning this change idea.")
    cycle.decision = decision
    cycle.next_step = next_step
    cycle.abandon_reason = abandon_reason if decision == Decision.ABANDON else ""
    cycle.decided_on = timezone.localdate()
    cycle.status = CycleStatus.COMPLETE
    cycle.save()
    idea = cycle.change_idea
    next_cycle = None
    if decision == Decision.ADOPT:
        idea.status = ChangeIdeaStatus.ADOPTED
    elif decision == Decision.ABANDON:
        idea.status = ChangeIdeaStatus.ABANDONED
    else:
        idea.status = ChangeIdeaStatus.TESTING
        next_cycle = pdsa_cycle_create(
            change_idea=idea,
            actor=actor,
            previous=cycle,
            participants=list(cycle.participants.all()),
            measures=list(cycle.measures.all()),
            title=cycle.title,
            purpose=cycle.purpose,
            objective=next_step or cycle.objective,
            questions=cycle.questions,
            plan_who=cycle.plan_who,
            plan_what=cycle.plan_what,
            plan_when=cycle.plan_when,
            plan_where=cycle.plan_where,
            data_plan=cycle.data_plan,
            involvement=cycle.involvement,
            involvement_notes=cycle.involvement_notes,
        )
    idea.save(update_fields=["status"])
    events.data_changed(cycle.organisation_id)
    return next_cycle


@transaction.atomic
def pdsa_cycle_share(
    *, cycle: PDSACycle, actor: User, shared: bool, share_ward_name: bool
) -> PDSACycle:
    """Share a completed cycle with the whole programme's learning library (or stop sharing)."""
    if shared and cycle.status != CycleStatus.COMPLETE:
        raise ValidationError("Only a completed cycle can be shared in the learning library.")
    cycle.shared = shared
    cycle.share_ward_name = shared and share_ward_name
    cycle.shared_at = timezone.now() if shared else None
    cycle.save(update_fields=["shared", "share_ward_name", "shared_at", "updated_at"])
    return cycle


@transaction.atomic
def change_idea_from_library(*, cycle: PDSACycle, project: Project, actor: User) -> ChangeIdea:
    """Start a change idea on one's own project from a shared cycle."""
    if not cycle.shared:
        raise ValidationError("That cycle is not in the learning library.")
    source = cycle.change_idea
    idea = change_idea_create(
        project=project,
        actor=actor,
        title=source.title,
        description=(
            f"Started from the learning library: {cycle.title}. What they learned: {cycle.learning}"
        )[:4000],
        drivers=[
            d
            for d in source.drivers.all()
            if project.change_theory_id and d.theory_id == project.change_theory_id
        ],
    )
    if source.national_node_id and source.national_node.theory_id == project.change_theory_id:
        idea.national_node = source.national_node
        idea.origin = Origin.NATIONAL
        idea.save(update_fields=["national_node", "origin"])
    return idea


# --- Progress scores ---------------------------------------------------------------------


@transaction.atomic
def progress_score_record(
    *,
    project: Project,
    actor: User,
    scored_by: str,
    month: date,
    score: Decimal,
    rationale: str = "",
) -> ProgressScore:
    """Record (or correct) this month's score by the coach or by the team."""
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError("You cannot score a month that has not started.")
    if scored_by not in ScoredBy.values:
        raise ValidationError("Choose who the score is by.")
    existing = ProgressScore.objects.filter(
        project=project, month=month, scored_by=scored_by
    ).first()
    old = str(existing.score) if existing else ""
    obj, _ = ProgressScore.objects.update_or_create(
        project=project,
        month=month,
        scored_by=scored_by,
        defaults={
            "organisation_id": project.organisation_id,
            "ward_id": project.ward_id,
            "score": score,
            "rationale": rationale,
            "recorded_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    audit_record(
        actor=actor,
        action="progress_score.record",
        obj=obj,
        summary=f"{obj.get_scored_by_display()} score {score} for {month_label(month)}",
        changes={"score": [old, str(score)]},
    )
    events.data_changed(obj.organisation_id)
    return obj


# --- Data --------------------------------------------------------------------------------


class DataEntryError(ValidationError):
    """Raised with every problem found; nothing has been saved."""

    def __init__(
        self,
        errors: list[str],
        keys: set[tuple] | None = None,
        by_key: dict[tuple, list[str]] | None = None,
    ):
        super().__init__(errors)
        self.problems = errors
        self.keys = keys or set()
        # Each problem by the (ward, measure, period, group) it is about, for per-field errors.
        self.by_key = by_key or {}


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.deleted


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def data_points_check(*, entries: list[Entry]) -> list[CleanEntry]:
    """Check entries without saving; raises ``DataEntryError`` with every problem."""
    result = check_entries(entries, today=timezone.localdate())
    if result.errors:
        raise DataEntryError(result.errors, result.error_keys, result.messages_by_key)
    return result.entries


@transaction.atomic
def data_points_save(*, entries: list[Entry], actor: User) -> SaveResult:
    """Check and save measure values all or nothing, record each change (old and new value)
    against the ward, and ask the charts to refresh their signals once committed."""
    clean = data_points_check(entries=entries)
    result = SaveResult()
    if not clean:
        return result
    existing = {
        (p.ward_id, p.measure_id, p.period_start, p.equity_group): p
        for p in DataPoint.objects.filter(
            ward_id__in={e.ward.id for e in clean},
            measure_id__in={e.measure.id for e in clean},
            period_start__in={e.period for e in clean},
        )
    }
    to_create: list[DataPoint] = []
    to_update: list[DataPoint] = []
    to_delete: list[int] = []
    changes_by_ward: dict[int, dict[str, Any]] = defaultdict(dict)
    wards: dict[int, Any] = {}
    touched: dict[tuple[int, int], set[int]] = defaultdict(set)
    user = actor if getattr(actor, "pk", None) else None
    for e in clean:
        wards[e.ward.id] = e.ward
        point = existing.get(e.key)
        # Change history is read by people: it names the measure and the month, never codes.
        label = f"{e.measure.name}, {e.period:%B %Y}" + (
            f", {GROUP_NAMES.get(e.group, e.group)}" if e.group else ""
        )
        if e.delete:
            if point is None:
                continue
            to_delete.append(point.id)
            result.deleted += 1
            changes_by_ward[e.ward.id][label] = {
                "numerator": [_fmt(point.numerator), ""],
                "denominator": [_fmt(point.denominator), ""],
            }
        elif point is None:
            to_create.append(
                DataPoint(
                    organisation_id=e.ward.organisation_id,
                    ward_id=e.ward.id,
                    measure=e.measure,
                    period_start=e.period,
                    equity_group=e.group,
                    numerator=e.numerator,
                    denominator=e.denominator,
                    note=e.note,
                    entered_by=user,
                )
            )
            result.created += 1
            changes_by_ward[e.ward.id][label] = {
                "numerator": ["", _fmt(e.numerator)],
                "denominator": ["", _fmt(e.denominator)],
            }
        elif (
            point.numerator != e.numerator
            or point.denominator != e.denominator
            or (e.note and e.note != point.note)
        ):
            changes_by_ward[e.ward.id][label] = {
                "numerator": [_fmt(point.numerator), _fmt(e.numerator)],
                "denominator": [_fmt(point.denominator), _fmt(e.denominator)],
            }
            point.numerator = e.numerator
            point.denominator = e.denominator
            point.note = e.note or point.note
            point.entered_by = user
            point.updated_at = timezone.now()
            to_update.append(point)
            result.updated += 1
        else:
            result.unchanged += 1
            continue
        touched[(e.ward.organisation_id, e.ward.id)].add(e.measure.id)
    DataPoint.objects.filter(id__in=to_delete).delete()
    DataPoint.objects.bulk_create(to_create)
    DataPoint.objects.bulk_update(
        to_update, ["numerator", "denominator", "note", "entered_by", "updated_at"]
    )
    for ward_id, changes in changes_by_ward.items():
        ward = wards[ward_id]
        audit_record(
            actor=actor,
            action="data_points.save",
            obj=ward,
            organisation_id=ward.organisation_id,
            summary=f"Changed {len(changes)} value{'s' if len(changes) != 1 else ''} "
            f"for {ward.name}",
            changes=changes,
        )
        result.changes.extend(changes)
    for (organisation_id, ward_id), measure_ids in touched.items():
        _refresh_signals_on_commit(
            organisation_id=organisation_id, ward_id=ward_id, measure_ids=sorted(measure_ids)
        )
    for organisation_id in sorted({o for o, _ in touched}):
        events.data_changed(organisation_id)
    return result


def _refresh_signals_on_commit(
    *, organisation_id: int, ward_id: int | None, measure_ids: list[int]
) -> None:
    def refresh() -> None:
        from culture_of_care.improvement.charts.services import signals_refresh

        signals_refresh(organisation_id=organisation_id, ward_id=ward_id, measure_ids=measure_ids)

    transaction.on_commit(refresh)


@transaction.atomic
def ward_target_set(
    *, actor: Any, ward: Any, measure: Measure, target: Decimal | None, note: str = ""
) -> ChartSettings:
    """Set (or clear, with None) a ward's own target for one measure: its chart's target line
    and assurance icon use it instead of the programme target."""
    if target is not None and target < 0:
        raise ValidationError("A target cannot be negative.")
    if measure.kind == "percentage" and target is not None and target > 100:
        raise ValidationError("A percentage target cannot be more than 100%.")
    item, _ = ChartSettings.objects.get_or_create(
        measure=measure, organisation_id=ward.organisation_id, ward_id=ward.pk
    )
    before = item.target
    item.target = target
    item.target_note = note if target is not None else ""
    item.updated_by = actor if getattr(actor, "pk", None) else None
    item.save(update_fields=["target", "target_note", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="chart.target",
        obj=item,
        organisation_id=ward.organisation_id,
        summary=f"Set {ward.name}'s target for {measure.name}",
        changes={"target": [_fmt(before), _fmt(target)], "note": note},
    )
    events.data_changed(ward.organisation_id)
    return item


def ward_target_from_aim(*, actor: Any, ward: Any, measure: Measure) -> ChartSettings:
    """Make the ward's aim ("30% fewer by May 2027") its target line for one measure: the
    baseline mean (the 12 months before coaching started) moved by the aim's percentage."""
    from culture_of_care.improvement import targets, windows

    project = Project.objects.filter(ward_id=ward.pk, kind=ProjectKind.WARD).first()
    how_much = project.aim_how_much if project else ""
    if targets.percent_in(how_much) is None:
        raise ValidationError(
            "The ward's aim does not say by how much as a percentage (for example '30% fewer'), "
            "so enter the target as a number."
        )
    first = windows.baseline_start(ward)
    if first is None:
        raise ValidationError("The ward has no coaching start, so it has no baseline yet.")
    points = DataPoint.objects.filter(
        ward_id=ward.pk,
        measure=measure,
        equity_group="",
        period_start__gte=first,
        period_start__lt=windows.month_start(ward.coaching_start),
    ).select_related("measure")
    values = [p.value for p in points if p.value is not None]
    if not values:
        raise ValidationError(
            "There is no baseline data for this measure yet, so enter the target as a number."
        )
    target = targets.target_from_aim(how_much, sum(values) / len(values), measure.improvement)
    if target is None:
        raise ValidationError("This measure has no direction of improvement, so no target.")
    when = f" by {project.aim_by_when:%B %Y}" if project and project.aim_by_when else ""
    return ward_target_set(
        actor=actor,
        ward=ward,
        measure=measure,
        target=Decimal(f"{target:.3f}"),
        note=f"From the ward's aim: {how_much}{when} (baseline average {sum(values) / len(values):.2f})",
    )
