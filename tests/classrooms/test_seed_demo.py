"""manage.py seed_demo: a live demo class, built through the real services."""

import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import is_teacher
from classrooms.models import Assignment, Classroom, Enrollment, Extension
from classrooms.selectors import status_grid_for_classroom
from lessons.models import LessonProgress, SectionProgress
from quizzes.models import Attempt, Response
from tests.classrooms.conftest import make_module

LOGIN = re.compile(r"^(teacher|student): (\S+) / (\S+)$")


def seed(capsys) -> list[tuple[str, str, str]]:
    call_command("seed_demo")
    lines = capsys.readouterr().out.splitlines()
    matches = [LOGIN.match(line) for line in lines]
    assert all(matches), lines
    return [match.groups() for match in matches]


def counts():
    return [
        model.objects.count()
        for model in (
            User,
            Classroom,
            Enrollment,
            Assignment,
            Extension,
            Attempt,
            Response,
            LessonProgress,
            SectionProgress,
        )
    ]


def states(classroom):
    grid = status_grid_for_classroom(classroom)
    return Counter((status.state, status.is_late) for status in grid.cells.values())


@pytest.mark.django_db
def test_seed_demo_needs_the_curriculum():
    with pytest.raises(CommandError, match="manage.py load_curriculum"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_seed_demo_makes_a_class_with_varied_work_and_prints_logins(capsys, client):
    for number in range(1, 6):
        make_module(number, sections=3, short_answer=True)
    logins = seed(capsys)
    assert logins[0][0] == "teacher"
    assert [role for role, *_ in logins[1:]] == ["student"] * 25
    role, username, password = logins[0]
    teacher = User.objects.get(username=username)
    assert is_teacher(teacher) and teacher.check_password(password)
    classroom = Classroom.objects.get(owner=teacher)
    assert classroom.enrollments.count() == 25
    found = states(classroom)
    assert found[("mastered", False)] and found[("completed", False)]
    assert found[("awaiting_grading", False)] and found[("not_started", False)]
    assert found[("mastered", True)] and found[("in_progress", True)]
    assert found[("in_progress", False)]
    # A student can sign in with the printed login and lands on their work.
    _, student_name, student_password = logins[1]
    assert client.login(username=student_name, password=student_password)
    assert "World History 10" in client.get("/").text

    before = counts()
    again = seed(capsys)
    assert again == logins
    assert counts() == before


@pytest.mark.django_db
def test_seed_demo_answers_every_kind_of_the_real_curriculum(capsys):
    call_command("load_curriculum")
    capsys.readouterr()
    seed(capsys)
    classroom = Classroom.objects.get(name="World History 10")
    found = states(classroom)
    assert found[("mastered", False)] >= 10
    assert found[("awaiting_grading", False)] >= 2
    mastered = Attempt.objects.filter(status="graded", percent__gte=80)
    kinds = set(
        Response.objects.filter(attempt__in=mastered, score__gt=0).values_list(
            "kind", flat=True
        )
    )
    assert kinds >= {"single_choice", "true_false", "short_answer"}
