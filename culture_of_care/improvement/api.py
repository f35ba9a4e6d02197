"""The QI method over the REST API: read projects, change ideas, cycles, measures and data
points the caller may see, and upsert data points in bulk where the caller may change them."""

from __future__ import annotations

import contextlib
from datetime import date

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from culture_of_care.access import Domain
from culture_of_care.identifiers import MAX_ID
from culture_of_care.improvement import services
from culture_of_care.improvement.data_entry import Entry
from culture_of_care.improvement.models import (
    ChangeIdea,
    DataPoint,
    Measure,
    PDSACycle,
    Project,
)
from culture_of_care.improvement.services import DataEntryError
from culture_of_care.periods import month_start
from culture_of_care.uploads import cap_problems
from wards.models import Ward


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = [
            "id",
            "organisation",
            "ward",
            "kind",
            "title",
            "aim_what",
            "aim_how_much",
            "aim_by_when",
            "change_theory",
            "measures",
        ]


class ChangeIdeaSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeIdea
        fields = [
            "id",
            "organisation",
            "ward",
            "project",
            "title",
            "description",
            "origin",
            "national_node",
            "drivers",
            "status",
        ]


class PDSACycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PDSACycle
        fields = [
            "id",
            "organisation",
            "ward",
            "change_idea",
            "number",
            "previous",
            "title",
            "purpose",
            "status",
            "objective",
            "questions",
            "predictions",
            "planned_start",
            "planned_end",
            "started_on",
            "carried_out_as_planned",
            "what_happened",
            "observations",
            "results",
            "learning",
            "decision",
            "next_step",
            "abandon_reason",
            "decided_on",
            "involvement",
        ]


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = [
            "id",
            "code",
            "name",
            "type",
            "definition",
            "kind",
            "numerator_label",
            "denominator_label",
            "multiplier",
            "improvement",
            "frequency",
            "target",
            "chart_type",
            "disaggregated",
            "uses_bed_days",
            "organisation",
            "project",
        ]


class DataPointSerializer(serializers.ModelSerializer):
    measure_code = serializers.CharField(source="measure.code", read_only=True)

    class Meta:
        model = DataPoint
        fields = [
            "id",
            "organisation",
            "ward",
            "measure",
            "measure_code",
            "period_start",
            "equity_group",
            "numerator",
            "denominator",
            "updated_at",
        ]


class BulkRowSerializer(serializers.Serializer):
    ward = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of a ward whose data you may change"
    )
    measure = serializers.CharField(
        max_length=100, help_text="Measure id, or the code of a national measure"
    )
    period_start = serializers.DateField(
        help_text="Any day of the month; stored as the 1st. Not a month in the future."
    )
    numerator = serializers.CharField(
        max_length=30,
        help_text="A number of at least 0 (a count, or a rate's numerator).",
    )
    denominator = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=30,
        help_text="For rates: more than 0 and at least the numerator; bed days at most the "
        "ward's beds times the days in the month.",
    )
    equity_group = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=50,
        help_text="Blank for the whole ward, or an ethnicity group code.",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why an unusual value is right (needed for implausibly few bed days)",
    )


class BulkSerializer(serializers.Serializer):
    data_points = BulkRowSerializer(
        many=True, allow_empty=False, max_length=settings.UPLOAD_MAX_ROWS
    )


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(min_value=0)
    updated = serializers.IntegerField(min_value=0)
    unchanged = serializers.IntegerField(min_value=0)


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Ward and middle-tier projects the caller may see."""

    serializer_class = ProjectSerializer

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .prefetch_related("measures")
            .order_by("id")
        )


class ChangeIdeaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ChangeIdeaSerializer

    def get_queryset(self):
        return (
            ChangeIdea.objects.visible_to(self.request.user)
            .prefetch_related("drivers")
            .order_by("id")
        )


class PDSACycleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PDSACycleSerializer

    def get_queryset(self):
        return PDSACycle.objects.visible_to(self.request.user).order_by("id")


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """The national measure set and the local measures the caller may see."""

    serializer_class = MeasureSerializer

    def get_queryset(self):
        return Measure.objects.visible_to(self.request.user).order_by("order", "id")


class DataPointViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly values. Filter with ?ward=, ?measure=, ?from=YYYY-MM-DD and ?to=YYYY-MM-DD."""

    serializer_class = DataPointSerializer

    def get_queryset(self):
        points = (
            DataPoint.objects.visible_to(self.request.user)
            .select_related("measure")
            .order_by("ward_id", "measure_id", "period_start", "equity_group")
        )
        params = self.request.query_params
        for name, lookup in (("ward", "ward_id"), ("measure", "measure_id")):
            if params.get(name, "").isdigit():
                points = points.filter(**{lookup: int(params[name])})
        for name, lookup in (("from", "period_start__gte"), ("to", "period_start__lte")):
            if params.get(name):
                with contextlib.suppress(ValueError):
                    points = points.filter(**{lookup: date.fromisoformat(params[name])})
        return points

    @extend_schema(
        request=BulkSerializer,
        responses={
            200: BulkResultSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Nothing was saved (all or nothing). A body that breaks the rules "
                "above answers with the problems keyed by field (data_points[index].field); "
                "rows naming a ward you may not change, an unknown measure or values that fail "
                'the checks answer {"errors": [...]}, each naming its row.',
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk", serializer_class=BulkSerializer)
    def bulk(self, request: Request) -> Response:
        """Create or update many values at once: all are saved, or none (with every problem)."""
        payload = BulkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rows = payload.validated_data["data_points"]
        wards = {
            w.id: w
            for w in Ward.objects.where_may_change(request.user, Domain.QI).filter(
                id__in={r["ward"] for r in rows}
            )
        }
        measures = list(Measure.objects.visible_to(request.user).filter(is_active=True))
        by_id = {str(m.id): m for m in measures}
        by_code = {m.code: m for m in measures if m.is_national and m.code}
        entries, errors = [], []
        for index, row in enumerate(rows):
            where = f"data_points[{index}]"
            ward = wards.get(row["ward"])
            if ward is None:
                errors.append(f"{where}: you cannot change data for ward {row['ward']}.")
                continue
            measure = by_id.get(row["measure"]) or by_code.get(row["measure"])
            if measure is None or (
                measure.organisation_id and measure.organisation_id != ward.organisation_id
            ):
                errors.append(f"{where}: unknown measure {row['measure']}.")
                continue
            entries.append(
                Entry(
                    ward,
                    measure,
                    month_start(row["period_start"]),
                    row["numerator"],
                    row.get("denominator"),
                    group=row.get("equity_group") or "",
                    where=where,
                    note=row.get("note") or "",
                )
            )
        if errors:
            return Response({"errors": cap_problems(errors)}, status=status.HTTP_400_BAD_REQUEST)
        try:
            result = services.data_points_save(entries=entries, actor=request.user)
        except DataEntryError as exc:
            return Response(
                {"errors": cap_problems(exc.problems)}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(
            {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
            status=status.HTTP_200_OK,
        )
