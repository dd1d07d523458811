"""The admin as a teacher, in a real browser on the demo class (the real curriculum
and `seed_demo`), desktop and phone: the index shows "Your classes", the class page
its summary and the Progress tool, and two short answers are graded in the queue
with the page's script (no reload). Every page is axe-checked and CSP-clean. Three
axe rules are switched off on admin pages because they fail on Django's own markup,
not ours: the tabular inline's inputs have column headers but no labels ("label",
"select-name"), and the filter_horizontal widget puts aria-label on a span
("aria-prohibited-attr"). Screenshots go to /tmp/shots/b/."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from classrooms.demo import TEACHER_PASSWORD, TEACHER_USERNAME
from classrooms.models import Classroom
from quizzes.models import AttemptStatus, Response
from tests.e2e.conftest import AXE_SOURCE, AXE_TAGS, DESKTOP, PHONE, sign_in
from tests.e2e.conftest import shoot as shoot_in

SHOTS = Path("/tmp/shots/b")
VIEWPORTS = pytest.mark.parametrize(
    "viewport", [DESKTOP, PHONE], ids=["desktop", "phone"]
)


@pytest.fixture
def demo(demo_class):
    return demo_class


DJANGO_MARKUP_RULES = ("label", "select-name", "aria-prohibited-attr")


@pytest.fixture
def visit(page, live_server, problems):
    """Open an admin path, wait for it, and check its accessibility (axe, WCAG 2.2
    A/AA, no serious or critical violations) but for DJANGO_MARKUP_RULES."""

    def _visit(path: str):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        page.evaluate(AXE_SOURCE)
        options = {
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "rules": {rule: {"enabled": False} for rule in DJANGO_MARKUP_RULES},
        }
        result = page.evaluate("options => axe.run(document, options)", options)
        serious = [
            {"id": v["id"], "targets": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert serious == [], f"{page.url}\n" + json.dumps(serious, indent=2)
        return response

    return _visit


def shoot(page, name: str, viewport) -> None:
    shoot_in(page, SHOTS, name, viewport)


def waiting_question(classroom) -> str:
    """A short-answer question of the demo class with at least two answers to grade."""
    keys = list(
        Response.objects.filter(
            kind="short_answer",
            score__isnull=True,
            answer__isnull=False,
            attempt__status=AttemptStatus.SUBMITTED,
            attempt__user__enrollments__classroom=classroom,
        ).values_list("question_key", flat=True)
    )
    return next(key for key in keys if keys.count(key) >= 2)


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
def test_teacher_grades_two_answers_without_leaving_the_page(
    page, visit, live_server, demo, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, TEACHER_USERNAME, TEACHER_PASSWORD)

    visit("/admin/")
    expect(page.get_by_role("heading", name="Your classes")).to_be_visible()
    expect(page.locator(".class-card").first).to_contain_text(demo.name)
    shoot(page, "index", viewport)

    visit(f"/admin/classrooms/classroom/{demo.pk}/change/")
    expect(page.get_by_role("link", name="Progress", exact=True)).to_be_visible()
    visit("/admin/classrooms/classroom/")
    expect(page.locator("td.field-students").first).to_have_text("25")
    shoot(page, "classes", viewport)

    visit("/admin/grading/")
    shoot(page, "queue", viewport)
    key = waiting_question(demo)
    visit(f"/admin/grading/{key}/")
    page.evaluate("window.notReloaded = true")
    rows = page.locator(".grading-row")
    for index in (0, 1):
        row = rows.nth(index)
        row.get_by_label("Score").select_option(index=2)
        row.get_by_label("Comment for the student (optional)").fill("Well argued.")
        row.get_by_role("button", name="Save grade").click()
        expect(row.locator("[data-grade-state]")).to_contain_text("Graded:")
    assert page.evaluate("window.notReloaded") is True
    shoot(page, "graded", viewport)
    graded = Response.objects.filter(question_key=key, graded_at__isnull=False)
    assert graded.count() >= 2

    # A refused grade is a sentence beside the row, still without a reload.
    row = rows.nth(2) if rows.count() > 2 else rows.nth(0)
    row.locator("select").evaluate(
        "select => { select.options[select.options.length - 1].value = '99'; }"
    )
    row.locator("select").select_option(index=row.locator("option").count() - 1)
    row.get_by_role("button").click()
    expect(row.locator("[data-grade-error]")).to_contain_text("Choose one of")
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.django_db(transaction=True)
def test_admin_lists_and_the_grading_queue_never_scroll_sideways_on_a_phone(
    page, visit, live_server, demo
):
    """At 390×844 the page itself is no wider than the screen (a wide table
    scrolls in its own box), even with a long unbroken class name and quiz title,
    which once widened the grading queue's class menu and its rows."""
    from quizzes.models import Quiz

    Classroom.objects.filter(pk=demo.pk).update(name="Ubumwe" * 16)
    Quiz.objects.update(title="Warnings" * 12)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, TEACHER_USERNAME, TEACHER_PASSWORD)
    for path in [
        "/admin/quizzes/attempt/",
        "/admin/quizzes/response/",
        "/admin/classrooms/classroom/",
        "/admin/grading/",
        f"/admin/grading/{waiting_question(demo)}/",
    ]:
        visit(path)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1], f"{path}: {widths}"
    shoot(page, "question-long-names", PHONE)
