"""The demo class behind `manage.py seed_demo`: a teacher, a class of 25 students and
three weeks of realistic work, built through the real services (enrolment,
assignments, extensions, reading progress, quiz attempts and grading).

The services stamp the current time; a demo needs a past. Quiz services take `now`,
so attempts are dated directly; reading progress has no such argument, so its
timestamps are moved back after the service has recorded it. Everything is keyed on
stable names, so running the seed again changes nothing it already made."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import create_teacher
from classrooms import services
from classrooms.models import Assignment, Classroom, Enrollment, Extension
from classrooms.roster import username_base
from classrooms.selectors import quizzes_by_lesson
from lessons.models import Lesson, LessonProgress, Section, SectionProgress
from lessons.services import record_section_completed
from quizzes.models import Attempt, Quiz
from quizzes.services import (
    AnswerChange,
    grade_short_answer,
    save_answers,
    start_attempt,
    submit_attempt,
)

TEACHER_USERNAME = "demo_teacher"
TEACHER_PASSWORD = "demo-teacher-1994"  # nosec B105: the demo's published login
TEACHER_NAME = "Ms Mukamana"
STUDENT_PASSWORD = "demo-student-1994"  # nosec B105: the demo's published login
CLASS_NAME = "World History 10"
CLASS_SECTION = "Period 3"
CLASS_TIME_ZONE = "Africa/Kigali"

STUDENT_NAMES = [
    "Amina Uwase",
    "Keza Mugisha",
    "Jean-Paul Habimana",
    "Grace Ingabire",
    "Eric Niyonzima",
    "Diane Umutoni",
    "Samuel Okafor",
    "María González",
    "Liam O'Brien",
    "Sofia Rossi",
    "Noah Cohen",
    "Aisha Bello",
    "Chen Wei",
    "Priya Sharma",
    "Lucas Martin",
    "Fatou Diop",
    "Mateo Silva",
    "Hannah Schmidt",
    "Yusuf Demir",
    "Emma Dubois",
    "Kwame Mensah",
    "Olivia Brown",
    "Inès Haddad",
    "Tomás Novák",
    "Zara Ahmed",
]

WRITTEN_ANSWERS = [
    "It was written for officials in New York, so it shows what they were told, "
    "not what they decided to do about it.",
    "The author had a reason to sound alarmed: he wanted more troops. Other "
    "sources from the same weeks say the same, so the warning holds up.",
    "It shows that the warning reached headquarters. It cannot show what the "
    "Council members knew, because it was not sent to them.",
]


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    password: str

    def __str__(self) -> str:
        return f"{self.role}: {self.username} / {self.password}"


# How each student fares on each assignment, by outcome:
#   mastered    reads everything, passes the quiz (some after a first try)
#   completed   reads everything, submits a quiz below the mastery line
#   awaiting    submits a quiz whose written answers the teacher has not graded
#   reading     has read part of the lesson
#   quiz_open   has read it and started the quiz
#   none        has not begun
# with "late" meaning the work was done after the due date.
@dataclass(frozen=True)
class Plan:
    outcome: str
    late: bool = False


def _plans(count: int, weights: dict[str, int], rng: random.Random) -> list[Plan]:
    pool: list[Plan] = []
    for label, n in weights.items():
        outcome, _, late = label.partition("+")
        pool.extend(Plan(outcome, late == "late") for _ in range(n))
    pool += [Plan("none")] * max(0, count - len(pool))
    rng.shuffle(pool)
    return pool[:count]


# Per assignment: (lesson number, kind, opens, due in days from now, outcomes).
SCHEDULE = [
    (
        1,
        Assignment.Kind.MODULE,
        -21,
        -14,
        {
            "mastered": 13,
            "completed": 4,
            "awaiting": 2,
            "mastered+late": 2,
            "completed+late": 1,
            "reading": 2,
        },
    ),
    (
        2,
        Assignment.Kind.MODULE,
        -12,
        -3,
        {
            "mastered": 7,
            "completed": 4,
            "awaiting": 4,
            "mastered+late": 2,
            "reading": 3,
            "quiz_open": 2,
        },
    ),
    (
        3,
        Assignment.Kind.MODULE,
        -2,
        5,
        {"mastered": 3, "awaiting": 2, "reading": 8, "quiz_open": 3},
    ),
    (4, Assignment.Kind.MODULE, 3, 10, {}),
]


@transaction.atomic
def seed_demo_class(*, now: datetime | None = None) -> list[Login]:
    """Create (or find) the demo teacher, class, students, assignments and work, and
    return the logins. Raises ValidationError when the curriculum is not loaded."""
    now = now or timezone.now()
    lessons = {
        lesson.number: lesson
        for lesson in Lesson.objects.filter(published=True).order_by("number")
    }
    quizzes = quizzes_by_lesson(lesson.pk for lesson in lessons.values())
    needed = [number for number, *_ in SCHEDULE]
    if any(n not in lessons or lessons[n].pk not in quizzes for n in needed):
        raise ValidationError(
            "The demo needs the curriculum's modules and quizzes. Load them first: "
            "manage.py load_curriculum"
        )

    teacher = create_teacher(username=TEACHER_USERNAME, password=TEACHER_PASSWORD)
    if teacher.display_name != TEACHER_NAME:
        teacher.display_name = TEACHER_NAME
        teacher.save(update_fields=["display_name"])
    classroom = Classroom.objects.filter(owner=teacher, name=CLASS_NAME).first()
    if classroom is None:
        classroom = services.create_classroom(
            owner=teacher,
            name=CLASS_NAME,
            section=CLASS_SECTION,
            school_year=_school_year(now),
            time_zone=CLASS_TIME_ZONE,
        )
    students = [
        _student(name, classroom, index) for index, name in enumerate(STUDENT_NAMES)
    ]

    # The class began three weeks ago.
    Enrollment.objects.filter(
        classroom=classroom, joined_at__gt=now - timedelta(days=21)
    ).update(joined_at=_local(now, classroom, -22, 8))

    rng = random.Random(1994)  # nosec B311: demo data, reproducible on purpose
    for number, kind, opens_in, due_in, weights in SCHEDULE:
        lesson = lessons[number]
        assignment = _assignment(
            classroom,
            lesson,
            kind,
            _local(now, classroom, opens_in, 8),
            _local(now, classroom, due_in, 17),
            teacher,
        )
        plans = _plans(len(students), weights, rng)
        if number == 2:
            # One accommodation: a later date, met, so the student is not late.
            _extension(assignment, students[5], teacher, now - timedelta(hours=6))
            plans[5] = Plan("mastered", late=False)
        for student, plan in zip(students, plans, strict=True):
            _work(
                student=student,
                lesson=lesson,
                quiz=quizzes[lesson.pk],
                assignment=assignment,
                plan=plan,
                teacher=teacher,
                rng=random.Random(f"{student.username}:{number}"),  # nosec B311: demo data, reproducible
                now=now,
            )
    _chosen_students_assignment(classroom, lessons, students, teacher, now)

    return [Login("teacher", TEACHER_USERNAME, TEACHER_PASSWORD)] + [
        Login("student", student.username, STUDENT_PASSWORD) for student in students
    ]


def _local(now: datetime, classroom: Classroom, days: int, hour: int) -> datetime:
    """`days` from now at `hour`:00 in the class's time zone (when teachers set
    dates)."""
    local = timezone.localtime(now, classroom.zone) + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _school_year(now: datetime) -> str:
    start = now.year if now.month >= 8 else now.year - 1
    return f"{start}–{str(start + 1)[-2:]}"


def _student(name: str, classroom: Classroom, index: int) -> User:
    username = f"demo_{username_base(name)}"
    student, created = User.objects.get_or_create(
        username=username, defaults={"display_name": name}
    )
    # Demo logins stay the printed ones, even if someone changed them meanwhile.
    student.set_password(STUDENT_PASSWORD)
    student.must_change_password = False
    student.save(update_fields=["password", "must_change_password"])
    if (
        created
        or not Enrollment.objects.filter(classroom=classroom, student=student).exists()
    ):
        if index % 6 == 0:
            # Some joined with the class code, as students do.
            services.join_classroom(student=student, typed_code=classroom.join_code)
        else:
            Enrollment.objects.get_or_create(
                classroom=classroom,
                student=student,
                defaults={"method": Enrollment.Method.ROSTER},
            )
    return student


def _assignment(
    classroom: Classroom,
    lesson: Lesson,
    kind: str,
    opens_at: datetime,
    due_at: datetime,
    teacher: User,
) -> Assignment:
    existing = Assignment.objects.filter(
        classroom=classroom, lesson=lesson, withdrawn_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    return services.create_assignment(
        classroom=classroom,
        lesson=lesson,
        kind=kind,
        for_whole_class=True,
        opens_at=opens_at,
        due_at=due_at,
        instructions=_INSTRUCTIONS.get(lesson.number, ""),
        created_by=teacher,
    )


_INSTRUCTIONS = {
    1: "Read every source card before the quiz. Note one warning that you think "
    "should have been acted on, and why.",
    2: "Work through the sections in order. We will use your quiz answers in "
    "Thursday's debate.",
    3: "Read sections 1–3 before class; finish the rest and the quiz by the due date.",
}


def _extension(
    assignment: Assignment, student: User, teacher: User, due_at: datetime
) -> None:
    if Extension.objects.filter(assignment=assignment, student=student).exists():
        return
    services.grant_extension(
        assignment=assignment,
        student=student,
        due_at=max(due_at, assignment.due_at + timedelta(days=2)),
        reason="Absent for a family event",
        granted_by=teacher,
    )


def _chosen_students_assignment(
    classroom: Classroom,
    lessons: dict[int, Lesson],
    students: list[User],
    teacher: User,
    now: datetime,
) -> None:
    """An extension task for three students: the last module's quiz alone."""
    if 5 not in lessons:
        return
    lesson = lessons[5]
    if Assignment.objects.filter(classroom=classroom, lesson=lesson).exists():
        return
    services.create_assignment(
        classroom=classroom,
        lesson=lesson,
        kind=Assignment.Kind.QUIZ,
        for_whole_class=False,
        students=[students[0], students[3], students[12]],
        opens_at=_local(now, classroom, -1, 8),
        due_at=_local(now, classroom, 7, 17),
        instructions="An extra challenge: try the last module's quiz before we read "
        "it.",
        created_by=teacher,
    )


