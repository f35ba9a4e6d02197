"""The Organisation: an NHS trust or independent provider, and the tenant of every record."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from culture_of_care.access import TenantQuerySet, edit_reach, read_reach


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
