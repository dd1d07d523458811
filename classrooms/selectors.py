"""Reads for classes and for students' work.

A student's status on a piece of work is computed in one place, `work_status`, from
their reading progress (lessons.LessonProgress) and quiz attempts (quizzes.Attempt),
with server time. The selectors gather those rows for many students and lessons at
once (`progress_for`), so "My work" and a whole class's grid each answer in a fixed
number of queries, whatever the number of classes, students and assignments; the
count is in each docstring and pinned in tests/classrooms/test_query_counts.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classrooms.access import classrooms_taught_by
from classrooms.models import Assignment, Classroom, Enrollment, Extension
from lessons.models import Lesson, LessonProgress
from quizzes.models import Attempt, AttemptStatus, CountingAttempt, Quiz
from quizzes.selectors import counting_attempt

# --- Status: the one place it is decided ----------------------------------------------


class WorkState:
    """Where a student is with a piece of work (lateness is a separate flag)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AWAITING_GRADING = "awaiting_grading"
    COMPLETED = "completed"
    MASTERED = "mastered"

    LABELS = {
        NOT_STARTED: "Not started",
        IN_PROGRESS: "In progress",
        AWAITING_GRADING: "Awaiting grading",
        COMPLETED: "Completed",
        MASTERED: "Mastered",
    }


@dataclass(frozen=True)
class ReadingProgress:
    """One student's reading of one lesson."""

    percent: int = 0
    is_started: bool = False
    completed_at: datetime | None = None
    resume_section_key: str = ""


@dataclass(frozen=True)
class QuizProgress:
    """One student's attempts at one quiz, summed up. `score_percent` is the score
    of the attempt that counts (`counting_attempt`), `attempt_id` that attempt's id;
    `awaiting_count` is how many submitted attempts still await a grade."""

    attempts_finished: int = 0
    open_answered: int | None = None
    open_questions: int = 0
    first_submitted_at: datetime | None = None
    score_percent: Decimal | None = None
    is_mastered: bool = False
    is_awaiting_grading: bool = False
    counting: str = CountingAttempt.BEST
    attempt_id: int | None = None
    awaiting_count: int = 0

    @property
    def is_started(self) -> bool:
        return self.attempts_finished > 0 or self.open_answered is not None

    @property
    def is_finished(self) -> bool:
        return self.first_submitted_at is not None

    @property
    def has_open_attempt(self) -> bool:
        return self.open_answered is not None


NO_READING = ReadingProgress()
NO_ATTEMPTS = QuizProgress()


