from django.contrib import admin

from culture_of_care.accounts.models import Invitation, RoleAssignment, User


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
