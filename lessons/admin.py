"""Reading progress in the admin: read-only records, for administrators here. The
teacher-scoped admin (classrooms/admin.py) registers subclasses limited to a
teacher's students; lessons itself knows nothing of classes."""

from django.contrib import admin
from django.utils import timezone

from lessons.models import LessonProgress, SectionProgress


def local_time(value) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class ReadOnlyRecord(admin.ModelAdmin):
    """Students' records: nobody adds, changes or deletes them here."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnlyRecord):
    list_display = [
        "student",
        "lesson",
        "percent_text",
        "started",
        "completed",
        "last_visited",
    ]
    list_filter = ["lesson", "completed_at", "started_at"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user", "lesson"]
    date_hierarchy = "started_at"
    fields = [
        "student",
        "lesson",
        "sections_completed",
        "percent_text",
        "started",
        "completed",
        "last_visited",
        "last_section",
    ]
    readonly_fields = fields

    @admin.display(description="student", ordering="user__username")
    def student(self, obj) -> str:
        return str(obj.user)

    @admin.display(description="read", ordering="percent")
    def percent_text(self, obj) -> str:
        return f"{obj.percent}%"

    @admin.display(description="started", ordering="started_at")
    def started(self, obj) -> str:
        return local_time(obj.started_at)

    @admin.display(description="completed", ordering="completed_at")
    def completed(self, obj) -> str:
        return local_time(obj.completed_at)

    @admin.display(description="last visited", ordering="last_visited_at")
    def last_visited(self, obj) -> str:
        return local_time(obj.last_visited_at)


@admin.register(SectionProgress)
class SectionProgressAdmin(ReadOnlyRecord):
    list_display = ["student", "lesson", "section", "opened", "completed"]
    list_filter = ["section__lesson", "completed_at", "opened_at"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user", "section__lesson"]
    date_hierarchy = "opened_at"
    fields = ["student", "lesson", "section", "opened", "completed"]
    readonly_fields = fields

    @admin.display(description="student", ordering="user__username")
    def student(self, obj) -> str:
        return str(obj.user)

    @admin.display(description="lesson", ordering="section__lesson__number")
    def lesson(self, obj) -> str:
        return str(obj.section.lesson)

    @admin.display(description="opened", ordering="opened_at")
    def opened(self, obj) -> str:
        return local_time(obj.opened_at)

    @admin.display(description="completed", ordering="completed_at")
    def completed(self, obj) -> str:
        return local_time(obj.completed_at)