def _bar(percent: float | Decimal | None) -> int:
    """A width class step (0, 5, … 100) for a percentage, rounded down so a bar
    looks full only when the work is."""
    if percent is None:
        return 0
    return max(0, min(100, int(percent) // 5 * 5))


@dataclass(frozen=True)
class WorkStatus:
    """A student's status on one piece of work: the state, whether it is late, the
    due date that applies to them, and what the progress bars show.

    `reading` is None when the work has no reading part (a quiz-only assignment);
    `quiz` is None when the lesson has no published quiz."""

    state: str
    is_late: bool
    due_at: datetime | None
    finished_at: datetime | None
    reading: ReadingProgress | None
    quiz: QuizProgress | None

    @property
    def label(self) -> str:
        return WorkState.LABELS[self.state]

    @property
    def is_done(self) -> bool:
        return self.finished_at is not None

    @property
    def reading_bar(self) -> int:
        return _bar(self.reading.percent if self.reading else 0)

    @property
    def quiz_percent(self) -> int:
        """The quiz bar: the score that counts once a quiz is submitted, else the
        share of questions answered in the open attempt."""
        quiz = self.quiz
        if quiz is None:
            return 0
        if quiz.is_finished and quiz.score_percent is not None:
            return int(quiz.score_percent)
        if quiz.has_open_attempt and quiz.open_questions:
            return quiz.open_answered * 100 // quiz.open_questions
        return 0

    @property
    def quiz_bar(self) -> int:
        return _bar(self.quiz_percent)


def work_status(
    *,
    reading: ReadingProgress | None,
    quiz: QuizProgress | None,
    due_at: datetime | None,
    now: datetime,
) -> WorkStatus:
    """Decide a student's status on a piece of work.

    The work is done when every part it includes is done: the reading complete and
    a quiz attempt submitted. Done work is mastered, awaiting grading or completed as
    the quiz's counting attempt says. Late means done after the due date, or not done
    and the due date has passed. Pure: no queries."""
    parts_done: list[datetime | None] = []
    if reading is not None:
        parts_done.append(reading.completed_at)
    if quiz is not None:
        parts_done.append(quiz.first_submitted_at)
    finished_at = (
        max(parts_done) if parts_done and all(parts_done) else None  # type: ignore[type-var]
    )
    if finished_at is not None:
        if quiz is None:
            state = WorkState.COMPLETED
        elif quiz.is_mastered:
            state = WorkState.MASTERED
        elif quiz.is_awaiting_grading:
            state = WorkState.AWAITING_GRADING
        else:
            state = WorkState.COMPLETED
    elif (reading is not None and reading.is_started) or (
        quiz is not None and quiz.is_started
    ):
        state = WorkState.IN_PROGRESS
    else:
        state = WorkState.NOT_STARTED
    if due_at is None:
        is_late = False
    elif finished_at is not None:
        is_late = finished_at > due_at
    else:
        is_late = now > due_at
    return WorkStatus(
        state=state,
        is_late=is_late,
        due_at=due_at,
        finished_at=finished_at,
        reading=reading,
        quiz=quiz,
    )


def effective_due_at(assignment_due: datetime, extension_due: datetime | None):
    """The due date that applies to a student: an extension only ever gives more
    time, even if the class's due date is later moved past it."""
    if extension_due is None:
        return assignment_due
    return max(assignment_due, extension_due)


# --- Gathering progress for many students and lessons at once -------------------------


@dataclass
class Progress:
    """Reading and quiz progress for a set of students and lessons, looked up by
    (student id, lesson id)."""

    quizzes: dict[int, Quiz]
    reading: dict[tuple[int, int], ReadingProgress]
    attempts: dict[tuple[int, int], QuizProgress]

    def quiz_for(self, lesson_id: int) -> Quiz | None:
        return self.quizzes.get(lesson_id)

    def status(
        self,
        *,
        student_id: int,
        lesson_id: int,
        includes_reading: bool,
        due_at: datetime | None,
        now: datetime,
    ) -> WorkStatus:
        quiz = self.quizzes.get(lesson_id)
        return work_status(
            reading=self.reading.get((student_id, lesson_id), NO_READING)
            if includes_reading or quiz is None
            else None,
            quiz=self.attempts.get(
                (student_id, lesson_id),
                QuizProgress(counting=quiz.counting_attempt),
            )
            if quiz is not None
            else None,
            due_at=due_at,
            now=now,
        )


def quizzes_by_lesson(lesson_ids: Iterable[int]) -> dict[int, Quiz]:
    """Each lesson's published quiz (the one sharing its key, else the first by
    key). One query."""
    chosen: dict[int, Quiz] = {}
    quizzes = Quiz.objects.filter(
        lesson_id__in=list(lesson_ids), published=True
    ).select_related("lesson")
    for quiz in sorted(quizzes, key=lambda q: (q.key != q.lesson.key, q.key)):
        chosen.setdefault(quiz.lesson_id, quiz)
    return chosen


def progress_for(*, student_ids: Iterable[int], lesson_ids: Iterable[int]) -> Progress:
    """Reading and quiz progress of these students on these lessons. Three queries,
    whatever the number of students, lessons and attempts."""
    student_ids, lesson_ids = list(student_ids), list(lesson_ids)
    quizzes = quizzes_by_lesson(lesson_ids)
    # Plain values, not model instances: a class grid reads hundreds of these rows.
    reading = {
        (row["user_id"], row["lesson_id"]): ReadingProgress(
            percent=row["percent"],
            is_started=True,
            completed_at=row["completed_at"],
            resume_section_key=row["last_section__key"] or "",
        )
        for row in LessonProgress.objects.filter(
            user_id__in=student_ids, lesson_id__in=lesson_ids
        ).values("user_id", "lesson_id", "percent", "completed_at", "last_section__key")
    }
    lesson_of_quiz = {quiz.pk: lesson_id for lesson_id, quiz in quizzes.items()}
    rows = (
        Attempt.objects.filter(user_id__in=student_ids, quiz_id__in=lesson_of_quiz)
        .annotate(
            answered=Count("responses", filter=Q(responses__answer__isnull=False)),
            questions=Count("responses"),
        )
        .values(
            "pk",
            "user_id",
            "quiz_id",
            "number",
            "status",
            "submitted_at",
            "percent",
            "mastery_percent",
            "answered",
            "questions",
        )
        .order_by("user_id", "quiz_id", "number")
    )
    grouped: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in rows:
        grouped[(row["user_id"], lesson_of_quiz[row["quiz_id"]])].append(row)
    attempts = {
        key: _summarise_attempts(rows, quizzes[key[1]]) for key, rows in grouped.items()
    }
    return Progress(quizzes=quizzes, reading=reading, attempts=attempts)


def _is_mastered(row: Mapping[str, Any]) -> bool:
    """A graded attempt at or above the mastery threshold it started with."""
    return (
        row["status"] == AttemptStatus.GRADED
        and row["percent"] is not None
        and row["percent"] >= Decimal(row["mastery_percent"])
    )


def _summarise_attempts(rows: list[dict], quiz: Quiz) -> QuizProgress:
    """Sum up one student's attempts (in number order) at one quiz: the score is
    the counting attempt's (`counting_attempt`). Mastered and awaiting grading
    follow the counting attempt under "latest"; under "best" a student is mastered
    once any graded attempt reached its own threshold (the threshold is copied to
    each attempt when it starts, so a later, higher one cannot take mastery away),
    and awaiting grading, when not mastered, while any submitted attempt awaits a
    grade (it may become the best)."""
    finished = [row for row in rows if row["status"] != AttemptStatus.IN_PROGRESS]
    open_row = next(
        (row for row in rows if row["status"] == AttemptStatus.IN_PROGRESS), None
    )
    awaiting_count = sum(row["status"] == AttemptStatus.SUBMITTED for row in finished)
    counting = counting_attempt(rows, quiz.counting_attempt)
    if quiz.counting_attempt == CountingAttempt.LATEST:
        is_mastered = counting is not None and _is_mastered(counting)
        awaiting = (
            counting is not None and counting["status"] == AttemptStatus.SUBMITTED
        )
    else:
        is_mastered = any(_is_mastered(row) for row in finished)
        awaiting = not is_mastered and awaiting_count > 0
    return QuizProgress(
        attempts_finished=len(finished),
        open_answered=open_row["answered"] if open_row else None,
        open_questions=open_row["questions"] if open_row else 0,
        first_submitted_at=min(
            (row["submitted_at"] for row in finished if row["submitted_at"]),
            default=None,
        ),
        score_percent=counting["percent"] if counting else None,
        is_mastered=is_mastered,
        is_awaiting_grading=awaiting,
        counting=quiz.counting_attempt,
        attempt_id=counting["pk"] if counting else None,
        awaiting_count=awaiting_count,
    )


# Any number no real id reaches: reversed once, then replaced by each row's value.
_LAST_ARG = 987654321987654321


def url_maker(viewname: str, *args: Any) -> Callable[[int | str], str]:
    """A function giving `reverse(viewname, args=[*args, last])` for any `last` (an
    id or a slug, used as it is) from one reverse: pages linking every student or
    question would otherwise spend much of their time reversing the same route."""
    url = reverse(viewname, args=[*args, _LAST_ARG])
    head, tail = url.rsplit(str(_LAST_ARG), 1)
    return lambda last: f"{head}{last}{tail}"


# --- My work --------------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """The one button a student sees on a piece of work."""

    label: str
    url: str


def next_step(lesson: Lesson, quiz: Quiz | None, status: WorkStatus) -> NextStep:
    """Where the student goes next: unread reading first, then the quiz. No
    queries."""
    reading = status.reading
    if reading is not None and reading.completed_at is None:
        if reading.resume_section_key:
            return NextStep(
                "Continue reading",
                reverse(
                    "lessons:section", args=[lesson.key, reading.resume_section_key]
                ),
            )
        return NextStep("Start reading", reverse("lessons:detail", args=[lesson.key]))
    if quiz is not None:
        url = reverse("quizzes:detail", args=[quiz.key])
        progress = status.quiz
        if progress is None or not progress.is_started:
            return NextStep("Take the quiz", url)
        if progress.has_open_attempt:
            return NextStep("Continue the quiz", url)
        used_up = (
            quiz.attempts_allowed is not None
            and progress.attempts_finished >= quiz.attempts_allowed
        )
        if progress.is_mastered or progress.is_awaiting_grading or used_up:
            return NextStep("See your results", url)
        return NextStep("Review or retake the quiz", url)
    return NextStep("Review the lesson", reverse("lessons:detail", args=[lesson.key]))


@dataclass(frozen=True)
class AssignedWork:
    """One assignment as one student sees it."""

    assignment: Assignment
    lesson: Lesson
    quiz: Quiz | None
    status: WorkStatus
    is_extended: bool

    @property
    def next_step(self) -> NextStep:
        return next_step(self.lesson, self.quiz, self.status)


@dataclass(frozen=True)
class ClassWork:
    classroom: Classroom
    items: list[AssignedWork]


@dataclass(frozen=True)
class ModuleWork:
    """One module in self-study: the lesson, its quiz and the student's progress."""

    lesson: Lesson
    quiz: Quiz | None
    status: WorkStatus

    @property
    def next_step(self) -> NextStep:
        return next_step(self.lesson, self.quiz, self.status)


@dataclass(frozen=True)
class MyWork:
    classes: list[ClassWork] = field(default_factory=list)
    modules: list[ModuleWork] = field(default_factory=list)


def assignments_for_student(
    student: User, *, now: datetime
) -> tuple[list[Enrollment], list[Assignment]]:
    """The student's active enrolments in classes not archived (with the class and
    its owner), and the assignments open to them there (not withdrawn, opened, for
    the whole class or for them), each with `extension_due_at`. Two queries."""
    enrollments = list(
        Enrollment.objects.filter(
            student=student,
            removed_at__isnull=True,
            classroom__archived_at__isnull=True,
        )
        .select_related("classroom__owner")
        .order_by("classroom__name", "classroom__section", "classroom_id")
    )
    assignments = list(
        assignments_reaching(
            student, classroom_ids=[e.classroom_id for e in enrollments]
        ).filter(opens_at__lte=now, lesson__published=True)
    )
    return enrollments, assignments


def assignments_reaching(
    student: User, *, classroom_ids: Iterable[int]
) -> QuerySet[Assignment]:
    """The assignments of these classes that reach the student (not withdrawn; for
    the whole class or chosen for them), each with `extension_due_at` (their own due
    date if extended, else None) and its lesson, by due date. One query when read."""
    chosen = Assignment.students.through.objects.filter(
        assignment_id=OuterRef("pk"), user_id=student.pk
    )
    extension = Extension.objects.filter(
        assignment_id=OuterRef("pk"), student_id=student.pk
    ).values("due_at")[:1]
    return (
        Assignment.objects.filter(
            classroom_id__in=list(classroom_ids), withdrawn_at__isnull=True
        )
        .filter(Q(for_whole_class=True) | Exists(chosen))
        .annotate(extension_due_at=Subquery(extension))
        .select_related("lesson")
        .order_by("due_at", "lesson__number", "pk")
    )


def my_work_for_student(student: User, *, now: datetime | None = None) -> MyWork:
    """Everything on a student's "My work" page: per class (active enrolments, not
    archived), the open assignments with their status; then every published module
    with the student's progress (self-study). Six queries, whatever the number of
    classes, assignments and attempts."""
    now = now or timezone.now()
    enrollments, assignments = assignments_for_student(student, now=now)
    lessons = list(Lesson.objects.filter(published=True).order_by("number"))
    progress = progress_for(
        student_ids=[student.pk],
        lesson_ids={lesson.pk for lesson in lessons}
        | {a.lesson_id for a in assignments},
    )
    by_class: dict[int, list[AssignedWork]] = defaultdict(list)
    for assignment in assignments:
        due_at = effective_due_at(assignment.due_at, assignment.extension_due_at)
        by_class[assignment.classroom_id].append(
            AssignedWork(
                assignment=assignment,
                lesson=assignment.lesson,
                quiz=progress.quiz_for(assignment.lesson_id),
                status=progress.status(
                    student_id=student.pk,
                    lesson_id=assignment.lesson_id,
                    includes_reading=assignment.includes_reading,
                    due_at=due_at,
                    now=now,
                ),
                is_extended=due_at != assignment.due_at,
            )
        )
    return MyWork(
        classes=[
            ClassWork(classroom=e.classroom, items=by_class[e.classroom_id])
            for e in enrollments
        ],
        modules=[
            ModuleWork(
                lesson=lesson,
                quiz=progress.quiz_for(lesson.pk),
                status=progress.status(
                    student_id=student.pk,
                    lesson_id=lesson.pk,
                    includes_reading=True,
                    due_at=None,
                    now=now,
                ),
            )
            for lesson in lessons
        ],
    )


# --- A whole class --------------------------------------------------------------------


@dataclass(frozen=True)
class StatusGrid:
    """Every active student × every active assignment of one class. `cells` maps
    (student id, assignment id) to a WorkStatus, present only where the assignment
    reaches the student."""

    classroom: Classroom
    students: list[User]
    assignments: list[Assignment]
    cells: dict[tuple[int, int], WorkStatus]
    extended: set[tuple[int, int]]

    def cell(self, student: User, assignment: Assignment) -> WorkStatus | None:
        return self.cells.get((student.pk, assignment.pk))


def status_grid_for_classroom(
    classroom: Classroom, *, now: datetime | None = None
) -> StatusGrid:
    """The status of every student on the active roster on every assignment not
    withdrawn (opened or not), for a teacher's class view and reports. Seven
    queries, whatever the number of students and assignments."""
    now = now or timezone.now()
    students = [
        enrollment.student
        for enrollment in Enrollment.objects.filter(
            classroom=classroom, removed_at__isnull=True
        )
        .select_related("student")
        .order_by("student__display_name", "student__username")
    ]
    assignments = list(
        Assignment.objects.filter(classroom=classroom, withdrawn_at__isnull=True)
        .select_related("lesson")
        .prefetch_related(Prefetch("students", queryset=User.objects.only("pk")))
        .order_by("due_at", "lesson__number", "pk")
    )
    extensions = {
        (row["student_id"], row["assignment_id"]): row["due_at"]
        for row in Extension.objects.filter(
            assignment_id__in=[a.pk for a in assignments]
        ).values("student_id", "assignment_id", "due_at")
    }
    progress = progress_for(
        student_ids=[s.pk for s in students],
        lesson_ids={a.lesson_id for a in assignments},
    )
    cells: dict[tuple[int, int], WorkStatus] = {}
    extended: set[tuple[int, int]] = set()
    for assignment in assignments:
        reached = (
            None
            if assignment.for_whole_class
            else {s.pk for s in assignment.students.all()}
        )
        for student in students:
            if reached is not None and student.pk not in reached:
                continue
            key = (student.pk, assignment.pk)
            due_at = effective_due_at(assignment.due_at, extensions.get(key))
            if due_at != assignment.due_at:
                extended.add(key)
            cells[key] = progress.status(
                student_id=student.pk,
                lesson_id=assignment.lesson_id,
                includes_reading=assignment.includes_reading,
                due_at=due_at,
                now=now,
            )
    return StatusGrid(
        classroom=classroom,
        students=students,
        assignments=assignments,
        cells=cells,
        extended=extended,
    )


# --- Teacher pages --------------------------------------------------------------------


def _active_student_count() -> Subquery:
    return Coalesce(
        Subquery(
            Enrollment.objects.filter(
                classroom_id=OuterRef("pk"), removed_at__isnull=True
            )
            .values("classroom_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _active_assignment_count() -> Subquery:
    return Coalesce(
        Subquery(
            Assignment.objects.filter(
                classroom_id=OuterRef("pk"), withdrawn_at__isnull=True
            )
            .values("classroom_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def classrooms_for_teacher(teacher: User) -> list[Classroom]:
    """The classes a teacher owns or co-teaches, archived ones last, each with
    `student_count` and `assignment_count` (active ones). One query."""
    return list(
        classrooms_taught_by(teacher)
        .select_related("owner")
        .annotate(
            student_count=_active_student_count(),
            assignment_count=_active_assignment_count(),
        )
        .order_by("archived_at", "name", "section", "pk")
    )


def roster_for_classroom(classroom: Classroom) -> list[Enrollment]:
    """The class's active enrolments with their students, by name. One query."""
    return list(
        Enrollment.objects.filter(classroom=classroom, removed_at__isnull=True)
        .select_related("student")
        .order_by("student__display_name", "student__username")
    )


def assignments_for_classroom(classroom: Classroom) -> list[Assignment]:
    """The class's assignments not withdrawn, by due date, with their lesson, chosen
    students and `extension_count`. Two queries."""
    return list(
        Assignment.objects.filter(classroom=classroom, withdrawn_at__isnull=True)
        .select_related("lesson")
        .annotate(extension_count=Count("extensions"))
        .prefetch_related(
            Prefetch(
                "students",
                queryset=User.objects.order_by("display_name", "username"),
            )
        )
        .order_by("due_at", "lesson__number", "pk")
    )


def extensions_for_assignment(assignment: Assignment) -> list[Extension]:
    """The assignment's extensions with their students, by student name. One
    query."""
    return list(
        Extension.objects.filter(assignment=assignment)
        .select_related("student", "granted_by")
        .order_by("student__display_name", "student__username")
    )


def students_reached_by(assignment: Assignment):
    """A queryset of the students on the roster whom the assignment reaches."""
    students = User.objects.filter(
        enrollments__classroom_id=assignment.classroom_id,
        enrollments__removed_at__isnull=True,
    )
    if not assignment.for_whole_class:
        chosen = Assignment.students.through.objects.filter(
            assignment_id=assignment.pk
        ).values("user_id")
        students = students.filter(pk__in=chosen)
    return students.order_by("display_name", "username")


def roster_students(classroom: Classroom):
    """A queryset of the students on the class's active roster, by name."""
    return User.objects.filter(
        enrollments__classroom=classroom, enrollments__removed_at__isnull=True
    ).order_by("display_name", "username")


def co_teachers_for_classroom(classroom: Classroom) -> list[User]:
    """The class's co-teachers by name. One query."""
    return list(classroom.co_teachers.order_by("display_name", "username"))


def quiz_due_at_for_student(student: User, quiz: Quiz) -> datetime | None:
    """When `quiz` is due for `student` through their class assignments: the latest
    effective due date (extensions included) among the open assignments of its
    lesson, or None when it is not assigned. Feeds the quizzes app's "show answers
    after the due date" policy. Two queries."""
    _, assignments = assignments_for_student(student, now=timezone.now())
    due_dates = [
        effective_due_at(assignment.due_at, assignment.extension_due_at)
        for assignment in assignments
        if assignment.lesson_id == quiz.lesson_id
    ]
    return max(due_dates) if due_dates else None
