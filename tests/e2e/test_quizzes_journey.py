"""Quizzes in a real browser, on desktop and phone widths: every question kind end to
end (start, answer, reload and see the answers kept, submit, review), ordering and
matching with the keyboard alone, the plain form without JavaScript, and a second tab
that is out of date. Every page is checked with axe and for CSP violations.

Screenshots go to $QUIZ_SCREENSHOTS when it is set (e.g. /tmp/shots)."""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from quizzes.models import Attempt, Response
from tests.e2e.conftest import DESKTOP, PHONE, check_accessibility
from tests.quizzes.conftest import FIXTURE_ROOT
from tests.quizzes.helpers import SHORT_TEXT

SHOTS = os.environ.get("QUIZ_SCREENSHOTS")
PASSWORD = "kigali-hills-1994"
VIEWPORTS = pytest.mark.parametrize(
    "viewport", [DESKTOP, PHONE], ids=["desktop", "phone"]
)


def shoot(page, name: str, viewport) -> None:
    """A full-page screenshot; on a phone also in screen-sized pieces, which are
    easier to read."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    width = "phone" if viewport == PHONE else "desktop"
    page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    if viewport == PHONE:
        height = page.evaluate("document.documentElement.scrollHeight")
        for n, top in enumerate(range(0, height, 1200), start=1):
            clip = {
                "x": 0,
                "y": top,
                "width": PHONE["width"],
                "height": min(1200, height - top),
            }
            page.screenshot(
                path=f"{SHOTS}/{name}-phone-{n}.png", full_page=True, clip=clip
            )


@pytest.fixture
def fixture_quiz(transactional_db, django_user_model):
    call_command("load_curriculum", root=FIXTURE_ROOT, stdout=StringIO())
    django_user_model.objects.create_user(username="keza", password=PASSWORD)


def sign_in(page, visit, username="keza"):
    visit("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def start(page, visit):
    visit("/quizzes/fixture/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/attempts/*/")
    check_accessibility(page)
    return Attempt.objects.get()


def responses(attempt):
    return {r.kind: r for r in Response.objects.filter(attempt=attempt)}


def answer_everything_right(page, attempt):
    """Answer each kind the way a student would, with the right answers."""
    rows = responses(attempt)
    single = rows["single_choice"]
    page.locator(f"#q{single.slot}-{single.answer_key['correct'][0]}").check()
    multiple = rows["multiple_choice"]
    for option in multiple.answer_key["correct"]:
        page.locator(f"#q{multiple.slot}-{option}").check()
    truefalse = rows["true_false"]
    page.get_by_role("group", name=f"Question {truefalse.slot}").get_by_label(
        "False"
    ).check()
    ordering = rows["ordering"]
    for position, item in enumerate(ordering.answer_key["order"], start=1):
        page.locator(f"#q{ordering.slot}-{item}").select_option(str(position))
    matching = rows["matching"]
    for row, option in matching.answer_key["pairs"].items():
        page.locator(f"#q{matching.slot}-{row}").select_option(option)
    claim = rows["claim_evidence"]
    for piece, verdict in claim.answer_key["verdicts"].items():
        page.locator(f"#q{claim.slot}-{piece}-{verdict}").check()
    page.get_by_label("Your answer").fill(SHORT_TEXT)
    page.get_by_label("Your answer").blur()


def expect_everything_kept(page, attempt):
    rows = responses(attempt)
    single = rows["single_choice"]
    expect(
        page.locator(f"#q{single.slot}-{single.answer_key['correct'][0]}")
    ).to_be_checked()
    multiple = rows["multiple_choice"]
    for option in multiple.answer_key["correct"]:
        expect(page.locator(f"#q{multiple.slot}-{option}")).to_be_checked()
    expect(page.locator(f"#q{rows['true_false'].slot}-false")).to_be_checked()
    ordering = rows["ordering"]
    for position, item in enumerate(ordering.answer_key["order"], start=1):
        expect(page.locator(f"#q{ordering.slot}-{item}")).to_have_value(str(position))
    matching = rows["matching"]
    for row, option in matching.answer_key["pairs"].items():
        expect(page.locator(f"#q{matching.slot}-{row}")).to_have_value(option)
    claim = rows["claim_evidence"]
    for piece, verdict in claim.answer_key["verdicts"].items():
        expect(page.locator(f"#q{claim.slot}-{piece}-{verdict}")).to_be_checked()
    expect(page.get_by_label("Your answer")).to_have_value(SHORT_TEXT)


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
def test_every_kind_end_to_end(page, visit, fixture_quiz, viewport):
    page.set_viewport_size(viewport)
    visit("/quizzes/fixture/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The library question: reading the evidence"
    )
    expect(page.get_by_role("link", name="Sign in to start")).to_be_visible()
    shoot(page, "quiz-anonymous", viewport)
    sign_in(page, visit)
    attempt = start(page, visit)
    expect(page.locator("section.question")).to_have_count(7)
    expect(
        page.get_by_text("Your answers are saved automatically as you go.")
    ).to_be_visible()
    shoot(page, "attempt-empty", viewport)

    answer_everything_right(page, attempt)
    expect(page.locator("[data-save-status]", has_text="Saved at")).to_have_count(7)
    expect(page.locator("[data-answered-count]")).to_have_text("7")
    check_accessibility(page)
    shoot(page, "attempt-answered", viewport)

    page.reload()
    check_accessibility(page)
    expect_everything_kept(page, attempt)

    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/review/")
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The library question: reading the evidence"
    )
    expect(page.locator(".result-card")).to_contain_text("Awaiting grading")
    expect(page.get_by_text("SINGLE-EXPLANATION-MARKER")).to_be_visible()
    expect(
        page.get_by_role("link", name="Read the section again: The minutes").first
    ).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    shoot(page, "review", viewport)

    attempt.refresh_from_db()
    assert attempt.score == 6 and attempt.status == "submitted"

    visit("/quizzes/fixture/")
    expect(page.get_by_role("table")).to_contain_text("Awaiting grading")
    shoot(page, "quiz-history", viewport)


@pytest.mark.django_db(transaction=True)
def test_ordering_and_matching_with_the_keyboard_alone(page, visit, fixture_quiz):
    page.set_viewport_size(DESKTOP)
    sign_in(page, visit)
    attempt = start(page, visit)
    rows = responses(attempt)
    ordering, matching = rows["ordering"], rows["matching"]
    shown = [item["id"] for item in ordering.shown["items"]]
    right = ordering.answer_key["order"]

    # Tab from the question before into the first position select.
    page.locator(f"#q{rows['true_false'].slot}-true").focus()
    page.keyboard.press("Tab")
    expect(page.locator(f"#q{ordering.slot}-{shown[0]}")).to_be_focused()
    for index, item in enumerate(shown):
        target = right.index(item) + 1
        for _ in range(target):  # from "–", each Down moves one position on,
            page.keyboard.press("ArrowDown")  # through taken ones on the way
        expect(page.locator(f"#q{ordering.slot}-{item}")).to_have_value(str(target))
        if index < len(shown) - 1:
            page.keyboard.press("Tab")
    expect(
        page.locator(f"#question-{ordering.slot} [data-save-status]")
    ).to_contain_text("Saved at")
    preview = page.locator(f"#question-{ordering.slot} [data-order-preview-list] li")
    texts = {i["id"]: i["text"] for i in ordering.shown["items"]}
    expect(preview).to_have_text([texts[i] for i in right])

    # Two items at one position is not saved, and the page says why.
    first, second = shown[0], shown[1]
    kept = page.locator(f"#q{ordering.slot}-{first}").input_value()
    taken = page.locator(f"#q{ordering.slot}-{second}").input_value()
    page.locator(f"#q{ordering.slot}-{first}").focus()
    page.keyboard.type(taken)
    status = page.locator(f"#question-{ordering.slot} [data-save-status]")
    expect(status).to_contain_text(f"two items are at position {taken}")
    page.keyboard.press("Home")  # back to "–", then down to where it was
    for _ in range(int(kept)):
        page.keyboard.press("ArrowDown")
    expect(status).to_contain_text("Saved at")
    ordering.refresh_from_db()
    assert ordering.answer == right

    options = [o["id"] for o in matching.shown["options"]]
    page.locator(f"#q{matching.slot}-{matching.shown['rows'][0]['id']}").focus()
    for index, row in enumerate(matching.shown["rows"]):
        wanted = options.index(matching.answer_key["pairs"][row["id"]]) + 1
        for _ in range(wanted):
            page.keyboard.press("ArrowDown")
        expect(page.locator(f"#q{matching.slot}-{row['id']}")).to_have_value(
            matching.answer_key["pairs"][row["id"]]
        )
        if index < len(matching.shown["rows"]) - 1:
            page.keyboard.press("Tab")
    expect(
        page.locator(f"#question-{matching.slot} [data-save-status]")
    ).to_contain_text("Saved at")
    check_accessibility(page)
    matching.refresh_from_db()
    assert matching.answer == matching.answer_key["pairs"]


@pytest.mark.django_db(transaction=True)
def test_the_plain_form_works_without_javascript(browser, live_server, fixture_quiz):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("keza")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/quizzes/fixture/")
    page.get_by_role("button", name="Start the quiz").click()
    # The test server shares one SQLite connection with this thread: read the
    # database only once the page has finished loading.
    page.wait_for_url("**/attempts/*/")
    attempt = Attempt.objects.get()
    expect(
        page.get_by_text("Save your answers with the button at the bottom")
    ).to_be_visible()
    rows = responses(attempt)
    page.locator(f"#q{rows['true_false'].slot}-false").check()
    page.get_by_label("Your answer").fill("Written without JavaScript.")
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("status")).to_contain_text("Your answers were saved at")
    expect(page.locator(f"#q{rows['true_false'].slot}-false")).to_be_checked()
    # (No axe check here: it needs JavaScript. The same markup is checked above.)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".result-card")).to_contain_text("Awaiting grading")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_second_tab_that_is_out_of_date_is_told_so(
    page, visit, fixture_quiz, context
):
    page.set_viewport_size(DESKTOP)
    sign_in(page, visit)
    attempt = start(page, visit)
    other = context.new_page()
    other.goto(page.url)
    single = responses(attempt)["single_choice"]
    right = single.answer_key["correct"][0]
    wrong = next(o["id"] for o in single.shown["options"] if o["id"] != right)

    page.locator(f"#q{single.slot}-{right}").check()
    expect(page.locator(f"#question-{single.slot} [data-save-status]")).to_contain_text(
        "Saved at"
    )
    other.locator(f"#q{single.slot}-{wrong}").check()
    expect(other.get_by_role("alert")).to_contain_text("This page is out of date")
    check_accessibility(other)
    other.get_by_role("link", name="Reload the page").click()
    expect(other.locator(f"#q{single.slot}-{right}")).to_be_checked()
    single.refresh_from_db()
    assert single.answer == right


@pytest.mark.django_db(transaction=True)
def test_a_time_limit_is_shown_and_kept_by_the_server(page, visit, fixture_quiz):
    from quizzes.models import Quiz

    Quiz.objects.filter(key="fixture").update(time_limit_minutes=20)
    page.set_viewport_size(DESKTOP)
    sign_in(page, visit)
    visit("/quizzes/fixture/")
    expect(page.get_by_text("You have 20 minutes once you start.")).to_be_visible()
    start(page, visit)
    expect(page.locator("[data-timer-left]")).to_contain_text(
        re.compile(r"\(19:5\d left\)")
    )
    check_accessibility(page)
