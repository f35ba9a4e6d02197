from django.contrib import admin

from organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["ods_code", "name", "region", "provider_type", "status"]
    list_filter = ["region", "provider_type", "status"]
    search_fields = ["ods_code", "name"]
