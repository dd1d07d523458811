"""Every class page in a real browser, desktop and phone, on the demo class (the real
curriculum and `seed_demo`): axe-clean and without CSP violations (`visit`).
Screenshots of each go to /tmp/shots/classrooms/ to be looked at."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from classrooms.demo import STUDENT_PASSWORD, TEACHER_PASSWORD, TEACHER_USERNAME
from classrooms.models import Assignment, Classroom
from tests.e2e.conftest import DESKTOP, PHONE, sign_in
from tests.e2e.conftest import shoot as shoot_in

SHOTS = Path("/tmp/shots/classrooms")
VIEWPORTS = pytest.mark.parametrize(
    "viewport", [DESKTOP, PHONE], ids=["desktop", "phone"]
)


@pytest.fixture
def demo(transactional_db):
    call_command("load_curriculum", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    classroom = Classroom.objects.get(owner__username=TEACHER_USERNAME)
    return {
        "classroom": classroom,
        "assignment": Assignment.objects.filter(
            classroom=classroom, for_whole_class=True
        ).first(),
    }


def shoot(page, name: str, viewport) -> None:
    shoot_in(page, SHOTS, name, viewport)


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
def test_teacher_pages(page, visit, live_server, demo, viewport):
    page.set_viewport_size(viewport)
    page.on("dialog", lambda dialog: dialog.accept())
    classroom, assignment = demo["classroom"], demo["assignment"]
    sign_in(page, live_server, TEACHER_USERNAME, TEACHER_PASSWORD)
    pages = [
        ("teach", "/teach/", "Your classes"),
        ("class", f"/teach/classes/{classroom.pk}/", classroom.name),
        ("roster", f"/teach/classes/{classroom.pk}/roster/", classroom.name),
        ("roster-add", f"/teach/classes/{classroom.pk}/roster/add/", classroom.name),
        ("co-teachers", f"/teach/classes/{classroom.pk}/co-teachers/", classroom.name),
        ("class-edit", f"/teach/classes/{classroom.pk}/edit/", classroom.name),
        ("class-new", "/teach/classes/new/", "New class"),
        ("assign", f"/teach/classes/{classroom.pk}/assign/", classroom.name),
        (
            "assignment-edit",
            f"/teach/assignments/{assignment.pk}/edit/",
            classroom.name,
        ),
        (
            "extensions",
            f"/teach/assignments/{assignment.pk}/extensions/",
            classroom.name,
        ),
    ]
    for name, path, heading in pages:
        visit(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        shoot(page, name, viewport)

    # Reset two passwords: the login cards page, on screen and as printed.
    visit(f"/teach/classes/{classroom.pk}/roster/")
    page.locator('input[name="students"]').nth(0).check()
    page.locator('input[name="students"]').nth(1).check()
    page.get_by_role(
        "button", name="Reset passwords and print cards for the selected students"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(classroom.name)
    expect(page.locator(".login-card")).to_have_count(2)
    shoot(page, "login-cards", viewport)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print 2 login cards")).to_be_hidden()
    expect(page.locator(".login-card").first).to_be_visible()
    shoot(page, "login-cards-print", viewport)
    page.emulate_media(media="screen")


@pytest.mark.django_db(transaction=True)
@VIEWPORTS
def test_student_pages(page, visit, live_server, demo, viewport, django_user_model):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "demo_kezam", STUDENT_PASSWORD)
    for name, path in [("my-work", "/my-work/"), ("home-student", "/")]:
        visit(path)
        expect(page.get_by_role("heading", level=1)).to_have_text("My work")
        expect(page.get_by_role("heading", name=demo["classroom"].name)).to_be_visible()
        shoot(page, name, viewport)
    visit("/classes/join/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join a class")
    page.get_by_label("Class code").fill("ZZZ ZZZ")
    page.get_by_role("button", name="Join the class").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("No class has that code")
    shoot(page, "join-refused", viewport)

    django_user_model.objects.create_user(username="loner", password="loner-pass-1994")
    page.context.clear_cookies()
    sign_in(page, live_server, "loner", "loner-pass-1994")
    visit("/my-work/")
    expect(
        page.get_by_role("heading", name="You're not in a class yet")
    ).to_be_visible()
    shoot(page, "my-work-no-class", viewport)

    # A student whose password a teacher set is first asked to choose their own.
    carded = django_user_model.objects.get(username="demo_aminau")
    carded.must_change_password = True
    carded.save()
    page.context.clear_cookies()
    sign_in(page, live_server, "demo_aminau", STUDENT_PASSWORD)
    visit("/accounts/password/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Choose your own password"
    )
    shoot(page, "first-password", viewport)
