"""Risk: moving organisations from risk prediction to a personalised approach to safety.

NCISH advisers support ten organisations closely in year one and every organisation in year two
(DOMAIN.md, "Risk: a personalised approach"). Everything here is owned by an organisation (the
tenant) and edited under the ``risk`` access domain. Care-record audits hold counts only: no
patient-level data ever enters this app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from culture_of_care.access import TenantModel, TenantQuerySet, has_role, read_reach
from culture_of_care.accounts.roles import Role
from culture_of_care.guards import SafeCharField, SafeTextField
from culture_of_care.periods import quarter_label, quarter_start


class Cohort(models.TextChoices):
    YEAR_ONE = "year_one", "Year one (close support)"
    YEAR_TWO = "year_two", "Year two (spread)"
    NOT_YET = "not_yet", "Not yet taking part"


ACTIVE_COHORTS = (Cohort.YEAR_ONE, Cohort.YEAR_TWO)


class RiskParticipation(TenantModel):
    """An organisation's place in the risk programme: cohort, start date, NCISH adviser."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="risk_participation"
    )
    cohort = models.CharField(max_length=20, choices=Cohort.choices, default=Cohort.NOT_YET)
    starts_on = models.DateField("Start date", null=True, blank=True)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_participations",
        verbose_name="NCISH adviser",
    )
    staff_trained_percent = models.PositiveSmallIntegerField(
        "Percentage of inpatient clinical staff trained",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, "Enter a percentage from 0 to 100."),
            MaxValueValidator(100, "Enter a percentage from 0 to 100."),
        ],
    )
    staff_trained_on = models.DateField("Staff trained: figure as at", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    access_domain = "risk"

    class Meta:
        ordering = ["organisation__name"]
        indexes = [
            models.Index(fields=["cohort"]),
            # Tenant index (issue 18): its common filter, led by the organisation.
            models.Index(fields=["organisation", "cohort"]),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_cohort_display()}"

    @property
    def is_active(self) -> bool:
        return self.cohort in ACTIVE_COHORTS


class MaturityLevel(models.IntegerChoices):
    NOT_STARTED = 0, "Not started"
    EXPLORING = 1, "Exploring"
    PLANNING = 2, "Planning"
    TESTING = 3, "Testing"
    IMPLEMENTING = 4, "Implementing"
    EMBEDDED = 5, "Embedded and sustained"


# From this level up, a rating must say what shows it.
EVIDENCE_REQUIRED_FROM = MaturityLevel.IMPLEMENTING


def maturity_label(level: int | None) -> str:
    if level is None:
        return "Not assessed"
    return f"{level} {MaturityLevel(level).label.lower()}"


class SelfAssessment(TenantModel):
    """One organisation's quarterly self-assessment against the risk change theory's domains."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="risk_self_assessments",
    )
    quarter = models.DateField(help_text="The first day of the quarter assessed.")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessed_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access_domain = "risk"

    class Meta:
        ordering = ["organisation__name", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "quarter"], name="one_risk_self_assessment_a_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.quarter_label}"

    @property
    def quarter_label(self) -> str:
        return quarter_label(self.quarter)

    def clean(self) -> None:
        if self.quarter and quarter_start(self.quarter) != self.quarter:
            raise ValidationError(
                {"quarter": "A quarter starts on 1 January, April, July or October."}
            )


class SelfAssessmentRating(TenantModel):
    """One domain's maturity in one self-assessment, with the evidence behind it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    domain = models.ForeignKey(
        "improvement.DriverNode", on_delete=models.PROTECT, related_name="risk_ratings"
    )
    level = models.PositiveSmallIntegerField(choices=MaturityLevel.choices)
    evidence = SafeTextField(blank=True)

    access_domain = "risk"

    class Meta:
        # Tenant index (issue 18): its common filter, led by the organisation.
        indexes = [models.Index(fields=["organisation", "assessment"])]
        ordering = ["assessment", "domain__order", "domain_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"], name="one_rating_per_domain_per_assessment"
            ),
            models.CheckConstraint(condition=Q(level__lte=5), name="risk_rating_level_at_most_5"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.label}"

    @property
    def label(self) -> str:
        return maturity_label(self.level)

    def clean(self) -> None:
        if (
            self.level is not None
            and self.level >= EVIDENCE_REQUIRED_FROM
            and not (self.evidence or "").strip()
        ):
            raise ValidationError(
                {
                    "evidence": (
                        "Give the evidence for this rating: a domain can only be rated 4 "
                        "(implementing) or 5 (embedded and sustained) with evidence."
                    )
                }
            )


