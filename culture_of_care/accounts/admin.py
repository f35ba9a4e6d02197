from django.contrib import admin

from culture_of_care.accounts.models import Invitation, RoleAssignment, SSODomain, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["organisation", "ward"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "lived_experience", "is_active"]
    search_fields = ["email", "full_name"]
    inlines = [RoleAssignmentInline]
    exclude = ["password"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "accepted_at", "sent_at"]
    exclude = ["token_hash"]


@admin.register(SSODomain)
class SSODomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "organisation", "allowed_by", "created_at"]
    search_fields = ["domain", "organisation__name", "organisation__ods_code"]
    raw_id_fields = ["organisation"]
    exclude = ["allowed_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.allowed_by = request.user
        super().save_model(request, obj, form, change)
