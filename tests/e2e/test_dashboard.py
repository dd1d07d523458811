"""The teacher dashboard in a real browser, desktop and phone, on the demo class:
from the pulse on /teach/ to the students who need attention, a sort, and one
student's page. Every page is axe-clean and free of CSP violations (`visit`)."""

import pytest
from playwright.sync_api import expect

from classrooms.demo import TEACHER_PASSWORD, TEACHER_USERNAME
from classrooms.reports import progress_grid_for_classroom
from tests.e2e.conftest import DESKTOP, PHONE, sign_in

VIEWPORTS = pytest.mark.parametrize(
    "viewport", [DESKTOP, PHONE], ids=["desktop", "phone"]
)


def row_names(page) -> list[str]:
    return page.locator(".progress-grid tbody th[scope=row] a").all_inner_texts()


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
def test_teacher_finds_overdue_students_first_sorts_and_opens_one(
    page, visit, live_server, demo_class, viewport
):
    page.set_viewport_size(viewport)
    grid = progress_grid_for_classroom(demo_class)
    overdue = [
        row for row in grid.rows if row.reasons and row.reasons[0].kind == "overdue"
    ]
    assert overdue, "the demo class has overdue work"
    sign_in(page, live_server, TEACHER_USERNAME, TEACHER_PASSWORD)

    visit("/teach/")
    card = page.locator(".class-card", has_text=demo_class.name)
    expect(card.locator(".class-pulse")).to_contain_text(
        f"{grid.summary.on_track} on track"
    )
    card.get_by_role("link", name=f"{grid.summary.behind} behind").click()
    page.wait_for_load_state()
    visit(page.url.removeprefix(live_server.url))
    expect(page.get_by_role("heading", name="Progress")).to_be_visible()

    # Needs attention first: the overdue students head the grid, said in words.
    names = row_names(page)
    assert names[: len(overdue)] == [row.student.display_name for row in overdue]
    first_row = page.locator(".progress-grid tbody tr").first
    expect(first_row.locator(".grid-attention")).to_contain_text("Overdue")
    expect(first_row.locator(".flag-overdue").first).to_be_visible()

    # Sort by name with a link (no script needed).
    page.get_by_role("link", name="Name", exact=True).click()
    page.wait_for_load_state()
    visit(page.url.removeprefix(live_server.url))
    expect(page.get_by_role("link", name="Name", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    names = row_names(page)
    assert names == [
        row.student.display_name
        for row in progress_grid_for_classroom(demo_class, sort="name").rows
    ]

    # The first overdue student's page: assignments, attempts, reading, skills.
    student = overdue[0].student
    page.get_by_role("link", name=student.display_name, exact=True).click()
    page.wait_for_load_state()
    visit(page.url.removeprefix(live_server.url))
    expect(page.get_by_role("heading", name=student.display_name)).to_be_visible()
    for heading in ("Assignments", "Quiz attempts", "Reading"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
def test_print_view_and_a_student_with_a_skill_chart(
    page, visit, live_server, demo_class, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, TEACHER_USERNAME, TEACHER_PASSWORD)
    visit(f"/teach/classes/{demo_class.pk}/progress/print/")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page.locator(".progress-grid caption")).to_contain_text("Progress of")
    grid = progress_grid_for_classroom(demo_class)
    scored = next(
        row.student for row in grid.rows if any(c.score is not None for c in row.cells)
    )
    visit(f"/teach/classes/{demo_class.pk}/students/{scored.pk}/")
    chart = page.get_by_role("img", name="share of points earned per skill")
    expect(chart).to_be_visible()
    expect(page.locator(".skills-table caption")).to_contain_text("The chart's numbers")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
