"""Every lesson-side page in a real browser, on desktop and phone widths, with the
real curriculum loaded: axe-clean and without CSP violations (the `visit` fixture).
Set LESSON_SCREENSHOTS=/some/folder to keep a full-page screenshot of each."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lessons.models import Section
from tests.e2e.conftest import DESKTOP, PHONE, check_accessibility, sign_in
from tests.lessons.conftest import REAL_CURRICULUM, load_into_db

SHOTS = os.environ.get("LESSON_SCREENSHOTS")
VIEWPORTS = pytest.mark.parametrize(
    "viewport", [DESKTOP, PHONE], ids=["desktop", "phone"]
)


@pytest.fixture
def real_course(transactional_db):
    load_into_db(REAL_CURRICULUM)
    first = Section.objects.filter(lesson__key="warnings").order_by("order").first()
    return {"first_section": first.key}


def shoot(page, name: str, viewport) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = "phone" if viewport == PHONE else "desktop"
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


PAGES = [
    ("lessons", "/lessons/", "Lessons"),
    ("lesson", "/lessons/warnings/", "Warnings"),
    ("section", "/lessons/warnings/{first_section}/", None),
    ("print", "/lessons/warnings/print/", "Warnings"),
    ("sources", "/sources/", "Sources"),
    ("source", "/sources/dallaire-cable-january-1994/", None),
    ("timeline", "/timeline/", "Timeline"),
    ("who-knew", "/timeline/who-knew/?date=1994-04-21", "Who knew what, when"),
    ("people", "/people/", "People"),
    ("glossary", "/glossary/", "Glossary"),
    ("search", "/search/?q=Dallaire", "Search"),
]


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
@pytest.mark.parametrize(("name", "path", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_accessibly(
    page, visit, real_course, viewport, name, path, heading
):
    page.set_viewport_size(viewport)
    visit(path.format(**real_course))
    h1 = page.get_by_role("heading", level=1)
    expect(h1).to_have_count(1)
    if heading:
        expect(h1).to_have_text(heading)
    shoot(page, name, viewport)


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
def test_teacher_view_of_a_lesson_with_its_activity_is_accessible(
    page, visit, live_server, real_course, teacher, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "ms_habimana", "teacher-pass-phrase")
    visit("/lessons/secretariat/")
    expect(page.get_by_role("heading", name="Teacher guide")).to_be_visible()
    expect(page.get_by_text("Reveal · teachers only").first).to_be_visible()
    shoot(page, "lesson-teacher", viewport)


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
def test_bad_filters_give_a_readable_message(page, visit, real_course, viewport):
    page.set_viewport_size(viewport)
    visit("/sources/?type=fax&date_from=1994-02-30", expect_status=400)
    expect(page.get_by_role("alert")).to_contain_text("We couldn't use that filter.")
    visit("/search/?q=" + "x" * 150, expect_status=400)
    expect(page.get_by_role("alert")).to_contain_text("That search is too long.")


@pytest.mark.django_db(transaction=True)
def test_source_filters_work_without_javascript(browser, live_server, real_course):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/sources/")
    page.get_by_label("Type of document").select_option("resolution")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(
        f"{live_server.url}/sources/?type=resolution&institution=&date_from=&date_to="
    )
    expect(page.get_by_role("status")).to_contain_text("match your filter")
    titles = page.locator(".source-card .source-type")
    for text in titles.all_inner_texts():
        assert text.lower() == "resolution"
    context.close()


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
def test_student_reads_two_sections_and_resumes(
    page, visit, live_server, real_course, student, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "amara", "a-long-pass-phrase")
    visit("/lessons/warnings/")
    page.get_by_role("link", name="Start reading", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    first_title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Mark as read and continue").click()
    expect(page.get_by_text("Section 2 of")).to_be_visible()
    second_title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Mark as read and continue").click()
    expect(page.get_by_text("Section 3 of")).to_be_visible()
    third_title = page.get_by_role("heading", level=1).inner_text()
    check_accessibility(page)

    page.reload()
    visit("/lessons/")
    card = page.locator(".lesson-card").first
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "40")
    expect(card).to_contain_text("2 of 5 sections read")
    shoot(page, "lessons-progress", viewport)
    card.get_by_role("link", name="Resume").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(third_title)

    visit("/lessons/warnings/")
    contents = page.locator(".toc").first
    expect(contents.locator(".is-read")).to_have_count(2)
    expect(contents.locator(".is-read").first).to_contain_text(first_title)
    expect(contents.locator(".is-read").nth(1)).to_contain_text(second_title)
    expect(
        page.get_by_role("link", name=f"Resume: {third_title}").first
    ).to_be_visible()
    shoot(page, "lesson-progress", viewport)


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
def test_term_explanation_opens_and_closes_by_keyboard(
    page, visit, real_course, viewport
):
    page.set_viewport_size(viewport)
    visit("/lessons/secretariat/who-reported-to-whom/")
    term = page.locator("button.term-button", has_text="Force Commander").first
    expect(term).to_have_attribute("aria-expanded", "false")
    term.focus()
    page.keyboard.press("Enter")
    popover = page.locator(".term-popover")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text("The officer in command of a UN peacekeeping")
    expect(term).to_have_attribute("aria-expanded", "true")
    check_accessibility(page)
    shoot(page, "term-open", viewport)
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)
    expect(term).to_be_focused()
    expect(term).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Space")
    expect(page.locator(".term-popover")).to_be_visible()
    page.keyboard.press("Space")
    expect(page.locator(".term-popover")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_term_links_lead_to_the_glossary_without_javascript(
    browser, live_server, real_course
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/lessons/secretariat/who-reported-to-whom/")
    page.locator("a.term-ref", has_text="Force Commander").first.click()
    expect(page).to_have_url(f"{live_server.url}/glossary/#term-force-commander")
    expect(page.locator("#term-force-commander")).to_contain_text("Force Commander")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_print_view_hides_the_navigation(page, visit, real_course):
    visit("/lessons/warnings/print/")
    expect(page.get_by_role("button", name="Print this packet")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav[aria-label='Main']")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this packet")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".packet-section").first).to_be_visible()
    if SHOTS:
        page.pdf(path=f"{SHOTS}/print-packet.pdf")
        shoot(page, "print-media", DESKTOP)
