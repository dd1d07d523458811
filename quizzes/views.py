"""Quiz pages: the quiz, an attempt, saving and submitting it, and its review.

Views parse the request, call one service or selector, and render. Every refusal is a
4xx page (or JSON for the autosave script) with a sentence, and stores nothing."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from quizzes import selectors
from quizzes.forms import AnswersForm
from quizzes.models import Attempt, Response, ShowAnswers
from quizzes.services import (
    AttemptClosed,
    AttemptExpired,
    AttemptsExhausted,
    QuizError,
    QuizUnavailable,
    StalePage,
    finalise_expired_attempt,
    is_past_deadline,
    save_answers,
    start_attempt,
    submit_attempt,
)


def answers_post_only(view):
    """POST only, with a sentence for anyone who opens the address directly."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(
                ["POST"],
                content="This address only takes answers sent from the quiz page. "
                "Go back to the quiz and use its buttons.",
                content_type="text/plain; charset=utf-8",
            )
        return view(request, *args, **kwargs)

    return wrapper


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _clock(moment) -> str:
    return f"{date_format(moment, 'H:i:s')} UTC"


@require_safe
def quiz_detail(request: HttpRequest, quiz_key: str) -> HttpResponse:
    quiz = selectors.published_quiz(quiz_key)
    return _render_detail(request, quiz)


