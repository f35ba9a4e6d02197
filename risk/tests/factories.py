"""Factories for the risk app (factory_boy)."""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from culture_of_care.improvement.models import ChangeTheory, DriverNode, NodeKind
from culture_of_care.reference import rows
from risk.models import (
    CareRecordAudit,
    Cohort,
    MilestoneDefinition,
    OrganisationMilestone,
    PracticeExample,
    PracticeKind,
    RiskParticipation,
    SelfAssessment,
    SelfAssessmentRating,
)
from tests.factories import OrganisationFactory


def risk_theory_with_domains() -> tuple[ChangeTheory, list[DriverNode]]:
    """The published risk change theory with one primary driver per risk domain.

    Uses the seeded starter theory when the improvement migration has provided it, otherwise
    builds one, so tests hold whichever way the database was set up.
    """
    theory = (
        ChangeTheory.objects.filter(level="risk", status="published").order_by("-version").first()
    )
    if theory is None:
        version = (
            ChangeTheory.objects.filter(level="risk")
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        ) + 1
        theory = ChangeTheory.objects.create(
            level="risk",
            version=version,
            title="Risk change theory: a personalised approach to safety",
            status="published",
        )
    nodes = []
    for order, row in enumerate(rows("risk_domains"), start=1):
        node, _ = DriverNode.objects.get_or_create(
            theory=theory,
            kind=NodeKind.PRIMARY,
            code=row["code"],
            defaults={
                "text": row["name"],
                "description": row["what good looks like"],
                "order": order,
            },
        )
        nodes.append(node)
    return theory, nodes


class RiskParticipationFactory(DjangoModelFactory):
    class Meta:
        model = RiskParticipation
        django_get_or_create = ("organisation",)

    organisation = factory.SubFactory(OrganisationFactory)
    cohort = Cohort.YEAR_ONE
    starts_on = date(2025, 4, 1)


class SelfAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = SelfAssessment

    organisation = factory.SubFactory(OrganisationFactory)
    quarter = date(2025, 10, 1)
    assessed_on = date(2025, 12, 15)


def assessment_with_levels(organisation, quarter: date, level: int, **kwargs) -> SelfAssessment:
    """A self-assessment rating every domain at ``level`` (with evidence)."""
    _theory, nodes = risk_theory_with_domains()
    assessment = SelfAssessmentFactory(organisation=organisation, quarter=quarter, **kwargs)
    SelfAssessmentRating.objects.bulk_create(
        [
            SelfAssessmentRating(
                organisation=organisation,
                assessment=assessment,
                domain=node,
                level=level,
                evidence="Board paper and audit results" if level >= 4 else "",
            )
            for node in nodes
        ]
    )
    return assessment


class CareRecordAuditFactory(DjangoModelFactory):
    class Meta:
        model = CareRecordAudit

    organisation = factory.SubFactory(OrganisationFactory)
    audit_date = date(2025, 11, 20)
    sample_size = 40
    with_formulation = 20
    plan_with_person = 18
    shared_with_carers = 10
    reviewed_on_time = 15
    stratified_language = 12


class PracticeExampleFactory(DjangoModelFactory):
    class Meta:
        model = PracticeExample

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Rewriting our clinical risk policy {n}")
    kind = PracticeKind.POLICY
    body = "We removed the low, medium and high rating and trained staff in safety planning."
    published = True
    published_at = factory.LazyFunction(timezone.now)


def ensure_milestone_definitions() -> None:
    """The checklist from risk_milestones.csv (a transactional test flushes migration data)."""
    if MilestoneDefinition.objects.exists():
        return
    for order, row in enumerate(rows("risk_milestones"), start=1):
        MilestoneDefinition.objects.create(
            code=row["code"],
            name=row["name"],
            evidence_hint=row["evidence"],
            order=order * 10,
            records_staff_trained=row["code"] == "staff_trained",
        )


def milestone(code: str) -> MilestoneDefinition:
    return MilestoneDefinition.objects.get(code=code)


class OrganisationMilestoneFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationMilestone

    organisation = factory.SubFactory(OrganisationFactory)
    milestone = factory.LazyFunction(lambda: MilestoneDefinition.objects.order_by("order").first())
    status = "done"
    date = date(2025, 9, 1)


def risk_scene(organisation, *, adviser=None) -> RiskParticipation:
    """A year-one organisation with a year of risk work (for page scans and journeys):
    two self-assessments, audits in three quarters, a milestone done and a published example.
    Safe to call more than once."""
    from datetime import timedelta

    from culture_of_care.periods import previous_quarter, quarter_start

    _theory, _nodes = risk_theory_with_domains()
    ensure_milestone_definitions()
    participation, _ = RiskParticipation.objects.get_or_create(
        organisation=organisation,
        defaults={"cohort": Cohort.YEAR_ONE, "starts_on": date(2025, 4, 1), "adviser": adviser},
    )
    if SelfAssessment.objects.filter(organisation=organisation).exists():
        return participation
    last = previous_quarter(quarter_start(timezone.localdate()))
    assessment_with_levels(organisation, previous_quarter(last), 2)
    assessment_with_levels(organisation, last, 4)
    day = last
    for n in range(3):
        CareRecordAuditFactory(
            organisation=organisation,
            audit_date=day + timedelta(days=20),
            with_formulation=10 + 8 * n,
            stratified_language=20 - 6 * n,
        )
        day = previous_quarter(day)
    OrganisationMilestoneFactory(organisation=organisation)
    PracticeExampleFactory(organisation=organisation)
    return participation


def risk_path(organisation, name: str, *, with_org: bool = True) -> str:
    """The path of a risk page after building the organisation's risk scene."""
    from django.urls import reverse

    risk_scene(organisation)
    return reverse(name, args=[organisation.ods_code] if with_org else [])
