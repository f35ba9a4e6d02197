"""Django admin for the national QI data (commitments, theories, the measure set). Day-to-day
editing of change theories happens on the theory pages, which keep versions and audit entries."""

from django.contrib import admin

from culture_of_care.improvement.models import (
    ChangeTheory,
    Commitment,
    DriverNode,
    Measure,
    PDSACycle,
)


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["number", "short_label", "commitment"]


class DriverNodeInline(admin.TabularInline):
    model = DriverNode
    fields = ["kind", "code", "text", "order"]
    extra = 0


@admin.register(ChangeTheory)
class ChangeTheoryAdmin(admin.ModelAdmin):
    list_display = ["title", "level", "version", "status", "published_at"]
    list_filter = ["level", "status"]
    inlines = [DriverNodeInline]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "type", "kind", "improvement", "chart_type", "organisation"]
    list_filter = ["type", "kind", "chart_type", "disaggregated"]
    search_fields = ["name", "code"]


# --- history (issue 16 item 2): PDSA cycles can be corrected in the admin; the history page
# of each cycle shows those edits with the editor's name, as for edits on the site.
@admin.register(PDSACycle)
class PDSACycleAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "status", "ward", "organisation"]
    list_filter = ["status"]
    search_fields = ["title"]
    raw_id_fields = [
        "organisation",
        "ward",
        "change_idea",
        "previous",
        "created_by",
        "participants",
    ]


# --- end history ---
