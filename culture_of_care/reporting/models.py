"""Dashboard snapshots: figures precomputed so a dashboard page runs a fixed number of queries.

One row per ward, per organisation, per region and one for the programme, each holding what its
dashboard shows (``payload``, built by ``services.py``) and when it was computed. Ward rows carry
the filter fields (region, provider type, service type, cohort) as columns so a filtered national
or regional page reads only the wards it needs, in one query, and sums them the same way the
refresh does. Refreshed nightly and after any data change for an organisation.
"""

from __future__ import annotations

from django.db import models

from culture_of_care.access import TenantModel, TenantQuerySet


class SnapshotKind(models.TextChoices):
    PROGRAMME = "programme", "Programme"
    REGION = "region", "Region"
    ORGANISATION = "organisation", "Organisation"
    WARD = "ward", "Ward"


class SnapshotQuerySet(TenantQuerySet):
    pass


class Snapshot(TenantModel):
    kind = models.CharField(max_length=20, choices=SnapshotKind.choices)
    key = models.CharField(max_length=40, help_text="Region code, organisation or ward id.")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    ward = models.ForeignKey(
        "wards.Ward", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.CharField(max_length=3, blank=True)
    provider_type = models.CharField(max_length=20, blank=True)
    service_type = models.CharField(max_length=4, blank=True)
    cohort = models.CharField(max_length=7, blank=True)
    payload = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    objects = SnapshotQuerySet.as_manager()

    tenant_ward_field = "ward_id"
    access_domain = "qi"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="unique_snapshot"),
        ]
        indexes = [
            models.Index(fields=["kind", "region"]),
            models.Index(fields=["kind", "organisation"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} snapshot {self.key}"
