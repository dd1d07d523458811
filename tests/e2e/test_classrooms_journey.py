"""The issue's "done when", in a real browser: a teacher creates a class, imports a
roster of 30 names, prints login cards and assigns two modules with due dates; a
student joins with the code, sees both assignments with the right statuses, reads,
takes a quiz and sees the status change; an extension moves one student's due date
and their late flag follows. A roster student signs in with their card and chooses a
password."""

from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import create_teacher
from lessons.models import Section
from tests.e2e.conftest import check_accessibility

KIGALI = ZoneInfo("Africa/Kigali")
NAMES = [
    "Amina Uwase", "Keza Mugisha", "Jean-Paul Habimana", "Grace Ingabire",
    "Eric Niyonzima", "Diane Umutoni", "Samuel Okafor", "María González",
    "Liam O'Brien", "Sofia Rossi", "Noah Cohen", "Aisha Bello", "Chen Wei",
    "Priya Sharma", "Lucas Martin", "Fatou Diop", "Mateo Silva", "Hannah Schmidt",
    "Yusuf Demir", "Emma Dubois", "Kwame Mensah", "Olivia Brown", "Inès Haddad",
    "Tomás Novák", "Zara Ahmed", "Claude Nsengiyumva", "Alice Mukamana",
    "David Levi", "Nadia Rahman", "Pierre Kagame",
]  # fmt: skip


