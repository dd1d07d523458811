"""A small class with hand-counted quiz answers, taken through the real quiz services,
for the item-analysis tests.

The quiz (key "sources", 6 points):
  q1  single choice, sourcing, 1 point: a (right), b, c
  q2  select all, sourcing, 2 points: a and b right, c and d wrong
  q3  true or false, recall, 1 point: true
  q4  short answer, close reading, 2 points, rubric 0/1/2

Counting attempts (best rule):
  Ada    q1 a  q2 a+b  q3 T   q4 written, graded 2   → 6/6 = 100.0%
  Ben    q1 b  q2 a    q3 T   q4 written, graded 1   → 3/6 = 50.0%
         (his first attempt, all wrong and 0%, does not count)
  Cleo   q1 b  q2 a+c  q3 F   q4 blank               → 0/6 = 0.0%
  Dan    q1 c  q2 a+b  q3 T   q4 written, ungraded   → awaiting grading
  Eve    q1 a  q2 –    q3 –   q4 written, graded 0   → 1/6 = 16.6%
  Finn   an attempt in progress only                  → not submitted
"""

from dataclasses import dataclass

from accounts.models import User
from classrooms.models import Classroom, Enrollment
from lessons.models import Lesson
from quizzes.models import Choice, Question, Quiz, RubricLevel
from quizzes.services import (
    AnswerChange,
    grade_short_answer,
    save_answers,
    start_attempt,
    submit_attempt,
)
from tests.classrooms.conftest import assign

NAMES = ["Ada", "Ben", "Cleo", "Dan", "Eve", "Finn"]


@dataclass
class Seeded:
    classroom: Classroom
    quiz: Quiz
    lesson: Lesson
    students: dict[str, User]
    attempts: dict[str, object]


def make_quiz(number: int = 1) -> Quiz:
    lesson = Lesson.objects.create(
        key=f"sources-{number}",
        number=number,
        title="Reading sources",
        subtitle="",
        summary="A summary.",
        period="1994",
        estimated_minutes=30,
        content_note_html="",
        teacher_guide_html="",
    )
    quiz = Quiz.objects.create(
        key=f"sources-{number}", lesson=lesson, title="Sources quiz", mastery_percent=80
    )
    q1 = Question.objects.create(
        quiz=quiz,
        key=f"s{number}-q1",
        order=1,
        kind="single_choice",
        skill="sourcing",
        prompt_html="<p>Who wrote the <em>cable</em>?</p>",
        explanation_html="<p>The Force Commander.</p>",
    )
    for order, (key, text, right) in enumerate(
        [("a", "The Force Commander", True), ("b", "A journalist", False)]
        + [("c", "An ambassador", False)],
        1,
    ):
        Choice.objects.create(
            question=q1,
            key=key,
            order=order,
            role="option",
            text=text,
            is_correct=right,
        )
    q2 = Question.objects.create(
        quiz=quiz,
        key=f"s{number}-q2",
        order=2,
        kind="multiple_choice",
        skill="sourcing",
        prompt_html="<p>Which are primary sources?</p>",
        explanation_html="<p>Written at the time.</p>",
        points=2,
    )
    for order, (key, text, right) in enumerate(
        [
            ("a", "The cable", True),
            ("b", "The letter", True),
            ("c", "A 2004 film", False),
            ("d", "A textbook", False),
        ],
        1,
    ):
        Choice.objects.create(
            question=q2,
            key=key,
            order=order,
            role="option",
            text=text,
            is_correct=right,
        )
    Question.objects.create(
        quiz=quiz,
        key=f"s{number}-q3",
        order=3,
        kind="true_false",
        skill="recall",
        prompt_html="<p>The cable was sent in January 1994.</p>",
        explanation_html="<p>On 11 January.</p>",
        statement_is_true=True,
    )
    q4 = Question.objects.create(
        quiz=quiz,
        key=f"s{number}-q4",
        order=4,
        kind="short_answer",
        skill="close_reading",
        prompt_html="<p>What does the author want?</p>",
        explanation_html="<p>Permission to act.</p>",
        points=2,
    )
    for points in (0, 1, 2):
        RubricLevel.objects.create(
            question=q4, points=points, description=f"{points} points"
        )
    return quiz


