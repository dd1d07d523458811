from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import LoginThrottle, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "Display and first sign-in",
            {"fields": ("display_name", "must_change_password")},
        ),
    )
    list_display = ("username", "display_name", "is_staff", "is_active", "last_login")
    search_fields = ("username", "display_name", "first_name", "last_name")


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Locked or failing usernames; deleting a row (or the action) unlocks it."""

    list_display = ("username", "failure_count", "first_failure_at", "locked_until")
    search_fields = ("username",)
    readonly_fields = ("username", "failure_count", "first_failure_at", "locked_until")
    actions = ["unlock"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(
        description="Unlock sign-in for the selected usernames", permissions=["delete"]
    )
    def unlock(self, request, queryset) -> None:
        count, _ = queryset.delete()
        self.message_user(request, f"Unlocked {count} username(s).", messages.SUCCESS)
