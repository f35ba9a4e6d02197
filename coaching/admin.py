from django.contrib import admin

from coaching.models import (
    Action,
    CoachingRhythm,
    CoachingSession,
    CoachPair,
    CoachProfile,
    Executive,
    WardCoachAssignment,
)


@admin.register(CoachProfile)
class CoachProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "employer"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]


@admin.register(WardCoachAssignment)
class WardCoachAssignmentAdmin(admin.ModelAdmin):
    list_display = ["ward", "coach", "starts_on", "ends_on"]
    raw_id_fields = ["ward", "coach", "organisation"]


@admin.register(CoachPair)
class CoachPairAdmin(admin.ModelAdmin):
    list_display = ["organisation", "lived_experience_coach", "board_coach", "starts_on", "ends_on"]
    raw_id_fields = ["organisation", "lived_experience_coach", "board_coach"]


@admin.register(Executive)
class ExecutiveAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "organisation", "started_on"]
    raw_id_fields = ["organisation", "user", "coach_pair"]


@admin.register(CoachingSession)
class CoachingSessionAdmin(admin.ModelAdmin):
    """Listing only: no confidential content is shown here."""

    list_display = ["date", "kind", "organisation", "ward", "duration_minutes", "status"]
    list_filter = ["kind", "status"]
    fields = ["kind", "organisation", "ward", "date", "duration_minutes", "status"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["due_on", "status", "organisation", "ward"]
    list_filter = ["status"]
    fields = ["organisation", "ward", "due_on", "status"]
    readonly_fields = fields


admin.site.register(CoachingRhythm)
