from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from culture_of_care.identifiers import ODS_CODE_PATTERN
from organisations import barrier_forms, selectors, services
from organisations.barrier_forms import ACTIONS
from organisations.models import OPEN_BARRIER_STATUSES, Barrier, BarrierStep, Organisation
from wards.models import Ward


class OrganisationSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="get_region_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "ods_code", "name", "region", "region_name", "provider_type", "status"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations the caller may see."""

    serializer_class = OrganisationSerializer
    lookup_field = "ods_code"
    lookup_value_regex = ODS_CODE_PATTERN

    def get_queryset(self):
        return Organisation.objects.visible_to(self.request.user).order_by("name")


class BarrierStepSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = BarrierStep
        fields = [
            "id",
            "kind",
            "note",
            "owner",
            "due_on",
            "linked_idea",
            "linked_cycle",
            "actor",
            "created_at",
        ]
        read_only_fields = fields

    def get_actor(self, step: BarrierStep) -> str | None:
        if not self.context.get("show_names", {}).get(step.barrier_id) or step.actor is None:
            return None
        return step.actor.full_name


class BarrierSerializer(serializers.ModelSerializer):
    """A barrier; who raised and answered it only for those who may see names."""

    organisation = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    ward = serializers.PrimaryKeyRelatedField(queryset=Ward.objects.none())
    raised_by = serializers.SerializerMethodField()
    escalated = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    class Meta:
        model = Barrier
        fields = [
            "id",
            "organisation",
            "ward",
            *Barrier.RAISED_FIELDS,
            "status",
            "raised_by",
            "raised_at",
            "last_step_at",
            "plan_owner",
            "plan_due_on",
            "plan_text",
            "linked_idea",
            "linked_cycle",
            "outcome",
            "closed_at",
            "escalated_at",
            "escalated",
            "steps",
        ]
        read_only_fields = [f for f in fields if f not in {"ward", *Barrier.RAISED_FIELDS}]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "ward" in self.fields:
            self.fields["ward"].queryset = Ward.objects.visible_to(request.user)
            from culture_of_care.improvement.models import ChangeIdea, PDSACycle

            self.fields["blocked_idea"].queryset = ChangeIdea.objects.visible_to(request.user)
            self.fields["blocked_cycle"].queryset = PDSACycle.objects.visible_to(request.user)

    def _show_names(self, barrier: Barrier) -> bool:
        cache = self.context.setdefault("show_names", {})
        if barrier.id not in cache:
            cache[barrier.id] = selectors.can_see_names(self.context["request"].user, barrier)
        return cache[barrier.id]

    def get_raised_by(self, barrier: Barrier) -> str | None:
        if not self._show_names(barrier) or barrier.raised_by is None:
            return None
        return barrier.raised_by.full_name

    def get_escalated(self, barrier: Barrier) -> bool:
        return barrier.is_escalated()

    def get_steps(self, barrier: Barrier) -> list[dict[str, Any]]:
        self._show_names(barrier)
        return BarrierStepSerializer(barrier.steps.all(), many=True, context=self.context).data


class BarrierStepInputSerializer(serializers.Serializer):
    step = serializers.ChoiceField(
        choices=["acknowledge", "plan", "link", "resolve", "cannot-change", "escalate"]
    )


class BarrierViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Barriers the caller may see. Ward team members and QI coaches raise them (POST);
    organisation leads take steps on them (POST ``{id}/steps/`` with ``step`` and the step's
    fields, as on the pages). Filters: ``status`` (open, closed or a status), ``ward``,
    ``organisation`` (ODS code), ``escalated=true``."""

    serializer_class = BarrierSerializer

    def get_queryset(self):
        barriers = (
            Barrier.objects.visible_to(self.request.user)
            .select_related("organisation", "raised_by")
            .prefetch_related(
                "commitments",
                Prefetch(
                    "steps",
                    queryset=BarrierStep.objects.visible_to(self.request.user).select_related(
                        "actor"
                    ),
                ),
            )
            .order_by("-raised_at", "-id")
        )
        params = self.request.query_params
        status = params.get("status")
        if status == "open":
            barriers = barriers.open()
        elif status == "closed":
            barriers = barriers.exclude(status__in=OPEN_BARRIER_STATUSES)
        elif status:
            barriers = barriers.filter(status=status)
        if params.get("ward", "").isdigit():
            barriers = barriers.filter(ward_id=int(params["ward"]))
        if params.get("organisation"):
            barriers = barriers.filter(organisation__ods_code=params["organisation"].upper())
        if params.get("escalated") == "true":
            barriers = barriers.escalated()
        return barriers

    def perform_create(self, serializer: BarrierSerializer) -> None:
        data = serializer.validated_data
        ward = data["ward"]
        if not selectors.can_raise(self.request.user, ward):
            raise PermissionDenied("Barriers are raised by the ward's team and its QI coach.")
        try:
            serializer.instance = services.barrier_raise(
                actor=self.request.user,
                ward=ward,
                title=data["title"],
                description=data["description"],
                kind=data["kind"],
                impact=data["impact"],
                commitments=data.get("commitments", []),
                blocked_idea=data.get("blocked_idea"),
                blocked_cycle=data.get("blocked_cycle"),
                with_lived_experience=data.get("with_lived_experience", False),
            )
        except DjangoValidationError as error:
            raise ValidationError(_errors(error)) from error

    @extend_schema(request=BarrierStepInputSerializer, responses=BarrierSerializer)
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, pk: str | None = None) -> Response:
        barrier = self.get_object()
        if not selectors.can_act(request.user, barrier):
            raise PermissionDenied("Barriers are acted on by the organisation's middle-tier team.")
        chosen = BarrierStepInputSerializer(data=request.data)
        chosen.is_valid(raise_exception=True)
        step = ACTIONS[chosen.validated_data["step"]]
        kwargs: dict[str, Any] = {}
        if step.form is barrier_forms.LinkForm:
            ideas, cycles = selectors.middle_tier_choices(barrier.organisation, request.user)
            kwargs = {"ideas": ideas, "cycles": cycles}
        form = step.form(request.data, **kwargs)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        try:
            services.barrier_take_step(
                actor=request.user, barrier=barrier, step=step.slug, data=form.cleaned_data
            )
        except DjangoValidationError as error:
            raise ValidationError(_errors(error)) from error
        fresh = self.get_queryset().get(pk=barrier.pk)
        return Response(self.get_serializer(fresh).data, status=201)


def _errors(error: DjangoValidationError) -> Any:
    return error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
