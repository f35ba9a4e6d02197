from django.contrib import admin

from organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["ods_code", "name", "region", "provider_type", "status"]
    list_filter = ["region", "provider_type", "status"]
    search_fields = ["ods_code", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        """Organisations leave the programme by status (closed, merged, withdrawn), never by
        deletion, which would take their programme data and its history with them."""
        return False