class MilestoneDefinition(models.Model):
    """A step on every organisation's checklist (from risk_milestones.csv; admins edit it)."""

    code = models.SlugField(max_length=60, unique=True)
    name = SafeCharField(max_length=200)
    evidence_hint = SafeCharField("Evidence expected", max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    # The milestone whose evidence is the percentage of staff trained.
    records_staff_trained = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class OrganisationMilestone(TenantModel):
    """Where one organisation stands on one milestone."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="risk_milestones"
    )
    milestone = models.ForeignKey(
        MilestoneDefinition, on_delete=models.CASCADE, related_name="organisation_milestones"
    )
    status = models.CharField(
        max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )
    date = models.DateField("Date", null=True, blank=True)
    evidence = SafeTextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    access_domain = "risk"

    class Meta:
        ordering = ["organisation__name", "milestone__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "milestone"], name="one_milestone_row_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.milestone} ({self.get_status_display()})"


# The counts a care-record audit records: (field, label, improvement direction).
AUDIT_MEASURES: list[tuple[str, str, str]] = [
    ("with_formulation", "Records with a safety formulation", "increase"),
    ("plan_with_person", "Safety plan written with the person", "increase"),
    ("shared_with_carers", "Safety plan shared with carers (with consent)", "increase"),
    ("reviewed_on_time", "Safety plan reviewed on time", "increase"),
    ("stratified_language", "Still using low, medium or high language", "decrease"),
]
AUDIT_FIELDS = [field for field, _label, _direction in AUDIT_MEASURES]


def _count_field(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label)


class CareRecordAudit(TenantModel):
    """A periodic audit of care records: how many of the sampled records show the change.

    Counts only. Patient-level records stay in the organisation's own systems.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="risk_audits"
    )
    ward = models.ForeignKey(
        "wards.Ward",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="risk_audits",
        help_text="Leave empty for an audit across the whole organisation.",
    )
    audit_date = models.DateField("Date of the audit")
    sample_size = models.PositiveIntegerField(
        "Number of records audited", validators=[MinValueValidator(1, "Audit at least 1 record.")]
    )
    with_formulation = _count_field("Records with a safety formulation")
    plan_with_person = _count_field("Records with a safety plan written with the person")
    shared_with_carers = _count_field("Records with a safety plan shared with carers, with consent")
    reviewed_on_time = _count_field("Records with a safety plan reviewed on time")
    stratified_language = _count_field("Records still using low, medium or high language")
    notes = SafeTextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    access_domain = "risk"

    class Meta:
        ordering = ["organisation__name", "-audit_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "ward", "audit_date"],
                name="one_risk_audit_per_place_and_date",
                nulls_distinct=False,
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__lte": models.F("sample_size")}),
                    name=f"risk_audit_{name}_within_sample",
                )
                for name in AUDIT_FIELDS
            ],
        ]
        indexes = [models.Index(fields=["organisation", "audit_date"])]

    def __str__(self) -> str:
        place = self.ward.name if self.ward_id else "whole organisation"
        return f"Care-record audit, {place}, {self.audit_date:%-d %B %Y}"

    @property
    def quarter(self) -> Any:
        return quarter_start(self.audit_date)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.ward_id
            and self.organisation_id
            and self.ward.organisation_id != self.organisation_id
        ):
            errors["ward"] = "Choose one of this organisation's wards."
        if self.sample_size is not None:
            for name, label, _direction in AUDIT_MEASURES:
                value = getattr(self, name)
                if value is not None and value > self.sample_size:
                    errors[name] = (
                        f"{label}: the count ({value}) cannot be more than the number of "
                        f"records audited ({self.sample_size})."
                    )
        if errors:
            raise ValidationError(errors)


class PracticeKind(models.TextChoices):
    POLICY = "policy", "Policy"
    TEMPLATES = "templates", "Record templates"
    TRAINING = "training", "Training"
    LEARNING = "learning", "What we learned"


class PracticeExampleQuerySet(TenantQuerySet):
    """Examples an organisation wrote, plus published ones for those the library is open to."""

    def visible_to(self, user: Any) -> PracticeExampleQuerySet:
        own = super().visible_to(user)
        if library_open_to(user):
            return (own | self.filter(published=True)).distinct()
        return own

    def search(self, text: str) -> PracticeExampleQuerySet:
        text = (text or "").strip()
        if not text:
            return self
        if settings.USING_POSTGRES:
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector("title", weight="A", config="english") + SearchVector(
                "body", weight="B", config="english"
            )
            return self.annotate(search=vector).filter(
                search=SearchQuery(text, config="english", search_type="websearch")
            )
        condition = Q()
        for word in text.split():
            condition &= Q(title__icontains=word) | Q(body__icontains=word)
        return self.filter(condition)


def library_open_to(user: Any) -> bool:
    """The practice library is for everyone in a cohort: not for a not-yet organisation.

    Programme-wide roles and NCISH advisers always see it; anyone else sees it once one of their
    organisations (or their ward's organisation) has started year one or year two.
    """
    cached = getattr(user, "_risk_library_open", None)
    if cached is not None:
        return cached
    reach = read_reach(user)
    if reach.is_empty:
        is_open = False
    elif reach.everything or has_role(user, Role.RISK_LEAD):
        is_open = True
    else:
        org_ids = reach.organisation_ids | reach.ward_organisation_ids
        is_open = (
            RiskParticipation.objects.filter(organisation_id__in=org_ids, cohort__in=ACTIVE_COHORTS)
            .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=timezone.localdate()))
            .exists()
        )
    user._risk_library_open = is_open
    return is_open


class PracticeExample(TenantModel):
    """What an organisation changed (policy, templates, training, learning), shared when published."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="risk_practice_examples",
    )
    title = SafeCharField(max_length=200)
    kind = models.CharField("What changed", max_length=20, choices=PracticeKind.choices)
    body = SafeTextField("What we did and what we learned")
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PracticeExampleQuerySet.as_manager()

    access_domain = "risk"

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["published", "-published_at"]),
            # Tenant index (issue 18): its common filter, led by the organisation.
            models.Index(fields=["organisation", "published"]),
        ]

    def __str__(self) -> str:
        return self.title
