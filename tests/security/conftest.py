"""A small school for hostile tests: two teachers' classes with a student each, a
co-teacher, a superuser, an assignment with an extension, submitted attempts with a
graded short answer, and a client signed in as each role.

Every name here is a distinctive marker, so a test can say "nothing of theirs in this
body" by looking for the other side's markers."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client

from accounts.models import User
from accounts.services import create_teacher
from classrooms import services
from classrooms.models import Assignment, Classroom, Enrollment, Extension
from lessons.models import Lesson
from quizzes.models import Attempt, Quiz, Response
from quizzes.services import grade_short_answer
from tests.classrooms.conftest import assign, make_module, read_all, take_quiz

ROLES = (
    "anonymous",
    "student",
    "other_student",
    "teacher",
    "other_teacher",
    "co_teacher",
    "superuser",
)

# The owner's side: a teacher, their co-teacher, their class and their student.
MINE = {
    "class": "Kestrel Sentinel Class",
    "section": "Kestrel Block Nine",
    "student_username": "heron_sentinel",
    "student_name": "Heron Sentinel-Mukamana",
    "teacher_username": "falcon_sentinel",
    "co_teacher_username": "osprey_sentinel",
    "reason": "Egret sentinel reason",
    "comment": "Ibis sentinel comment",
    "short_answer": "Plover sentinel short answer",
    "instructions": "Curlew sentinel instructions",
}
# The other side: another teacher's class and its student.
THEIRS = {
    "class": "Badger Sentinel Class",
    "section": "Badger Block Four",
    "student_username": "otter_sentinel",
    "student_name": "Otter Sentinel-Kayitesi",
    "teacher_username": "lynx_sentinel",
    "reason": "Stoat sentinel reason",
    "comment": "Weasel sentinel comment",
    "short_answer": "Marten sentinel short answer",
    "instructions": "Vole sentinel instructions",
}
TEACHER_ONLY = ("reason",)  # extension reasons are "seen by teachers only"


def _everything(side: dict) -> set[str]:
    return set(side.values())


def _student_may_not_see(side: dict) -> set[str]:
    return {side[key] for key in TEACHER_ONLY}


# What each role must never find in a body, whatever the page.
FORBIDDEN = {
    "anonymous": _everything(MINE) | _everything(THEIRS),
    "student": _everything(THEIRS) | _student_may_not_see(MINE),
    "other_student": _everything(MINE) | _student_may_not_see(THEIRS),
    "teacher": _everything(THEIRS),
    "other_teacher": _everything(MINE),
    "co_teacher": _everything(THEIRS),
    "superuser": set(),
}


@dataclass
class World:
    teacher: User
    co_teacher: User
    other_teacher: User
    student: User
    other_student: User
    superuser: User
    classroom: Classroom
    foreign_classroom: Classroom
    lesson: Lesson
    quiz: Quiz
    assignment: Assignment
    foreign_assignment: Assignment
    extension: Extension
    enrollment: Enrollment
    attempt: Attempt
    foreign_attempt: Attempt
    response: Response
    clients: dict[str, Client] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


def _side(side: dict, *, teacher: User, lesson: Lesson, django_user_model):
    classroom = services.create_classroom(
        owner=teacher,
        name=side["class"],
        section=side["section"],
        time_zone="Africa/Kigali",
    )
    student = django_user_model.objects.create_user(
        username=side["student_username"],
        password="a-long-pass-phrase",
        display_name=side["student_name"],
    )
    services.join_classroom(student=student, typed_code=classroom.join_code)
    assignment = assign(classroom, lesson, instructions=side["instructions"])
    extension = services.grant_extension(
        assignment=assignment,
        student=student,
        due_at=assignment.due_at + timedelta(days=2),
        reason=side["reason"],
        granted_by=teacher,
    )
    read_all(student, lesson)
    attempt = take_quiz(student, lesson, right=1)
    written = attempt.responses.get(kind="short_answer")
    Response.objects.filter(pk=written.pk).update(answer=side["short_answer"])
    written.refresh_from_db()
    grade_short_answer(
        response=written, grader=teacher, points=1, comment=side["comment"]
    )
    return classroom, student, assignment, extension, attempt, written


@pytest.fixture
def world(db, django_user_model) -> World:
    teacher = create_teacher(
        username=MINE["teacher_username"], password="pass-phrase-1"
    )
    co_teacher = create_teacher(
        username=MINE["co_teacher_username"], password="pass-phrase-2"
    )
    other_teacher = create_teacher(
        username=THEIRS["teacher_username"], password="pass-phrase-3"
    )
    superuser = django_user_model.objects.create_superuser(
        username="root_keeper", password="pass-phrase-4"
    )
    lesson = make_module(1, short_answer=True)
    classroom, student, assignment, extension, attempt, written = _side(
        MINE, teacher=teacher, lesson=lesson, django_user_model=django_user_model
    )
    services.add_co_teacher(classroom=classroom, teacher=co_teacher)
    foreign_classroom, other_student, foreign_assignment, _, foreign_attempt, _ = _side(
        THEIRS,
        teacher=other_teacher,
        lesson=lesson,
        django_user_model=django_user_model,
    )
    world = World(
        teacher=teacher,
        co_teacher=co_teacher,
        other_teacher=other_teacher,
        student=student,
        other_student=other_student,
        superuser=superuser,
        classroom=classroom,
        foreign_classroom=foreign_classroom,
        lesson=lesson,
        quiz=Quiz.objects.get(lesson=lesson),
        assignment=assignment,
        foreign_assignment=foreign_assignment,
        extension=extension,
        enrollment=Enrollment.objects.get(classroom=classroom, student=student),
        attempt=attempt,
        foreign_attempt=foreign_attempt,
        response=written,
    )
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(world.user(role))
        world.clients[role] = client
    return world
