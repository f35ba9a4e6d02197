"""Reporting's own rows: dashboard snapshots and monthly board reports.

Dashboard snapshots: figures precomputed so a dashboard page runs a fixed number of queries.

One row per ward, per organisation, per region and one for the programme, each holding what its
dashboard shows (``payload``, built by ``services.py``) and when it was computed. Ward rows carry
the filter fields (region, provider type, service type, cohort) as columns so a filtered national
or regional page reads only the wards it needs, in one query, and sums them the same way the
refresh does. Refreshed nightly and after any data change for an organisation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q

from culture_of_care.access import TenantModel, TenantQuerySet
from culture_of_care.accounts.roles import PROGRAMME_WIDE, Role
from culture_of_care.guards import SafeTextField


class SnapshotKind(models.TextChoices):
    PROGRAMME = "programme", "Programme"
    REGION = "region", "Region"
    ORGANISATION = "organisation", "Organisation"
    WARD = "ward", "Ward"
    # A national or regional view narrowed by up to ``REPORTING_PRECOMPUTED_FILTERS`` filters
    # (region, provider type, service type, cohort), keyed like ``r:Y56|s:10`` (issue 18).
    FILTERED = "filtered", "Filtered"


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
            # Tenant index (issue 18): its common filter, led by the organisation.
            models.Index(fields=["organisation", "kind"]),
            models.Index(fields=["kind", "region"]),
            models.Index(fields=["kind", "organisation"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} snapshot {self.key}"


# --- Monthly board reports (PDF and XLSX), made by Celery and stored ---------------------------


# Who is entitled to an organisation's board report (and e-mailed its link: the first two).
REPORT_RECIPIENT_ROLES = (Role.ORGANISATION_LEAD, Role.EXECUTIVE)
REPORT_READER_ROLES = (*REPORT_RECIPIENT_ROLES, Role.LEADERSHIP_COACH)
# Who may ask for one to be made now, for their organisation.
REPORT_REQUESTER_ROLES = (Role.ORGANISATION_LEAD,)


def report_storage() -> Any:
    """Where report files live: the ``reports`` storage (local media unless configured)."""
    return storages["reports"]


def report_path(instance: BoardReport, filename: str) -> str:
    who = instance.organisation.ods_code if instance.organisation_id else "national"
    return f"board-reports/{who}/{instance.month:%Y-%m}/{filename}"


def _current_role_orgs(user: Any, roles: tuple[str, ...]) -> set[int]:
    grants = user.role_assignments.current().filter(role__in=roles)
    return {org_id for org_id in grants.values_list("organisation_id", flat=True) if org_id}


class BoardReportQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> BoardReportQuerySet:
        """Programme roles see every report; others their organisation's, by entitled role."""
        from culture_of_care.access import has_role

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if has_role(user, *PROGRAMME_WIDE):
            return self.all()
        return self.filter(organisation_id__in=_current_role_orgs(user, REPORT_READER_ROLES))

    def editable_by(self, user: Any) -> BoardReportQuerySet:
        """Whose reports this person may ask to be made now."""
        from culture_of_care.access import has_role

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if has_role(user, *PROGRAMME_WIDE):
            return self.all()
        return self.filter(organisation_id__in=_current_role_orgs(user, REPORT_REQUESTER_ROLES))


class BoardReport(models.Model):
    """One month's board report for one organisation, or for the programme (no organisation)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="board_reports",
    )
    month = models.DateField(help_text="The first day of the month the report is about.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    failure_reason = SafeTextField(blank=True)
    pdf = models.FileField(upload_to=report_path, storage=report_storage, blank=True)
    xlsx = models.FileField(upload_to=report_path, storage=report_storage, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    tenant_organisation_field = "organisation_id"

    objects = BoardReportQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"],
                name="one_board_report_a_month",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="board_report_month_is_first_day"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "month"])]

    def __str__(self) -> str:
        who = self.organisation.name if self.organisation_id else "Programme"
        return f"{who}: {self.month:%B %Y}"

    @property
    def subject(self) -> str:
        return self.organisation.name if self.organisation_id else "The whole programme"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
