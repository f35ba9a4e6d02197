"""The Organisation: an NHS trust or independent provider, and the tenant of every record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from culture_of_care.access import TenantModel, TenantQuerySet, edit_reach, read_reach
from culture_of_care.guards import SafeCharField, SafeTextField


class Region(models.TextChoices):
    """The seven NHS England regions, keyed by ODS region code."""

    LONDON = "Y56", "London"
    SOUTH_WEST = "Y58", "South West"
    SOUTH_EAST = "Y59", "South East"
    MIDLANDS = "Y60", "Midlands"
    EAST_OF_ENGLAND = "Y61", "East of England"
    NORTH_WEST = "Y62", "North West"
    NORTH_EAST_AND_YORKSHIRE = "Y63", "North East and Yorkshire"


class ProviderType(models.TextChoices):
    NHS_TRUST = "nhs_trust", "NHS trust"
    INDEPENDENT = "independent", "Independent provider"


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    WITHDRAWN = "withdrawn", "Withdrawn"


ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,5}$",
    "Enter an ODS code of 3 to 5 capital letters or digits, for example RV3 or NQM01.",
)


class OrganisationQuerySet(TenantQuerySet):
    def visible_to(self, user: Any) -> OrganisationQuerySet:
        reach = read_reach(user)
        if reach.everything:
            return self.all()
        return self.filter(id__in=reach.organisation_ids | reach.ward_organisation_ids)

    def editable_by(self, user: Any, domain: str | None = None) -> OrganisationQuerySet:
        reach = edit_reach(user, domain or "organisation")
        if reach.everything:
            return self.all()
        return self.filter(id__in=reach.organisation_ids)


class Organisation(models.Model):
    ods_code = models.CharField(
        "ODS code", max_length=5, unique=True, validators=[ods_code_validator]
    )
    name = models.CharField(max_length=200)
    region = models.CharField(max_length=3, choices=Region.choices)
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    status = models.CharField(
        max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.ACTIVE
    )
    joined_on = models.DateField(default=timezone.localdate)

    objects = OrganisationQuerySet.as_manager()

    tenant_organisation_field = "id"
    access_domain = "organisation"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation_id(self) -> int:
        return self.id


# --- The middle tier's barrier loop ------------------------------------------------------------
# Wards raise what the organisation makes harder; the organisation's middle-tier team acts on
# it; what stays stuck goes to the board. A barrier belongs to its organisation and ward and is
# scoped by the access layer like every tenant row. Changes to a barrier are made by the
# organisation (``organisation`` access domain: organisation leads); raising one is for the
# ward's team and its QI coach (see ``selectors.raisable_wards``).


class BarrierKind(models.TextChoices):
    ROSTERING = "rostering", "Rostering and staffing"
    ESTATES = "estates", "Estates and environment"
    POLICY = "policy", "Policy and procedure"
    IT_DATA = "it_data", "IT and data"
    TRAINING = "training", "Training"
    FINANCE = "finance", "Finance"
    OTHER = "other", "Other"


class BarrierImpact(models.IntegerChoices):
    SLOWS = 1, "It slows us down"
    GETS_IN_THE_WAY = 2, "It gets in the way: we work around it"
    STOPS = 3, "It stops us: we cannot test or keep the change"


class BarrierStatus(models.TextChoices):
    RAISED = "raised", "Raised, waiting for a response"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    PLANNED = "planned", "Action planned"
    RESOLVED = "resolved", "Resolved"
    CANNOT_CHANGE = "cannot_change", "Cannot change here"


OPEN_BARRIER_STATUSES = (
    BarrierStatus.RAISED,
    BarrierStatus.ACKNOWLEDGED,
    BarrierStatus.PLANNED,
)
CLOSED_BARRIER_STATUSES = (BarrierStatus.RESOLVED, BarrierStatus.CANNOT_CHANGE)


class BarrierQuerySet(TenantQuerySet):
    def open(self) -> BarrierQuerySet:
        return self.filter(status__in=OPEN_BARRIER_STATUSES)

    def escalated(self, now: Any = None, weeks: int | None = None) -> BarrierQuerySet:
        """Open barriers on the board's list: marked by the organisation lead, or open longer
        than ``BARRIER_ESCALATION_WEEKS``."""
        now = now or timezone.now()
        weeks = settings.BARRIER_ESCALATION_WEEKS if weeks is None else weeks
        cutoff = now - timedelta(weeks=weeks)
        return self.open().filter(
            models.Q(escalated_at__isnull=False) | models.Q(raised_at__lte=cutoff)
        )


class Barrier(TenantModel):
    """Something the organisation does (or fails to do) that makes a ward's improvement harder."""

    # What the ward says when it raises a barrier (the form and the API); the rest is the loop's.
    RAISED_FIELDS = (
        "title",
        "description",
        "kind",
        "impact",
        "commitments",
        "blocked_idea",
        "blocked_cycle",
        "with_lived_experience",
    )

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="barriers"
    )
    ward = models.ForeignKey("wards.Ward", on_delete=models.CASCADE, related_name="barriers")
    title = SafeCharField(
        "What gets in the way",
        max_length=200,
        help_text="A short summary, for example: Bank staff cannot be booked for protected time.",
    )
    description = SafeTextField(
        "Tell us more",
        help_text="What happens, how often, and what it stops you doing. Plain English, no "
        "patient details.",
    )
    kind = models.CharField(max_length=20, choices=BarrierKind.choices)
    impact = models.PositiveSmallIntegerField(
        "How much it gets in the way", choices=BarrierImpact.choices
    )
    commitments = models.ManyToManyField(
        "improvement.Commitment", blank=True, related_name="barriers"
    )
    blocked_idea = models.ForeignKey(
        "improvement.ChangeIdea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blocking_barriers",
        verbose_name="Change idea it blocks",
    )
    blocked_cycle = models.ForeignKey(
        "improvement.PDSACycle",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blocking_barriers",
        verbose_name="PDSA cycle it blocks",
    )
    with_lived_experience = models.BooleanField(
        "Raised with people with lived experience", default=False
    )
    status = models.CharField(
        max_length=20, choices=BarrierStatus.choices, default=BarrierStatus.RAISED
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="barriers_raised",
    )
    raised_at = models.DateTimeField(default=timezone.now)
    # When anyone last acted on it (the queue's "oldest untouched first").
    last_step_at = models.DateTimeField(default=timezone.now)
    # The current plan (the history is in the steps).
    plan_owner = SafeCharField("Owner", max_length=200, blank=True)
    plan_due_on = models.DateField("Due by", null=True, blank=True)
    plan_text = SafeTextField("What will be done", blank=True)
    linked_idea = models.ForeignKey(
        "improvement.ChangeIdea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_barriers",
        verbose_name="Middle-tier change idea",
    )
    linked_cycle = models.ForeignKey(
        "improvement.PDSACycle",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_barriers",
        verbose_name="Middle-tier PDSA cycle",
    )
    outcome = SafeTextField("What changed, or why it cannot change here", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BarrierQuerySet.as_manager()

    tenant_ward_field = "ward_id"
    access_domain = "organisation"

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "raised_at"]),
            models.Index(fields=["ward", "raised_at"]),
            models.Index(fields=["status", "last_step_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(impact__in=[1, 2, 3]), name="barrier_impact_on_scale"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_BARRIER_STATUSES

    @property
    def latest_response(self) -> BarrierStep | None:
        """The middle tier's last step (uses prefetched steps when there are some)."""
        responses = [s for s in self.steps.all() if s.kind != BarrierStepKind.RAISED]
        return responses[-1] if responses else None

    def age_weeks(self, now: Any = None) -> int:
        end = self.closed_at or now or timezone.now()
        return max(0, (end - self.raised_at).days // 7)

    def is_escalated(self, now: Any = None) -> bool:
        if not self.is_open:
            return False
        if self.escalated_at is not None:
            return True
        now = now or timezone.now()
        return self.raised_at <= now - timedelta(weeks=settings.BARRIER_ESCALATION_WEEKS)

    def clean(self) -> None:
        if (
            self.ward_id
            and self.organisation_id
            and self.ward.organisation_id != self.organisation_id
        ):
            raise ValidationError({"ward": "That ward belongs to another organisation."})


class BarrierStepKind(models.TextChoices):
    RAISED = "raised", "Raised"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    PLANNED = "planned", "Planned"
    LINKED = "linked", "Linked to middle-tier work"
    RESOLVED = "resolved", "Resolved"
    CANNOT_CHANGE = "cannot_change", "Cannot change here"
    ESCALATED = "escalated", "Taken to the board"
    REOPENED = "reopened", "Reopened"


# Steps the ward hears about ("You said, we did", and its reminders).
RESPONSE_STEP_KINDS = (
    BarrierStepKind.ACKNOWLEDGED,
    BarrierStepKind.PLANNED,
    BarrierStepKind.LINKED,
    BarrierStepKind.RESOLVED,
    BarrierStepKind.CANNOT_CHANGE,
    BarrierStepKind.ESCALATED,
)


class BarrierStep(TenantModel):
    """One step in a barrier's history: who did what, and when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    ward = models.ForeignKey("wards.Ward", on_delete=models.CASCADE, related_name="+")
    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=BarrierStepKind.choices)
    note = SafeTextField(blank=True)
    owner = SafeCharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    linked_idea = models.ForeignKey(
        "improvement.ChangeIdea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_cycle = models.ForeignKey(
        "improvement.PDSACycle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    tenant_ward_field = "ward_id"
    access_domain = "organisation"

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ward", "created_at"]),
            # Tenant index (issue 18): its common filter, led by the organisation.
            models.Index(fields=["organisation", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.barrier}"