# --- One student's work on one module -------------------------------------------------


def _work(
    *,
    student: User,
    lesson: Lesson,
    quiz: Quiz,
    assignment: Assignment,
    plan: Plan,
    teacher: User,
    rng: random.Random,
    now: datetime,
) -> None:
    if plan.outcome == "none":
        return
    if (
        LessonProgress.objects.filter(user=student, lesson=lesson).exists()
        or Attempt.objects.filter(user=student, quiz=quiz).exists()
    ):
        return  # made by an earlier run
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    due_at = extension.due_at if extension else assignment.due_at
    # When the work was done: before the due date, or after it when late, and
    # never in the future.
    if plan.late:
        done_at = min(
            now - timedelta(hours=2), due_at + timedelta(hours=rng.randint(6, 60))
        )
    else:
        window = max(1, int((min(due_at, now) - assignment.opens_at).total_seconds()))
        done_at = assignment.opens_at + timedelta(
            seconds=rng.randint(window // 3, window - 60)
        )
    sections = list(
        Section.objects.filter(lesson=lesson, published=True).order_by("order")
    )
    if plan.outcome == "reading":
        _read(
            student,
            lesson,
            sections[: rng.randint(1, max(1, len(sections) - 1))],
            done_at,
        )
        return
    _read(student, lesson, sections, done_at - timedelta(minutes=50))
    if plan.outcome == "quiz_open":
        attempt = start_attempt(
            user=student, quiz=quiz, now=done_at - timedelta(minutes=10)
        )
        _answer_some(attempt, rng, share=0.4, now=done_at - timedelta(minutes=5))
        return
    if plan.outcome == "mastered" and rng.random() < 0.35:
        # A first try below the line, then a retake.
        first = _take(student, quiz, rng, right=0.55, at=done_at - timedelta(hours=30))
        _grade_written(first, teacher, rng, share=0.5, at=done_at - timedelta(hours=20))
    right = {"mastered": 1.0, "completed": 0.55, "awaiting": 0.8}[plan.outcome]
    attempt = _take(student, quiz, rng, right=right, at=done_at)
    if plan.outcome != "awaiting":
        share = 0.8 if plan.outcome == "mastered" else 0.4
        _grade_written(
            attempt, teacher, rng, share=share, at=done_at + timedelta(hours=20)
        )


def _read(student: User, lesson: Lesson, sections: list[Section], at: datetime) -> None:
    for section in sections:
        record_section_completed(user=student, section=section)
    # Move the new rows back to when the reading happened.
    SectionProgress.objects.filter(user=student, section__in=sections).update(
        opened_at=at - timedelta(minutes=40), completed_at=at
    )
    progress = LessonProgress.objects.get(user=student, lesson=lesson)
    LessonProgress.objects.filter(pk=progress.pk).update(
        started_at=at - timedelta(minutes=40),
        last_visited_at=at,
        completed_at=at if progress.completed_at else None,
    )


def _take(
    student: User, quiz: Quiz, rng: random.Random, *, right: float, at: datetime
) -> Attempt:
    attempt = start_attempt(user=student, quiz=quiz, now=at - timedelta(minutes=25))
    changes = [
        AnswerChange(
            r.slot,
            _answer(r.kind, r.shown, r.answer_key, rng.random() < right, rng),
            r.version,
        )
        for r in attempt.responses.order_by("slot")
    ]
    return submit_attempt(attempt=attempt, changes=changes, now=at)


def _answer_some(attempt: Attempt, rng: random.Random, *, share: float, now) -> None:
    responses = list(attempt.responses.order_by("slot"))
    chosen = responses[: max(1, int(len(responses) * share))]
    save_answers(
        attempt=attempt,
        changes=[
            AnswerChange(
                r.slot, _answer(r.kind, r.shown, r.answer_key, True, rng), r.version
            )
            for r in chosen
        ],
        now=now,
    )


def _grade_written(
    attempt: Attempt, teacher: User, rng: random.Random, *, share: float, at: datetime
) -> None:
    for response in attempt.responses.filter(kind="short_answer", score__isnull=True):
        if response.answer is None:
            continue
        levels = sorted(
            level["points"] for level in response.answer_key.get("rubric", [])
        )
        top = levels[-1] if levels else int(response.max_score)
        points = top if share >= 1 or rng.random() < share else levels[len(levels) // 2]
        grade_short_answer(
            response=response,
            grader=teacher,
            points=points,
            comment="Good use of the source."
            if points == top
            else "Say who wrote it and why.",
            now=at,
        )


def _answer(
    kind: str, shown: dict, key: dict, correct: bool, rng: random.Random
) -> Any:
    """An answer in the kind's normal form: the right one, or a plausible wrong one.
    (The demo only: real answers come from the quiz page's parser.)"""
    if kind == "true_false":
        return key["correct"] if correct else not key["correct"]
    if kind == "single_choice":
        right = key["correct"][0]
        wrong = [o["id"] for o in shown["options"] if o["id"] != right]
        return right if correct or not wrong else rng.choice(wrong)
    if kind == "multiple_choice":
        wrong = [o["id"] for o in shown["options"] if o["id"] not in key["correct"]]
        return list(key["correct"]) if correct else key["correct"][:1] + wrong[:1]
    if kind == "ordering":
        return (
            list(key["order"]) if correct else [item["id"] for item in shown["items"]]
        )
    if kind == "matching":
        pairs = dict(key["pairs"])
        if correct:
            return pairs
        rows = list(pairs)
        return dict(zip(rows, [pairs[r] for r in rows[1:] + rows[:1]], strict=True))
    if kind == "claim_evidence":
        verdicts = dict(key["verdicts"])
        if correct:
            return verdicts
        cycle = ["supports", "contradicts", "does_not_address"]
        return {i: cycle[(cycle.index(v) + 1) % 3] for i, v in verdicts.items()}
    if kind == "short_answer":
        # Written from the question's own sample answers, so a teacher grading the
        # demo reads answers to the question asked: a whole sample when `correct`,
        # else only its first sentence (a thinner answer).
        samples = key.get("sample_answers") or WRITTEN_ANSWERS
        sample = rng.choice(samples)
        return sample if correct else sample.split(". ")[0].rstrip(".") + "."
    return None
