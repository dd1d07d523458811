"""Site-wide pages: home, about, health, and the friendly error pages."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.roles import is_student
from classrooms.views import my_work
from rwanda_edu.middleware import (
    RETRY_AFTER_SECONDS,
    current_database_error,
    database_unavailable_response,
)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The public home page; a signed-in student's home is their "My work"."""
    if is_student(request.user):
        return my_work(request)
    return render(request, "home.html")


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "about.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse(
            {"status": "error", "database": "unavailable"}, status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


def bench_floor(request: HttpRequest) -> HttpResponse:
    """The benchmarks' floor: the cheapest response the stack can give, through the
    same gunicorn, middleware and settings as every page. Routed only when
    DJANGO_BENCH_FLOOR=1."""
    return HttpResponse(b"ok", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # A database outage that escaped DatabaseUnavailableMiddleware (e.g. saving the
    # session on the way out) is still a 503 with its sentence, not a 500.
    if current_database_error() is not None:
        return database_unavailable_response(request)
    # No context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
