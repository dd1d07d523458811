"""The project's admin site: branded, its index arranged for teachers (their classes
first, each with its summary and links), and the grading queue for short written
answers at /admin/grading/ (Moodle's "manual grading", grouped by question)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import urlencode

from accounts.roles import is_teacher
from classrooms.access import classrooms_taught_by
from classrooms.admin_forms import GradeForm
from classrooms.grading import (
    answers_for_question,
    answers_to_grade_by_classroom,
    classrooms_for_admin,
    grading_queue_for_user,
    response_for_grading,
)
from classrooms.reports import summaries_for_classrooms
from quizzes.models import Response
from quizzes.services import GradingError, grade_short_answer

SITE_NAME = "Rwanda 1994: Early Warning and Response"


def url_or_empty(name: str, *args) -> str:
    """A page another part of the site may not have yet: its URL, or ""."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404("No such class")
    return int(value)


class SiteAdmin(admin.AdminSite):
    site_header = SITE_NAME
    site_title = "Rwanda 1994 admin"
    index_title = "Classes, content and progress"
    index_template = "admin/site_index.html"

    # --- Index ----------------------------------------------------------------------

    def index(self, request: HttpRequest, extra_context=None) -> TemplateResponse:
        """The usual index, with "Your classes" first: each class the user teaches
        (not archived) with its summary, its answers to grade and its links. A fixed
        number of queries (classes, the eight of the summaries, one count)."""
        classes = list(
            classrooms_taught_by(request.user)
            .filter(archived_at__isnull=True)
            .order_by("name", "section", "pk")
        )
        summaries = summaries_for_classrooms(classes) if classes else {}
        to_grade = answers_to_grade_by_classroom(classes) if classes else {}
        panel = [
            {
                "classroom": classroom,
                "summary": summaries.get(classroom.pk),
                "to_grade": to_grade.get(classroom.pk, 0),
                "progress_url": url_or_empty("classrooms:progress", classroom.pk),
                "change_url": reverse(
                    "admin:classrooms_classroom_change", args=[classroom.pk]
                ),
                "grading_url": reverse("admin:grading")
                + "?"
                + urlencode({"classroom": classroom.pk}),
            }
            for classroom in classes
        ]
        context = {
            "your_classes": panel,
            "is_teacher": is_teacher(request.user),
            **(extra_context or {}),
        }
        return super().index(request, context)

    # --- Grading queue --------------------------------------------------------------

    def get_urls(self):
        urls = [
            path(
                "grading/",
                self.admin_view(self.grading_queue_view),
                name="grading",
            ),
            path(
                "grading/<slug:question_key>/",
                self.admin_view(self.grading_question_view),
                name="grading_question",
            ),
        ]
        return urls + super().get_urls()

    def _require_teacher(self, request: HttpRequest) -> None:
        if not is_teacher(request.user):
            raise PermissionDenied("Only teachers grade answers.")

    def _filters(self, request: HttpRequest):
        """The class chosen with ?classroom= (one the user may open, else 404)."""
        classroom_id = _int_param(request, "classroom")
        classes = list(classrooms_for_admin(request.user).order_by("name", "pk"))
        if classroom_id is not None and classroom_id not in {c.pk for c in classes}:
            raise Http404("No such class")
        return classroom_id, classes

    def grading_queue_view(self, request: HttpRequest) -> TemplateResponse:
        """The short-answer questions with answers to grade, by question. Queries:
        the classes for the filter and the queue itself."""
        self._require_teacher(request)
        classroom_id, classes = self._filters(request)
        quiz_key = request.GET.get("quiz", "")[:80]
        questions = grading_queue_for_user(
            request.user, classroom_id=classroom_id, quiz_key=quiz_key
        )
        query = urlencode({"classroom": classroom_id} if classroom_id else {})
        context = {
            **self.each_context(request),
            "title": "Grading queue",
            "subtitle": None,
            "questions": questions,
            "classes": classes,
            "classroom_id": classroom_id,
            "quiz_key": quiz_key,
            "query": query,
            "waiting_total": sum(q.waiting for q in questions),
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/grading/queue.html", context)

    def grading_question_view(
        self, request: HttpRequest, question_key: str
    ) -> HttpResponse:
        """One question's written answers beside its rubric and sample answers; a
        POST grades one answer (JSON for the page's script, else back to the page at
        the next answer). Refusals are sentences: beside the row, or 400 JSON."""
        self._require_teacher(request)
        classroom_id, classes = self._filters(request)
        include_graded = request.GET.get("graded") == "1"
        anonymous = request.GET.get("anonymous") == "1"
        errors: dict[int, str] = {}
        status = 200
        if request.method == "POST":
            outcome = self._grade(request, question_key)
            if isinstance(outcome, HttpResponse):
                return outcome
            errors, status = outcome
        page = answers_for_question(
            request.user,
            question_key,
            classroom_id=classroom_id,
            include_graded=include_graded,
            anonymous=anonymous,
        )
        for row in page.rows:
            row.error = errors.get(row.response.pk, "")
        params = {
            key: value
            for key, value in (
                ("classroom", classroom_id),
                ("graded", "1" if include_graded else ""),
                ("anonymous", "1" if anonymous else ""),
            )
            if value
        }
        context = {
            **self.each_context(request),
            "title": f"Grading: {page.question.quiz.title}",
            "subtitle": None,
            "page": page,
            "classes": classes,
            "classroom_id": classroom_id,
            "include_graded": include_graded,
            "anonymous": anonymous,
            "query": urlencode(params),
            "toggle_graded": urlencode(
                {**params, "graded": "" if include_graded else "1"}
            ),
            "toggle_anonymous": urlencode(
                {**params, "anonymous": "" if anonymous else "1"}
            ),
            "queue_url": reverse("admin:grading")
            + (f"?classroom={classroom_id}" if classroom_id else ""),
        }
        request.current_app = self.name
        return TemplateResponse(
            request, "admin/grading/question.html", context, status=status
        )

    def _grade(self, request: HttpRequest, question_key: str):
        """Grade one posted answer. Returns a response (JSON, or a redirect to the
        next answer) or, for a plain form that was refused, the row errors and the
        status to show the page again with."""
        wants_json = request.headers.get("X-Requested-With") == "fetch"
        form = GradeForm(request.POST)
        response_id = request.POST.get("response", "")
        # isdigit() alone accepts "²" (int() then fails: a 500); 18 digits fit
        # the database's integer.
        row_id = (
            int(response_id)
            if response_id.isascii()
            and response_id.isdigit()
            and len(response_id) <= 18
            else 0
        )
        if not form.is_valid():
            message = form.first_error()
            if wants_json or not row_id:
                return JsonResponse({"ok": False, "error": message}, status=400)
            response_for_grading(request.user, row_id, question_key)
            return {row_id: message}, 400
        response = response_for_grading(
            request.user, form.cleaned_data["response"], question_key
        )
        try:
            graded = grade_short_answer(
                response=response,
                grader=request.user,
                points=form.cleaned_data["points"],
                comment=form.cleaned_data["comment"],
            )
        except Response.DoesNotExist:
            # Reset by someone else a moment ago.
            raise Http404("No such answer") from None
        except GradingError as error:
            if wants_json:
                return JsonResponse({"ok": False, "error": error.message}, status=400)
            return {response.pk: error.message}, 400
        attempt = graded.attempt
        attempt.refresh_from_db()
        if wants_json:
            return JsonResponse(
                {
                    "ok": True,
                    "response": graded.pk,
                    "score": format(graded.score.normalize(), "f"),
                    "max_score": format(graded.max_score.normalize(), "f"),
                    "comment": graded.teacher_comment,
                    "attempt_status": attempt.get_status_display(),
                    "attempt_percent": None
                    if attempt.percent is None
                    else format(attempt.percent.normalize(), "f"),
                }
            )
        messages.success(
            request,
            f"Saved {graded.score.normalize():f} of {graded.max_score.normalize():f} "
            f"for {graded.attempt.user}. The next answer is first below.",
        )
        return redirect(request.get_full_path() + "#answers")