def local_input(days: int, hour: int) -> str:
    """A datetime-local value `days` from now at `hour`:00, Kigali time."""
    moment = timezone.localtime(timezone.now(), KIGALI) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def sign_in(page, visit, username: str, password: str) -> None:
    visit("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def work_card(page, title: str):
    """The first card with this title: the class's assignment comes before
    self-study."""
    return (
        page.locator("article.work-card")
        .filter(has=page.get_by_role("heading", name=title, exact=True))
        .first
    )


def assign(page, visit, class_url: str, lesson: str, opens: str, due: str) -> None:
    visit(f"{class_url}assign/")
    page.locator("#id_lesson").select_option(label=lesson)
    page.locator("#id_opens_at").fill(opens)
    page.locator("#id_due_at").fill(due)
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Assigned")


@pytest.mark.django_db(transaction=True)
def test_teacher_and_student_journey(page, visit, live_server, django_user_model):
    call_command("load_curriculum", stdout=StringIO())
    create_teacher(username="ms_habimana", password="teacher-pass-phrase")
    django_user_model.objects.create_user(
        username="keza_2026", password="kigali-hills-1994"
    )
    page.on("dialog", lambda dialog: dialog.accept())

    # --- The teacher creates a class --------------------------------------------------
    sign_in(page, visit, "ms_habimana", "teacher-pass-phrase")
    visit("/teach/")
    page.get_by_role("link", name="Create your first class").click()
    page.get_by_label("Class name").fill("World History 10")
    page.get_by_label("Section or period").fill("Period 3")
    page.get_by_label("School year").fill("2026–27")
    page.get_by_label("Time zone").select_option("Africa/Kigali")
    page.get_by_role("button", name="Create the class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("World History 10")
    check_accessibility(page)
    class_url = page.url.removeprefix(live_server.url)
    code = page.locator(".join-code").inner_text()

    # ... imports a roster of 30 names and gets their login cards ...
    page.get_by_role("link", name="Students", exact=True).click()
    page.get_by_role("link", name="Add students", exact=True).click()
    page.get_by_label("Paste names, one per line").fill("\n".join(NAMES))
    page.get_by_role("button", name="Add students and make login cards").click()
    expect(page.locator(".login-card")).to_have_count(30)
    check_accessibility(page)
    first_card = page.locator(".login-card").first
    card_name = first_card.locator("h3").inner_text()
    card_username = first_card.locator("dd").nth(1).inner_text()
    card_password = first_card.locator("dd").nth(2).inner_text()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print 30 login cards")).to_be_hidden()
    expect(page.locator(".login-card").nth(29)).to_be_visible()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Done: back to the students").click()
    expect(page.get_by_role("heading", name="Students (30)")).to_be_visible()

    # ... and assigns two modules: one due next week, one already past due.
    assign(
        page, visit, class_url, "1. Warnings", local_input(-1, 8), local_input(6, 17)
    )
    assign(
        page, visit, class_url, "2. The Secretariat's filter",
        local_input(-4, 8), local_input(-1, 17),
    )  # fmt: skip
    expect(page.locator("article.assignment-card")).to_have_count(2)
    sign_out(page)

    # --- A student joins with the code ------------------------------------------------
    sign_in(page, visit, "keza_2026", "kigali-hills-1994")
    visit("/classes/join/")
    page.get_by_label("Class code").fill(code.lower())
    page.get_by_role("button", name="Join the class").click()
    expect(page.get_by_role("status")).to_contain_text("You joined World History 10")
    check_accessibility(page)
    warnings = work_card(page, "Warnings")
    secretariat = work_card(page, "The Secretariat's filter")
    expect(warnings.locator(".badge.state-not_started")).to_be_visible()
    expect(warnings.locator(".badge.is-late")).to_have_count(0)
    expect(secretariat.locator(".badge.state-not_started")).to_be_visible()
    expect(secretariat.locator(".badge.is-late")).to_have_text("Late")

    # ... reads the first module ...
    sections = list(
        Section.objects.filter(lesson__key="warnings", published=True)
        .order_by("order")
        .values_list("key", flat=True)
    )
    warnings.get_by_role("link", name="Start reading").click()
    visit(f"/lessons/warnings/{sections[0]}/")
    for _ in sections[:-1]:
        page.get_by_role("button", name="Mark as read and continue").click()
        page.wait_for_load_state()
    page.get_by_role("button", name="Mark as read and finish").click()
    page.wait_for_load_state()
    visit("/my-work/")
    warnings = work_card(page, "Warnings")
    expect(warnings.locator(".badge.state-in_progress")).to_be_visible()
    expect(warnings.locator(".work-bar-label").first).to_contain_text("100%")
    expect(warnings.get_by_role("link", name="Take the quiz")).to_be_visible()

    # ... takes its quiz ...
    warnings.get_by_role("link", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    page.locator("section.question").first.locator("input").first.check()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()
    check_accessibility(page)

    # ... and sees the status change.
    visit("/my-work/")
    warnings = work_card(page, "Warnings")
    expect(warnings.locator(".badge.state-completed")).to_have_text("Completed")
    expect(warnings.locator(".work-score")).to_contain_text("Score that counts")
    expect(warnings.locator(".badge.is-late")).to_have_count(0)
    sign_out(page)

    # --- An extension moves one student's due date; the late flag follows ------------
    sign_in(page, visit, "ms_habimana", "teacher-pass-phrase")
    visit(class_url)
    page.get_by_role("link", name="Extensions for The Secretariat's filter").click()
    page.get_by_label("Student").select_option(label="keza_2026")
    page.get_by_label("New due date").fill(local_input(2, 17))
    page.get_by_label("Reason").fill("Joined the class late")
    page.get_by_role("button", name="Save extension").click()
    expect(page.get_by_role("status")).to_contain_text("Extension saved for keza_2026")
    check_accessibility(page)
    sign_out(page)

    sign_in(page, visit, "keza_2026", "kigali-hills-1994")
    visit("/my-work/")
    secretariat = work_card(page, "The Secretariat's filter")
    expect(secretariat.locator(".badge.is-late")).to_have_count(0)
    expect(secretariat).to_contain_text("(your extended date)")
    sign_out(page)

    # --- A roster student signs in with their card and chooses a password -----------
    sign_in(page, visit, card_username, card_password)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Choose your own password"
    )
    check_accessibility(page)
    page.locator("#id_new_password1").fill("my-own-pass-phrase-7")
    page.locator("#id_new_password2").fill("my-own-pass-phrase-7")
    page.get_by_role("button", name="Save my password").click()
    page.wait_for_load_state()
    visit("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_role("heading", name="World History 10")).to_be_visible()
    expect(
        work_card(page, "Warnings").locator(".badge.state-not_started")
    ).to_be_visible()
    assert card_name in NAMES
