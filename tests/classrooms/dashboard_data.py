"""A small class in chosen states, for the report and dashboard tests. Every
expected number in those tests is counted by hand from the table below.

Two assignments: A = module 1 (reading, two true/false questions and a written
answer worth 2; 4 points) due two days ago; B = module 2 (reading and two
true/false questions) due in one day.

| student | A                                     | B                          |
|---------|---------------------------------------|----------------------------|
| Ana     | mastered (4/4, 100%), done late       | completed 50% (below)      |
| Ben     | not started, overdue                  | not started, due soon      |
| Cleo    | completed 50% (2/4, below), done late | in progress (one section)  |
| Dev     | not started, extension to +3 days     | not started, due soon      |
| Eli     | mastered (4/4), done late             | mastered (2/2)             |
| Fay     | awaiting grading (2/4 so far), late   | mastered (2/2)             |

Also: Gus, removed from the class, with an attempt awaiting grading at A's quiz
(not counted); Hal in another teacher's class assigned module 1, with an attempt
awaiting grading (not counted); Fay has an attempt awaiting grading at module 3's
quiz, which is not assigned (not counted)."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from classrooms import services
from classrooms.models import Assignment, Classroom
from classrooms.roster import RosterRow
from quizzes.models import Response
from quizzes.services import grade_short_answer
from tests.classrooms.conftest import (
    assign,
    make_module,
    read_all,
    read_first,
    take_quiz,
)

NAMES = ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay"]


@dataclass
class ReportClass:
    classroom: Classroom
    a: Assignment
    b: Assignment
    students: dict[str, User]


def grade_written(attempt, teacher, points: int) -> None:
    response = Response.objects.get(attempt=attempt, kind="short_answer")
    grade_short_answer(response=response, grader=teacher, points=points)


def build_report_class(teacher, other_teacher) -> ReportClass:
    lesson_a = make_module(1, short_answer=True)
    lesson_b = make_module(2)
    lesson_c = make_module(3, short_answer=True)
    classroom = services.create_classroom(
        owner=teacher, name="History", section="Period 1", time_zone="Africa/Kigali"
    )
    services.add_students(
        classroom=classroom,
        rows=[
            RosterRow(n, f"{name} Uwase")
            for n, name in enumerate([*NAMES, "Gus"], start=1)
        ],
    )
    students = {
        user.display_name.split()[0]: user
        for user in User.objects.filter(enrollments__classroom=classroom)
    }
    a = assign(classroom, lesson_a, days_open=5, days_due=-2)
    b = assign(classroom, lesson_b, days_open=1, days_due=1)
    services.grant_extension(
        assignment=a,
        student=students["Dev"],
        due_at=timezone.now() + timedelta(days=3),
    )
    # A (module 1)
    for name, written in (("Ana", 2), ("Cleo", 0), ("Eli", 2)):
        read_all(students[name], lesson_a)
        grade_written(take_quiz(students[name], lesson_a), teacher, written)
    read_all(students["Fay"], lesson_a)
    take_quiz(students["Fay"], lesson_a)
    # B (module 2)
    read_all(students["Ana"], lesson_b)
    take_quiz(students["Ana"], lesson_b, right=1)
    read_first(students["Cleo"], lesson_b)
    for name in ("Eli", "Fay"):
        read_all(students[name], lesson_b)
        take_quiz(students[name], lesson_b)
    # Not counted
    take_quiz(students["Fay"], lesson_c)
    take_quiz(students["Gus"], lesson_a)
    services.remove_student(classroom=classroom, student=students.pop("Gus"))
    foreign = services.create_classroom(owner=other_teacher, name="Civics")
    services.add_students(classroom=foreign, rows=[RosterRow(1, "Hal Mugabo")])
    assign(foreign, lesson_a)
    take_quiz(User.objects.get(display_name="Hal Mugabo"), lesson_a)
    return ReportClass(classroom=classroom, a=a, b=b, students=students)
