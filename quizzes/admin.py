"""Admin for quizzes: definitions are read-mostly (they come from the curriculum files,
so edits belong there), attempts and responses are read-only records for superusers.
The classes are small so the teacher-scoped admin (classrooms/admin.py, which may
import classes) can extend them: it registers subclasses whose querysets are scoped
to a teacher's students."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils import timezone
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


def local_time(value) -> str:
    """A moment as the admin lists and the CSV exports show it."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def points(value) -> str:
    """Points without trailing zeros: 2, 1.5."""
    return "" if value is None else format(value.normalize(), "f")


def shown_options(shown: dict) -> list[str]:
    """The texts of a question's options, items or pairs, in the order shown."""
    texts = []
    for part in ("rows", "items", "options", "evidence"):
        texts.extend(
            entry.get("text", "")
            for entry in shown.get(part) or []
            if isinstance(entry, dict)
        )
    return texts


@admin.register(Attempt)
class AttemptAdmin(SuperuserOnly, admin.ModelAdmin):
    """Attempts, read-only. Every column is a method returning text, so the CSV
    export writes exactly what the list shows."""

    list_display = [
        "student",
        "quiz_title",
        "number",
        "status_label",
        "score_text",
        "percent_text",
        "started",
        "submitted",
    ]
    list_filter = ["status", "quiz", "submitted_at"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user", "quiz"]
    date_hierarchy = "started_at"
    empty_value_display = "—"
    fields = [
        "student",
        "quiz",
        "number",
        "status_label",
        "score_text",
        "percent_text",
        "mastery_percent",
        "started",
        "submitted",
        "is_auto_submitted",
        "graded",
        "answer_review",
    ]
    readonly_fields = fields

    @admin.display(description="student", ordering="user__username")
    def student(self, obj: Attempt) -> str:
        return str(obj.user)

    @admin.display(description="quiz", ordering="quiz__key")
    def quiz_title(self, obj: Attempt) -> str:
        return obj.quiz.title

    @admin.display(description="status", ordering="status")
    def status_label(self, obj: Attempt) -> str:
        return obj.get_status_display()

    @admin.display(description="score", ordering="score")
    def score_text(self, obj: Attempt) -> str:
        if obj.score is None:
            return ""
        return f"{points(obj.score)} of {points(obj.max_score)}"

    @admin.display(description="percent", ordering="percent")
    def percent_text(self, obj: Attempt) -> str:
        return "" if obj.percent is None else f"{points(obj.percent)}%"

    @admin.display(description="started", ordering="started_at")
    def started(self, obj: Attempt) -> str:
        return local_time(obj.started_at)

    @admin.display(description="submitted", ordering="submitted_at")
    def submitted(self, obj: Attempt) -> str:
        return local_time(obj.submitted_at)

    @admin.display(description="graded")
    def graded(self, obj: Attempt) -> str:
        return local_time(obj.graded_at)

    @admin.display(description="answers, as the student saw the questions")
    def answer_review(self, obj: Attempt) -> str:
        """Each question from the attempt's snapshot (never today's content), the
        student's answer, its points and any comment. One query."""
        questions = [
            {
                "response": response,
                "options": shown_options(response.shown),
                "answer": get_kind(response.kind).describe_answer(
                    response.shown, response.answer
                ),
                # Sanitised when the curriculum was loaded.
                "prompt_html": mark_safe(response.shown.get("prompt_html", "")),  # nosec B308 B703 # noqa: S308
                "score": points(response.score),
                "max_score": points(response.max_score),
            }
            for response in obj.responses.select_related("graded_by").order_by("slot")
        ]
        return render_to_string(
            "admin/quizzes/attempt/review.html", {"questions": questions}
        )


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
            mark_safe(obj.shown.get("prompt_html", "")),  # nosec B308 B703 # noqa: S308 - sanitised at load
            format_html_join("", "<li>{}</li>", ((o["text"],) for o in options)),
        )

    @admin.display(description="answer")
    def answer_text(self, obj: Response) -> str:
        return get_kind(obj.kind).describe_answer(obj.shown, obj.answer)
