"""Every quiz of the real course in a real browser, on desktop and phone widths: the
quiz page, an attempt with every question (long excerpts, long matching options), and
the review after submitting. axe-clean and without CSP violations.

Screenshots go to $QUIZ_SCREENSHOTS when it is set."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, check_accessibility
from tests.e2e.test_quizzes_journey import PASSWORD, shoot, sign_in

COURSE = Path(settings.BASE_DIR) / "curriculum"
QUIZZES = sorted(
    path.parent.name.split("-", 1)[1] for path in COURSE.glob("modules/*/quiz.yaml")
)


@pytest.fixture
def course(transactional_db, django_user_model):
    call_command("load_curriculum", root=COURSE, stdout=StringIO())
    django_user_model.objects.create_user(username="keza", password=PASSWORD)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("quiz_key", QUIZZES)
def test_each_course_quiz_renders_accessibly(page, visit, course, viewport, quiz_key):
    page.set_viewport_size(viewport)
    sign_in(page, visit)
    visit(f"/quizzes/{quiz_key}/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    shoot(page, f"course-{quiz_key}-quiz", viewport)
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/attempts/*/")
    check_accessibility(page)
    count = page.locator("section.question").count()
    assert 10 <= count <= 15, count
    shoot(page, f"course-{quiz_key}-attempt", viewport)
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/review/")
    check_accessibility(page)
    expect(page.locator("section.question")).to_have_count(count)
    shoot(page, f"course-{quiz_key}-review", viewport)
