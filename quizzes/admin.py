"""Admin for quizzes: definitions are read-mostly (they come from the curriculum files,
so edits belong there), attempts and responses are read-only records for superusers.
The classes are small so the teacher-scoped admin can extend them (querysets scoped to
a teacher's classes)."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from quizzes.kinds import get_kind
from quizzes.models import Attempt, Choice, Question, Quiz, Response, RubricLevel


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ["order", "key", "kind", "skill", "points", "published"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "key",
        "lesson",
        "mastery_percent",
        "attempts_allowed",
        "counting_attempt",
        "show_answers",
        "time_limit_minutes",
        "published",
    ]
    list_filter = ["published", "show_answers"]
    search_fields = ["key", "title"]
    readonly_fields = ["key", "lesson"]
    inlines = [QuestionInline]


class ChoiceInline(ReadOnlyInline):
    model = Choice
    fields = ["order", "key", "role", "text", "match_text", "is_correct", "verdict"]
    readonly_fields = fields


class RubricLevelInline(ReadOnlyInline):
    model = RubricLevel
    fields = ["points", "description"]
    readonly_fields = fields


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Questions are edited in curriculum/modules/*/quiz.yaml and loaded with
    load_curriculum; here they can be read, and unpublished in an emergency."""

    list_display = ["key", "quiz", "order", "kind", "skill", "points", "published"]
    list_filter = ["quiz", "kind", "skill", "published"]
    search_fields = ["key", "prompt_html"]
    list_select_related = ["quiz"]
    fields = [
        "quiz",
        "key",
        "order",
        "kind",
        "skill",
        "section",
        "source",
        "excerpt",
        "prompt_html",
        "explanation_html",
        "points",
        "claim",
        "statement_is_true",
        "sample_answers",
        "published",
    ]
    readonly_fields = [f for f in fields if f != "published"]
    inlines = [ChoiceInline, RubricLevelInline]

    def has_add_permission(self, request):
        return False


class ResponseInline(ReadOnlyInline):
    model = Response
    fields = [
        "slot",
        "question_key",
        "kind",
        "answer_text",
        "score",
        "max_score",
        "saved_at",
    ]
    readonly_fields = fields

    @admin.display(description="answer")
    def answer_text(self, obj: Response) -> str:
        # Plain text; the admin escapes it, so a student's markup shows as typed.
        return get_kind(obj.kind).describe_answer(obj.shown, obj.answer)


class SuperuserOnly:
    """Attempts are students' work: only superusers see them here for now."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = [
        "user",
        "quiz",
        "number",
        "status",
        "score",
        "max_score",
        "percent",
        "started_at",
        "submitted_at",
    ]
    list_filter = ["status", "quiz"]
    search_fields = ["user__username"]
    list_select_related = ["user", "quiz"]
    date_hierarchy = "started_at"
    inlines = [ResponseInline]


@admin.register(Response)
class ResponseAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["attempt", "slot", "question_key", "kind", "score", "max_score"]
    list_filter = ["kind"]
    search_fields = ["question_key", "attempt__user__username"]
    list_select_related = ["attempt__user", "attempt__quiz"]
    fields = [
        "attempt",
        "slot",
        "question_key",
        "kind",
        "shown_question",
        "answer_text",
        "version",
        "saved_at",
        "score",
        "max_score",
        "teacher_comment",
        "graded_by",
        "graded_at",
    ]
    readonly_fields = fields

    @admin.display(description="question as shown")
    def shown_question(self, obj: Response) -> str:
        # The prompt was sanitised at load time; the options are plain text.
        options = obj.shown.get("options") or obj.shown.get("items") or []
        return format_html(
            "{}<ul>{}</ul>",
            mark_safe(obj.shown.get("prompt_html", "")),  # noqa: S308 - sanitised at load
            format_html_join("", "<li>{}</li>", ((o["text"],) for o in options)),
        )

    @admin.display(description="answer")
    def answer_text(self, obj: Response) -> str:
        return get_kind(obj.kind).describe_answer(obj.shown, obj.answer)
