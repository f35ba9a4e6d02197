from django.contrib import admin

from wards.models import ServiceType, Ward


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "service_type", "beds", "status"]
    list_filter = ["status", "service_type"]
    search_fields = ["name", "code", "organisation__name"]
    raw_id_fields = ["organisation", "qi_coach"]


admin.site.register(ServiceType)
