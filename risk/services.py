"""Writes for the risk programme: each typed, keyword-only, atomic, and audited.

Callers pass objects they have already authorised (views use the access layer); the
organisation of every new row comes from the organisation object, never from the request.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from culture_of_care.audit.services import audit_record, changes_between
from culture_of_care.improvement.models import Project, ProjectKind
from culture_of_care.periods import quarter_label, quarter_start
from organisations.models import Organisation
from risk import selectors
from risk.models import (
    ACTIVE_COHORTS,
    AUDIT_FIELDS,
    EVIDENCE_REQUIRED_FROM,
    CareRecordAudit,
    MaturityLevel,
    MilestoneDefinition,
    MilestoneStatus,
    OrganisationMilestone,
    PracticeExample,
    RiskParticipation,
    SelfAssessment,
    SelfAssessmentRating,
)
from wards.models import Ward


@transaction.atomic
def risk_project_ensure(*, actor: Any, organisation: Organisation) -> Project:
    """The organisation's risk project (the QI method reused): created once, following the
    published risk change theory, for its own change ideas and PDSA cycles."""
    project = Project.objects.filter(
        organisation=organisation, ward__isnull=True, kind=ProjectKind.RISK
    ).first()
    if project is not None:
        return project
    project = Project.objects.create(
        organisation=organisation,
        ward=None,
        kind=ProjectKind.RISK,
        title=f"{organisation.name}: a personalised approach to safety",
        aim_what=(
            "Replace risk prediction and low, medium or high ratings with safety assessment, "
            "a shared safety formulation and a collaborative safety plan for every person."
        ),
        change_theory=selectors.risk_theory(),
    )
    project.team.set(selectors.risk_team_ids(organisation))
    audit_record(
        actor=actor,
        action="risk.project_created",
        obj=project,
        summary=f"Started the risk project for {organisation.name}",
    )
    return project


@transaction.atomic
def participation_set(
    *,
    actor: Any,
    organisation: Organisation,
    cohort: str,
    starts_on: date | None,
    adviser: Any | None,
) -> RiskParticipation:
    """Place an organisation in a cohort (programme admins). Joining a cohort starts its
    risk project."""
    participation, created = RiskParticipation.objects.get_or_create(organisation=organisation)
    before = {
        "cohort": participation.cohort,
        "starts_on": participation.starts_on.isoformat() if participation.starts_on else None,
        "adviser": participation.adviser_id,
    }
    participation.cohort = cohort
    participation.starts_on = starts_on
    participation.adviser = adviser
    participation.full_clean()
    participation.save()
    after = {
        "cohort": cohort,
        "starts_on": starts_on.isoformat() if starts_on else None,
        "adviser": getattr(adviser, "pk", None),
    }
    audit_record(
        actor=actor,
        action="risk.participation_set",
        obj=participation,
        summary=f"{organisation.name}: {participation.get_cohort_display()}",
        changes=changes_between(before, after, everything=created),
    )
    if cohort in ACTIVE_COHORTS:
        risk_project_ensure(actor=actor, organisation=organisation)
    return participation


def _check_ratings(ratings: dict[str, tuple[int, str]], names: dict[str, str]) -> None:
    errors: dict[str, str] = {}
    for code, (level, evidence) in ratings.items():
        if level not in MaturityLevel.values:
            errors[code] = f"{names.get(code, code)}: choose a level from 0 to 5."
        elif level >= EVIDENCE_REQUIRED_FROM and not (evidence or "").strip():
            errors[code] = (
                f"{names.get(code, code)}: give the evidence for a rating of {level} "
                f"({MaturityLevel(level).label.lower()}). A domain can only be rated 4 or 5 "
                "with evidence."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def self_assessment_record(
    *,
    actor: Any,
    organisation: Organisation,
    quarter: date,
    ratings: dict[str, tuple[int, str]],
    assessed_on: date | None = None,
) -> SelfAssessment:
    """Record (or correct) an organisation's self-assessment for one quarter.

    ``ratings`` maps each domain code of the published risk change theory to (level, evidence).
    Every domain must be rated, and 4 or 5 needs evidence (ValidationError otherwise).
    """
    domains = {node.code: node for node in selectors.risk_domains()}
    if not domains:
        raise ValidationError("The risk change theory has not been published yet.")
    missing = [node.text for code, node in domains.items() if code not in ratings]
    if missing:
        raise ValidationError(f"Rate every domain: {', '.join(missing)} not rated.")
    unknown = set(ratings) - set(domains)
    if unknown:
        raise ValidationError(f"Unknown domain(s): {', '.join(sorted(unknown))}.")
    _check_ratings(ratings, {code: node.text for code, node in domains.items()})

    quarter = quarter_start(quarter)
    assessment, created = SelfAssessment.objects.get_or_create(
        organisation=organisation,
        quarter=quarter,
        defaults={"assessed_by": actor, "assessed_on": assessed_on or timezone.localdate()},
    )
    if not created:
        assessment.assessed_by = actor
        assessment.assessed_on = assessed_on or timezone.localdate()
        assessment.save(update_fields=["assessed_by", "assessed_on", "updated_at"])
    existing = {r.domain_id: r for r in assessment.ratings.all()}
    changes: dict[str, list[Any]] = {}
    for code, (level, evidence) in ratings.items():
        node = domains[code]
        rating = existing.get(node.id)
        evidence = (evidence or "").strip()
        if rating is None:
            rating = SelfAssessmentRating(
                organisation=organisation, assessment=assessment, domain=node
            )
            old = None
        else:
            old = rating.level
        rating.level = level
        rating.evidence = evidence
        rating.full_clean(exclude=["assessment", "domain", "organisation"])
        rating.save()
        if old != level:
            changes[code] = [old, level]
    audit_record(
        actor=actor,
        action="risk.self_assessment_recorded" if created else "risk.self_assessment_updated",
        obj=assessment,
        summary=f"Self-assessment for {quarter_label(quarter)}",
        changes=changes,
    )
    return assessment


@transaction.atomic
def milestone_update(
    *,
    actor: Any,
    organisation: Organisation,
    milestone: MilestoneDefinition,
    status: str,
    on: date | None,
    evidence: str,
) -> OrganisationMilestone:
    """Set where an organisation stands on one milestone (done needs a date)."""
    if status == MilestoneStatus.DONE and on is None:
        raise ValidationError({"date": "Enter the date this milestone was done."})
    row, _ = OrganisationMilestone.objects.get_or_create(
        organisation=organisation, milestone=milestone
    )
    before = row.status
    row.status = status
    row.date = on
    row.evidence = (evidence or "").strip()
    row.updated_by = actor
    row.full_clean(exclude=["organisation", "milestone"])
    row.save()
    audit_record(
        actor=actor,
        action="risk.milestone_updated",
        obj=row,
        summary=f"{milestone.name}: {row.get_status_display()}",
        changes={"status": [before, status]} if before != status else {},
    )
    return row


@transaction.atomic
def staff_trained_set(
    *, actor: Any, organisation: Organisation, percent: int, as_at: date
) -> RiskParticipation:
    """Record the percentage of inpatient clinical staff trained (0 to 100) at a date."""
    if not 0 <= percent <= 100:
        raise ValidationError({"staff_trained_percent": "Enter a percentage from 0 to 100."})
    participation, _ = RiskParticipation.objects.get_or_create(organisation=organisation)
    before = participation.staff_trained_percent
    participation.staff_trained_percent = percent
    participation.staff_trained_on = as_at
    participation.save(update_fields=["staff_trained_percent", "staff_trained_on", "updated_at"])
    audit_record(
        actor=actor,
        action="risk.staff_trained_set",
        obj=participation,
        summary=f"{percent}% of inpatient clinical staff trained at {as_at:%-d %B %Y}",
        changes={"staff_trained_percent": [before, percent]},
    )
    return participation


@transaction.atomic
def care_record_audit_record(
    *,
    actor: Any,
    organisation: Organisation,
    ward: Ward | None,
    audit_date: date,
    sample_size: int,
    counts: dict[str, int],
    notes: str = "",
) -> CareRecordAudit:
    """Record one care-record audit's counts (never patient-level data)."""
    if ward is not None and ward.organisation_id != organisation.id:
        raise ValidationError({"ward": "Choose one of this organisation's wards."})
    if CareRecordAudit.objects.filter(
        organisation=organisation, ward=ward, audit_date=audit_date
    ).exists():
        raise ValidationError(
            {
                "audit_date": "An audit for this ward (or the whole organisation) on this date is already recorded."
            }
        )
    audit = CareRecordAudit(
        organisation=organisation,
        ward=ward,
        audit_date=audit_date,
        sample_size=sample_size,
        notes=(notes or "").strip(),
        entered_by=actor,
        **{name: counts[name] for name in AUDIT_FIELDS},
    )
    audit.full_clean(exclude=["organisation"])
    audit.save()
    audit_record(
        actor=actor,
        action="risk.care_record_audit_recorded",
        obj=audit,
        summary=f"Care-record audit of {sample_size} records on {audit_date:%-d %B %Y}",
        changes={name: counts[name] for name in AUDIT_FIELDS},
    )
    return audit


