"""Read-only API for the risk programme, scoped with ``visible_to`` like every other endpoint.

Audit results are counts of records only (never patient-level data).
"""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import serializers, viewsets

from risk.models import (
    AUDIT_FIELDS,
    CareRecordAudit,
    OrganisationMilestone,
    RiskParticipation,
    SelfAssessment,
    SelfAssessmentRating,
)


class _OrganisationFilterMixin:
    """``?organisation=<ODS code>`` narrows a list to one organisation."""

    def filter_organisation(self, queryset):
        code = self.request.query_params.get("organisation")
        if code:
            queryset = queryset.filter(organisation__ods_code=code.upper())
        return queryset


class RiskParticipationSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    cohort_label = serializers.CharField(source="get_cohort_display", read_only=True)
    adviser = serializers.CharField(
        source="adviser.full_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = RiskParticipation
        fields = [
            "id",
            "organisation",
            "cohort",
            "cohort_label",
            "starts_on",
            "adviser",
            "staff_trained_percent",
            "staff_trained_on",
        ]


class RiskParticipationViewSet(_OrganisationFilterMixin, viewsets.ReadOnlyModelViewSet):
    """Each organisation's place in the risk programme (those the caller may see)."""

    serializer_class = RiskParticipationSerializer

    def get_queryset(self):
        return self.filter_organisation(
            RiskParticipation.objects.visible_to(self.request.user)
            .select_related("organisation", "adviser")
            .order_by("organisation__name")
        )


class RatingSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain.code", read_only=True)
    domain_name = serializers.CharField(source="domain.text", read_only=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = SelfAssessmentRating
        fields = ["domain", "domain_name", "level", "label", "evidence"]


class SelfAssessmentSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    quarter_label = serializers.CharField(read_only=True)
    assessed_by = serializers.CharField(
        source="assessed_by.full_name", read_only=True, default=None
    )
    ratings = RatingSerializer(many=True, read_only=True)

    class Meta:
        model = SelfAssessment
        fields = [
            "id",
            "organisation",
            "quarter",
            "quarter_label",
            "assessed_by",
            "assessed_on",
            "ratings",
        ]


class SelfAssessmentViewSet(_OrganisationFilterMixin, viewsets.ReadOnlyModelViewSet):
    """Quarterly self-assessments with a rating per domain of the risk change theory."""

    serializer_class = SelfAssessmentSerializer

    def get_queryset(self):
        # Ratings are only fetched under the self-assessments scoped below.
        ratings = SelfAssessmentRating.objects.select_related(  # access: allowed (prefetch under scoped rows)
            "domain"
        ).order_by("domain__order", "domain_id")
        return self.filter_organisation(
            SelfAssessment.objects.visible_to(self.request.user)
            .select_related("organisation", "assessed_by")
            .prefetch_related(Prefetch("ratings", queryset=ratings))
            .order_by("organisation__name", "-quarter")
        )


class MilestoneSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    milestone = serializers.CharField(source="milestone.code", read_only=True)
    milestone_name = serializers.CharField(source="milestone.name", read_only=True)

    class Meta:
        model = OrganisationMilestone
        fields = ["id", "organisation", "milestone", "milestone_name", "status", "date", "evidence"]


class MilestoneViewSet(_OrganisationFilterMixin, viewsets.ReadOnlyModelViewSet):
    """Where each organisation stands on each milestone."""

    serializer_class = MilestoneSerializer

    def get_queryset(self):
        return self.filter_organisation(
            OrganisationMilestone.objects.visible_to(self.request.user)
            .select_related("organisation", "milestone")
            .order_by("organisation__name", "milestone__order")
        )


class CareRecordAuditSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    ward = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = CareRecordAudit
        fields = ["id", "organisation", "ward", "audit_date", "sample_size", *AUDIT_FIELDS]


class CareRecordAuditViewSet(_OrganisationFilterMixin, viewsets.ReadOnlyModelViewSet):
    """Care-record audit counts (no patient-level data)."""

    serializer_class = CareRecordAuditSerializer

    def get_queryset(self):
        return self.filter_organisation(
            CareRecordAudit.objects.visible_to(self.request.user)
            .select_related("organisation")
            .order_by("organisation__name", "-audit_date")
        )
