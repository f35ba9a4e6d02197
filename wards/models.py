"""Wards and the MHSDS service types they provide."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from culture_of_care.access import TenantModel, TenantQuerySet


class ServiceType(models.Model):
    """An MHSDS hospital bed type (reference data)."""

    code = models.CharField("MHSDS code", max_length=4, unique=True)
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=100)
    typical_beds_min = models.PositiveSmallIntegerField(default=1)
    typical_beds_max = models.PositiveSmallIntegerField(default=30)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class WardStatus(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    SUSTAINING = "sustaining", "Sustaining"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WardQuerySet(TenantQuerySet):
    pass


class Ward(TenantModel):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="wards"
    )
    code = models.CharField(
        max_length=20,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9_\-]*$",
                "Use letters, digits, dashes or underscores for the ward code, for example W01.",
            )
        ],
    )
    name = models.CharField(max_length=200)
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="wards")
    beds = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(1, "A ward has at least 1 bed."),
            MaxValueValidator(200, "A ward has at most 200 beds."),
        ]
    )
    qi_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_wards",
        verbose_name="QI coach",
    )
    coaching_start = models.DateField(null=True, blank=True)
    coaching_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=WardStatus.choices, default=WardStatus.ACTIVE)

    objects = WardQuerySet.as_manager()

    tenant_organisation_field = "organisation_id"
    tenant_ward_field = "id"
    access_domain = "organisation"

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unique_ward_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ward_id(self) -> int:
        return self.id

    @staticmethod
    def default_coaching_end(start: date) -> date:
        """Coaching lasts two years from its start."""
        try:
            return start.replace(year=start.year + 2)
        except ValueError:  # 29 February
            return start.replace(year=start.year + 2, day=28)
