from django.contrib import admin

from culture_of_care.tokens.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Admins can see and revoke tokens; nobody can read one back (only its hash is stored)."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "status"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request) -> bool:
        return False