def _ids(response, keys):
    by_key = {key: id_ for id_, key in response.answer_key["keys"].items()}
    return [by_key[k] for k in keys]


def answer(attempt, plan: dict, *, submit: bool = True):
    """Answer by content keys: {"q1": "a", "q2": ["a", "b"], "q3": True,
    "q4": "text"}; a missing entry is left blank."""
    changes = []
    for response in attempt.responses.order_by("slot"):
        short = response.question_key.split("-")[-1]
        value = plan.get(short)
        if value is None:
            continue
        if response.kind == "single_choice":
            value = _ids(response, [value])[0]
        elif response.kind == "multiple_choice":
            ids = set(_ids(response, value))
            value = [o["id"] for o in response.shown["options"] if o["id"] in ids]
        changes.append(AnswerChange(response.slot, value, response.version))
    if not submit:
        return save_answers(attempt=attempt, changes=changes)
    return submit_attempt(attempt=attempt, changes=changes)


def grade(attempt, teacher, points: int, comment: str = "") -> None:
    response = attempt.responses.get(kind="short_answer")
    grade_short_answer(
        response=response, grader=teacher, points=points, comment=comment
    )


def make_student(classroom, name: str) -> User:
    student = User.objects.create_user(
        username=name.lower(), password="x", display_name=name
    )
    Enrollment.objects.create(
        classroom=classroom, student=student, method=Enrollment.Method.ROSTER
    )
    return student


def seed_class(classroom, teacher, *, number: int = 1) -> Seeded:
    quiz = make_quiz(number)
    assign(classroom, quiz.lesson, kind="quiz")
    students = {name: make_student(classroom, name) for name in NAMES}
    attempts = {}
    text = "He wants to raid the arms caches."

    def take(name, plan):
        attempt = start_attempt(user=students[name], quiz=quiz)
        return answer(attempt, plan)

    attempts["Ada"] = take("Ada", {"q1": "a", "q2": ["a", "b"], "q3": True, "q4": text})
    grade(attempts["Ada"], teacher, 2, "Well argued.")
    first = take("Ben", {"q1": "c", "q2": ["c"], "q3": False})
    attempts["Ben-first"] = first
    attempts["Ben"] = take("Ben", {"q1": "b", "q2": ["a"], "q3": True, "q4": text})
    grade(attempts["Ben"], teacher, 1)
    attempts["Cleo"] = take("Cleo", {"q1": "b", "q2": ["a", "c"], "q3": False})
    attempts["Dan"] = take("Dan", {"q1": "c", "q2": ["a", "b"], "q3": True, "q4": text})
    attempts["Eve"] = take("Eve", {"q1": "a", "q4": text})
    grade(attempts["Eve"], teacher, 0)
    open_attempt = start_attempt(user=students["Finn"], quiz=quiz)
    answer(open_attempt, {"q1": "b"}, submit=False)
    attempts["Finn"] = open_attempt
    for key, attempt in attempts.items():
        attempt.refresh_from_db()
        attempts[key] = attempt
    return Seeded(classroom, quiz, quiz.lesson, students, attempts)


def add_classmates(classroom, quiz, count: int, *, start: int = 0) -> None:
    """`count` more students who each submit a fully right attempt (short answer
    left ungraded)."""
    for index in range(start, start + count):
        student = make_student(classroom, f"Mate {index:03d}")
        attempt = start_attempt(user=student, quiz=quiz)
        answer(attempt, {"q1": "a", "q2": ["a", "b"], "q3": True, "q4": "Yes."})
