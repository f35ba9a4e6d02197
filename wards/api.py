from rest_framework import serializers, viewsets

from wards.models import Ward


class WardSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    service_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Ward
        fields = [
            "id",
            "organisation",
            "code",
            "name",
            "service_type",
            "beds",
            "status",
            "coaching_start",
            "coaching_end",
        ]


class WardViewSet(viewsets.ReadOnlyModelViewSet):
    """Wards the caller may see."""

    serializer_class = WardSerializer

    def get_queryset(self):
        return (
            Ward.objects.visible_to(self.request.user)
            .select_related("organisation", "service_type")
            .order_by("organisation__name", "name")
        )