@transaction.atomic
def practice_example_save(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    kind: str,
    body: str,
    published: bool,
    example: PracticeExample | None = None,
) -> PracticeExample:
    """Write or revise a practice example; publishing shares it with every cohort organisation."""
    creating = example is None
    if example is None:
        example = PracticeExample(organisation=organisation, author=actor)
    example.title = title
    example.kind = kind
    example.body = body
    example.published = published
    # The first publication dates it; withdrawing and republishing dates it afresh.
    if published and example.published_at is None:
        example.published_at = timezone.now()
    elif not published:
        example.published_at = None
    example.full_clean(exclude=["organisation"])
    example.save()
    audit_record(
        actor=actor,
        action="risk.practice_example_created" if creating else "risk.practice_example_updated",
        obj=example,
        summary=f"{title} ({'published' if published else 'draft'})",
    )
    return example


@transaction.atomic
def milestone_definition_save(
    *,
    actor: Any,
    name: str,
    evidence_hint: str,
    order: int,
    is_active: bool,
    definition: MilestoneDefinition | None = None,
    code: str = "",
) -> MilestoneDefinition:
    """Change the national milestone checklist (programme admins)."""
    creating = definition is None
    if definition is None:
        definition = MilestoneDefinition(code=code)
    definition.name = name
    definition.evidence_hint = evidence_hint
    definition.order = order
    definition.is_active = is_active
    definition.full_clean()
    definition.save()
    audit_record(
        actor=actor,
        action="risk.milestone_definition_created"
        if creating
        else "risk.milestone_definition_updated",
        obj=definition,
        organisation_id=None,
        summary=name,
    )
    return definition