def _render_detail(
    request: HttpRequest, quiz, *, error: str = "", status: int = 200
) -> HttpResponse:
    attempts = selectors.attempts_for_user(request.user, quiz)
    now = timezone.now()
    expired = [a for a in attempts if a.is_in_progress and is_past_deadline(a, now)]
    for attempt in expired:
        finalise_expired_attempt(attempt=attempt, now=now)
    if expired:
        attempts = selectors.attempts_for_user(request.user, quiz)
    return render(
        request,
        "quizzes/detail.html",
        {
            "quiz": quiz,
            "standing": selectors.standing_for(quiz, attempts),
            "skills": selectors.skills_for_quiz(quiz),
            "policy": selectors.policy_sentences(quiz),
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def start(request: HttpRequest, quiz_key: str) -> HttpResponse:
    quiz = selectors.published_quiz(quiz_key)
    try:
        attempt = start_attempt(user=request.user, quiz=quiz)
    except (AttemptsExhausted, QuizUnavailable) as refusal:
        return _render_detail(request, quiz, error=refusal.message, status=409)
    return redirect(attempt.get_absolute_url(), permanent=False)


@never_cache
@login_required
@require_safe
def attempt_page(request: HttpRequest, quiz_key: str, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(request.user, quiz_key, attempt_id)
    if attempt.is_in_progress and finalise_expired_attempt(attempt=attempt):
        messages.info(
            request,
            "Time ran out for this attempt. The answers you saved before the time "
            "limit have been submitted and graded.",
        )
    if not attempt.is_in_progress:
        return redirect("quizzes:review", quiz_key, attempt.pk)
    responses = selectors.responses_for(attempt)
    return _render_attempt(request, attempt, responses)


def _render_attempt(
    request: HttpRequest,
    attempt: Attempt,
    responses: list[Response],
    *,
    form: AnswersForm | None = None,
    banner: str = "",
    status: int = 200,
) -> HttpResponse:
    questions = selectors.attempt_questions(
        responses,
        posted=form.posted if form is not None and form.errors else None,
        errors=form.errors if form is not None else None,
    )
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": questions,
            "answered": sum(r.answer is not None for r in responses),
            "form": form,
            "banner": banner,
        },
        status=status,
    )


def _refused(
    request: HttpRequest, attempt: Attempt, refusal: QuizError, *, status: int = 409
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {
                "error": refusal.message,
                "stale": isinstance(refusal, StalePage),
                "closed": isinstance(refusal, AttemptClosed | AttemptExpired),
                "review_url": attempt.get_absolute_url(),
            },
            status=status,
        )
    return render(
        request,
        "quizzes/refused.html",
        {"attempt": attempt, "quiz": attempt.quiz, "message": refusal.message},
        status=status,
    )


def _invalid(
    request: HttpRequest, attempt: Attempt, responses: list[Response], form: AnswersForm
) -> HttpResponse:
    if form.form_error:
        message = form.form_error
    elif form.error_count == 1:
        message = "One answer needs fixing before anything can be saved."
    else:
        message = (
            f"{form.error_count} answers need fixing before anything can be saved."
        )
    if _wants_json(request):
        return JsonResponse(
            {"error": message, "errors": {str(k): v for k, v in form.errors.items()}},
            status=400,
        )
    return _render_attempt(
        request, attempt, responses, form=form, banner=message, status=400
    )


@login_required
@answers_post_only
def save(request: HttpRequest, quiz_key: str, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(request.user, quiz_key, attempt_id)
    if not attempt.is_in_progress:
        return _refused(request, attempt, AttemptClosed())
    responses = selectors.responses_for(attempt)
    form = AnswersForm(responses, request.POST)
    if not form.is_valid():
        return _invalid(request, attempt, responses, form)
    try:
        result = save_answers(attempt=attempt, changes=form.changes)
    except StalePage as refusal:
        return _stale(request, attempt, refusal)
    except (AttemptClosed, AttemptExpired) as refusal:
        return _refused(request, attempt, refusal)
    if _wants_json(request):
        return JsonResponse(
            {
                "saved_at": result.saved_at.isoformat(),
                "saved_at_display": _clock(result.saved_at),
                "versions": {str(k): v for k, v in result.versions.items()},
            }
        )
    messages.success(request, f"Your answers were saved at {_clock(result.saved_at)}.")
    return redirect("quizzes:attempt", quiz_key, attempt.pk)


def _stale(request: HttpRequest, attempt: Attempt, refusal: StalePage) -> HttpResponse:
    if _wants_json(request):
        return _refused(request, attempt, refusal)
    # Show the answers as they are now stored, with the reason at the top.
    return _render_attempt(
        request,
        attempt,
        selectors.responses_for(attempt),
        banner=refusal.message,
        status=409,
    )


@login_required
@answers_post_only
def submit(request: HttpRequest, quiz_key: str, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(request.user, quiz_key, attempt_id)
    responses = selectors.responses_for(attempt)
    form = AnswersForm(responses, request.POST)
    if not form.is_valid():
        if not attempt.is_in_progress:
            return _refused(request, attempt, AttemptClosed())
        return _invalid(request, attempt, responses, form)
    try:
        attempt = submit_attempt(attempt=attempt, changes=form.changes)
    except StalePage as refusal:
        return _stale(request, attempt, refusal)
    except (AttemptClosed, AttemptExpired) as refusal:
        return _refused(request, attempt, refusal)
    return redirect("quizzes:review", quiz_key, attempt.pk)


@never_cache
@login_required
@require_safe
def review(request: HttpRequest, quiz_key: str, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_for_user(request.user, quiz_key, attempt_id)
    if attempt.is_in_progress and not finalise_expired_attempt(attempt=attempt):
        return redirect("quizzes:attempt", quiz_key, attempt.pk)
    quiz = attempt.quiz
    now = timezone.now()
    # Only the "after the due date" policy needs the due date (and its queries).
    due_at = (
        selectors.due_at_for(request.user, quiz)
        if quiz.show_answers == ShowAnswers.AFTER_DUE
        else None
    )
    reveal = selectors.can_see_answers(attempt, now=now, due_at=due_at)
    attempts = selectors.attempts_for_user(request.user, quiz)
    responses = selectors.responses_for(attempt)
    return render(
        request,
        "quizzes/review.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "questions": selectors.review_questions(responses, reveal=reveal),
            "so_far": selectors.points_so_far(responses),
            "reveal": reveal,
            "standing": selectors.standing_for(quiz, attempts),
        },
    )
