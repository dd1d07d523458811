import json

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html

from accounts.models import AuditEntry, LoginThrottle, User


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


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only: who did what to whose record, when and why. Here for
    administrators; the teacher-scoped admin (classrooms/admin.py) shows a teacher
    the entries about their students and their own actions."""

    list_display = ("created_at", "actor", "action", "subject", "summary")
    list_filter = ("action", "created_at")
    search_fields = ("subject", "summary", "actor__username")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "actor",
        "action",
        "subject",
        "summary",
        "reason",
        "details_text",
    )
    readonly_fields = fields

    @admin.display(description="details")
    def details_text(self, obj: AuditEntry) -> str:
        return format_html(
            '<pre class="audit-details">{}</pre>',
            json.dumps(obj.details, indent=2, ensure_ascii=False),
        )

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
