from rest_framework import serializers, viewsets

from culture_of_care.identifiers import ODS_CODE_PATTERN
from organisations.models import Organisation


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
