import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html

from accounts.models import AuditEntry, LoginThrottle, User

# Ids above this overflow the database's integer (a 500 on SQLite).
MAX_ID = 2**63 - 1
SELECTION_REFUSED = (
    "Some of the selected rows are not in this list: they may have been deleted, "
    "or they are not yours to open. Nothing was done; go back to the list and "
    "choose again."
)


def admin_refusal(
    model_admin,
    request,
    *,
    title: str,
    sentences: list[str],
    status: int,
    back_url: str = "",
    back_label: str = "",
) -> TemplateResponse:
    """A page in the admin that says, in sentences, why nothing was done, with a
    link back (by default to the page posted from: the list, with its filters)."""
    request.current_app = model_admin.admin_site.name
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "sentences": sentences,
        "opts": model_admin.opts,
        "back_url": back_url or request.get_full_path(),
        "back_label": back_label,
    }
    return TemplateResponse(request, "admin/refusal.html", context, status=status)


class SelectionInScopeMixin:
    """An action runs on exactly the rows posted, or not at all. Django quietly drops
    the selected ids that are not in the list's queryset (another teacher's rows,
    rows deleted since, ids typed by hand) and runs the action on the rest: an empty
    CSV, a reset of fewer attempts than chosen. Here such a request is refused whole
    with 404 and a sentence, and "not yours" answers as "doesn't exist", so ids
    reveal nothing. One query (a count) before the action."""

    def response_action(self, request, queryset, *args, **kwargs):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if selected and not self._selection_in(queryset, selected):
            return admin_refusal(
                self,
                request,
                title="Nothing was done",
                sentences=[SELECTION_REFUSED],
                status=404,
            )
        return super().response_action(request, queryset, *args, **kwargs)

    def _selection_in(self, queryset, selected: list[str]) -> bool:
        ids = set()
        for value in selected:
            try:
                pk = self.opts.pk.to_python(value)
            except ValidationError:
                return False
            if pk is None or (isinstance(pk, int) and not 0 < pk <= MAX_ID):
                return False
            ids.add(pk)
        return queryset.filter(pk__in=ids).count() == len(ids)


@admin.register(User)
class UserAdmin(SelectionInScopeMixin, DjangoUserAdmin):
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
class LoginThrottleAdmin(SelectionInScopeMixin, admin.ModelAdmin):
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
class AuditEntryAdmin(SelectionInScopeMixin, admin.ModelAdmin):
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
