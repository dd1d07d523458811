"""Students named with script payloads, in a real browser: the class's progress grid,
its roster, the student's page and the admin lists show the names as text. No dialog
opens, no Content Security Policy violation or script error is logged (`visit`
fails on those), and the pages stay axe-clean."""

from pathlib import Path

import pytest

from accounts.services import create_teacher
from classrooms import services
from classrooms.roster import RosterRow
from tests.classrooms.conftest import assign, make_module, read_all, take_quiz
from tests.e2e.conftest import sign_in
from tests.security.inert import IMG, JS_LINK, PAYLOADS, SCRIPT, TEMPLATE

SHOTS = Path("/tmp/shots/d3")


@pytest.fixture
def hostile_class(transactional_db, django_user_model):
    teacher = create_teacher(username="t_hostile", password="teacher-pass-phrase")
    classroom = services.create_classroom(owner=teacher, name=IMG, section=SCRIPT)
    rows = [RosterRow(row, name) for row, name in enumerate(PAYLOADS, start=1)]
    credentials = services.add_students(classroom=classroom, rows=rows)
    lesson = make_module(1)
    assign(classroom, lesson, instructions=f"{SCRIPT} {JS_LINK} {TEMPLATE}")
    scripted = django_user_model.objects.get(pk=credentials[0].student_id)
    read_all(scripted, lesson)
    take_quiz(scripted, lesson, right=1)
    return {"classroom": classroom, "student": scripted}


@pytest.mark.django_db(transaction=True)
def test_payload_names_run_nothing_in_the_grid_and_the_admin(
    page, visit, live_server, hostile_class
):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "t_hostile", "teacher-pass-phrase")
    pk = hostile_class["classroom"].pk
    student = hostile_class["student"].pk
    for path in [
        "/teach/",
        f"/teach/classes/{pk}/",
        f"/teach/classes/{pk}/progress/",
        f"/teach/classes/{pk}/roster/",
        f"/teach/classes/{pk}/students/{student}/",
        "/admin/",
        "/admin/classrooms/enrollment/",
        "/admin/quizzes/attempt/",
    ]:
        visit(path)
        assert page.locator("img[src='x']").count() == 0, path
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.get_by_text(SCRIPT).count() >= 1  # shown as text
    assert dialogs == []
