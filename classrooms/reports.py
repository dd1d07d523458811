"""Reports for teachers: class summaries, the progress grid, its CSV and one
student's record.

Every report is built on the one status rule (`selectors.work_status`, through
`selectors.progress_for` and `selectors.status_grid_for_classroom`), so the
dashboard, the admin and the CSV files show the same numbers. Each function
answers in a fixed number of queries whatever the number of classes, students,
assignments and attempts; the count is in its docstring and pinned in
tests/classrooms/test_reports.py and test_dashboard_views.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Count, Q, Sum
from django.template.defaultfilters import floatformat
from django.utils import timezone

from accounts.models import User
from classrooms.charts import Series, legend, line_chart
from classrooms.models import Assignment, Classroom, Enrollment, Extension
from classrooms.selectors import (
    WorkState,
    WorkStatus,
    assignments_reaching,
    classrooms_for_teacher,
    effective_due_at,
    progress_for,
    status_grid_for_classroom,
    url_maker,
)
from lessons.models import Lesson, LessonProgress
from quizzes.models import Attempt, AttemptStatus, Response, Skill

# --- Class summaries (the pulse on /teach/ and the admin's columns) -----------------


@dataclass(frozen=True)
class ClassSummary:
    """How one class is doing, counted in students (except `assignments` and
    `awaiting_grading`). See `summaries_for_classrooms` for each definition."""

    students: int = 0
    assignments: int = 0
    started: int = 0
    completed: int = 0
    mastered: int = 0
    overdue: int = 0
    awaiting_grading: int = 0
    on_track: int = 0
    behind: int = 0


def is_overdue(status: WorkStatus) -> bool:
    """Not done and its due date (extension included) has passed."""
    return status.is_late and not status.is_done


def is_below_mastery(status: WorkStatus) -> bool:
    """Done, with a quiz whose counting attempt is graded below the mastery
    threshold (work without a quiz is never below mastery)."""
    return (
        status.is_done
        and status.quiz is not None
        and status.state == WorkState.COMPLETED
    )


def summarise_cells(
    student_ids: Sequence[int],
    assignments: Sequence[Assignment],
    cells: dict[tuple[int, int], WorkStatus],
    waiting: dict[tuple[int, int], int],
) -> ClassSummary:
    """Count a class's summary from its grid cells (keyed by student id and
    assignment id) and `waiting`, the number of attempts awaiting grading keyed by
    student id and lesson id. Pure: no queries."""
    lesson_of = {assignment.pk: assignment.lesson_id for assignment in assignments}
    by_student: dict[int, list[WorkStatus]] = defaultdict(list)
    # Keyed by lesson, so a lesson assigned twice counts its attempts once.
    to_grade: dict[tuple[int, int], int] = {}
    for (student_id, assignment_id), status in cells.items():
        by_student[student_id].append(status)
        key = (student_id, lesson_of[assignment_id])
        to_grade[key] = waiting.get(key, 0)
    started = completed = mastered = overdue = behind = 0
    for student_id in student_ids:
        work = by_student.get(student_id, [])
        quizzed = [status for status in work if status.quiz is not None]
        started += any(status.state != WorkState.NOT_STARTED for status in work)
        completed += bool(work) and all(status.is_done for status in work)
        mastered += bool(quizzed) and all(
            status.state == WorkState.MASTERED for status in quizzed
        )
        is_student_overdue = any(is_overdue(status) for status in work)
        overdue += is_student_overdue
        behind += is_student_overdue or any(is_below_mastery(s) for s in work)
    return ClassSummary(
        students=len(student_ids),
        assignments=len(assignments),
        started=started,
        completed=completed,
        mastered=mastered,
        overdue=overdue,
        awaiting_grading=sum(to_grade.values()),
        on_track=len(student_ids) - behind,
        behind=behind,
    )


def _awaiting_grading(
    student_ids: Iterable[int], lesson_of_quiz: dict[int, int]
) -> dict[tuple[int, int], int]:
    """Attempts awaiting a teacher's grade, counted by (student id, lesson id), at
    the given quizzes (quiz id → lesson id). One query."""
    return {
        (row["user_id"], lesson_of_quiz[row["quiz_id"]]): row["n"]
        for row in Attempt.objects.filter(
            user_id__in=list(student_ids),
            quiz_id__in=list(lesson_of_quiz),
            status=AttemptStatus.SUBMITTED,
        )
        .values("user_id", "quiz_id")
        .annotate(n=Count("pk"))
        .order_by()
    }


def summaries_for_classrooms(
    classrooms: Sequence[Classroom], *, now: datetime | None = None
) -> dict[int, ClassSummary]:
    """How each class is doing, keyed by classroom pk. Eight queries, whatever the
    number of classes, students, assignments and attempts (rosters, assignments and
    their chosen students, extensions, `progress_for`'s three, and the attempts
    awaiting grading).

    Counted over the active roster and the assignments not withdrawn (opened or
    not, as in the class grid), on the pieces of work that reach each student:

    - `students`: students on the active roster; `assignments`: assignments not
      withdrawn.
    - `started`: students who have started at least one piece of their work
      (reading or a quiz, wherever they did it).
    - `completed`: students with at least one piece of work who have done all of
      it (late or not).
    - `mastered`: students with at least one assigned quiz whose counting attempt
      is mastered on every assigned quiz (reading-only work is left out).
    - `overdue`: students with at least one piece of work not done whose due date
      (extension included) has passed.
    - `awaiting_grading`: submitted attempts still waiting for a teacher's grade,
      by students on the roster, at the quizzes of lessons assigned to them here.
    - `behind`: students who are overdue on something or whose done work includes
      a quiz graded below mastery; `on_track` = `students` − `behind`.
    """
    now = now or timezone.now()
    class_ids = [classroom.pk for classroom in classrooms]
    roster: dict[int, list[int]] = defaultdict(list)
    for row in (
        Enrollment.objects.filter(classroom_id__in=class_ids, removed_at__isnull=True)
        .order_by("student__display_name", "student__username")
        .values("classroom_id", "student_id")
    ):
        roster[row["classroom_id"]].append(row["student_id"])
    assignments = list(
        Assignment.objects.filter(classroom_id__in=class_ids, withdrawn_at__isnull=True)
        .only("pk", "classroom_id", "lesson_id", "kind", "for_whole_class", "due_at")
        .order_by("due_at", "pk")
    )
    chosen: dict[int, set[int]] = defaultdict(set)
    for row in Assignment.students.through.objects.filter(
        assignment_id__in=[a.pk for a in assignments if not a.for_whole_class]
    ).values("assignment_id", "user_id"):
        chosen[row["assignment_id"]].add(row["user_id"])
    extensions = {
        (row["student_id"], row["assignment_id"]): row["due_at"]
        for row in Extension.objects.filter(
            assignment_id__in=[a.pk for a in assignments]
        ).values("student_id", "assignment_id", "due_at")
    }
    all_students = {pk for ids in roster.values() for pk in ids}
    progress = progress_for(
        student_ids=all_students, lesson_ids={a.lesson_id for a in assignments}
    )
    lesson_of_quiz = {
        quiz.pk: lesson_id for lesson_id, quiz in progress.quizzes.items()
    }
    waiting = _awaiting_grading(all_students, lesson_of_quiz)
    by_class: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_class[assignment.classroom_id].append(assignment)
    summaries = {}
    for class_id in class_ids:
        student_ids = roster.get(class_id, [])
        class_assignments = by_class.get(class_id, [])
        cells: dict[tuple[int, int], WorkStatus] = {}
        for assignment in class_assignments:
            for student_id in student_ids:
                if not assignment.for_whole_class and student_id not in chosen.get(
                    assignment.pk, ()
                ):
                    continue
                key = (student_id, assignment.pk)
                cells[key] = progress.status(
                    student_id=student_id,
                    lesson_id=assignment.lesson_id,
                    includes_reading=assignment.includes_reading,
                    due_at=effective_due_at(assignment.due_at, extensions.get(key)),
                    now=now,
                )
        summaries[class_id] = summarise_cells(
            student_ids, class_assignments, cells, waiting
        )
    return summaries


# --- The class progress grid ----------------------------------------------------------


class Attention:
    """Why a student needs the teacher's attention, most pressing first."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    BELOW_MASTERY = "below_mastery"
    AWAITING_GRADING = "awaiting_grading"

    ORDER = (OVERDUE, DUE_SOON, BELOW_MASTERY, AWAITING_GRADING)
    LABELS = {
        OVERDUE: "Overdue",
        DUE_SOON: "Due soon, not started",
        BELOW_MASTERY: "Below mastery",
        AWAITING_GRADING: "Awaiting grading",
    }
    MARKS = {OVERDUE: "!", DUE_SOON: "⏱", BELOW_MASTERY: "↓", AWAITING_GRADING: "✎"}


DUE_SOON = timedelta(days=2)

SORTS = {
    "attention": "Needs attention first",
    "name": "Name",
    "status": "Least progress first",
    "score": "Lowest score first",
}
DEFAULT_SORT = "attention"

STATE_RANK = {
    WorkState.NOT_STARTED: 0,
    WorkState.IN_PROGRESS: 1,
    WorkState.AWAITING_GRADING: 2,
    WorkState.COMPLETED: 3,
    WorkState.MASTERED: 4,
}

# Each state is a word, a colour (the cell's class) and an icon (progress_legend.html).
STATE_ICONS = {
    WorkState.NOT_STARTED: "○",
    WorkState.IN_PROGRESS: "◐",
    WorkState.AWAITING_GRADING: "✎",
    WorkState.COMPLETED: "✓",
    WorkState.MASTERED: "★",
}


@dataclass(frozen=True)
class Reason:
    """One reason a student needs attention, on one assignment."""

    kind: str
    assignment: Assignment

    @property
    def label(self) -> str:
        return Attention.LABELS[self.kind]

    @property
    def mark(self) -> str:
        return Attention.MARKS[self.kind]


def attention_for(status: WorkStatus, *, now: datetime) -> str | None:
    """The most pressing reason one piece of work needs attention, or None:
    overdue (not done, due date passed); due soon (not started and due within two
    days); below mastery (done, quiz graded below the threshold); awaiting
    grading. Pure: no queries."""
    if is_overdue(status):
        return Attention.OVERDUE
    if (
        status.state == WorkState.NOT_STARTED
        and status.due_at is not None
        and status.due_at - now <= DUE_SOON
    ):
        return Attention.DUE_SOON
    if is_below_mastery(status):
        return Attention.BELOW_MASTERY
    if status.state == WorkState.AWAITING_GRADING:
        return Attention.AWAITING_GRADING
    return None


@dataclass(frozen=True)
class GridCell:
    """One student's work on one assignment as the grid shows it. `status` is None
    where the assignment does not reach the student; `attempt_id` is the quiz's
    counting attempt (`selectors.counting_attempt`), the one behind the score.

    What the page shows of the cell (`label`, `css_class`, `icon`, `flag`,
    `score_text`, `url`) is worked out once, by `grid_cell`, so the template only
    prints it: a class grid is a few hundred cells, and deciding each of them in
    the template was most of the page's time."""

    assignment: Assignment
    status: WorkStatus | None
    is_extended: bool = False
    attempt_id: int | None = None
    label: str = "Not assigned"
    css_class: str = "grid-cell state-none"
    icon: str = ""
    flag: str = ""  # "overdue", "late" or ""
    flag_label: str = ""
    score: Decimal | None = None
    score_text: str = ""
    link_attempt_id: int | None = None
    url: str = ""

    @property
    def is_overdue(self) -> bool:
        return self.flag == "overdue"

    @property
    def is_done_late(self) -> bool:
        return self.flag == "late"

    @property
    def is_late(self) -> bool | None:
        return self.status.is_late if self.status else None

    @property
    def values(self) -> list:
        """What the CSV holds for this cell: status, late flag, score %."""
        return [self.label, self.is_late, self.score]


def grid_cell(
    assignment: Assignment,
    status: WorkStatus | None,
    *,
    is_extended: bool = False,
    attempt_url: Callable[[int], str] | None = None,
) -> GridCell:
    """The grid's cell for one student's status on one assignment (None: not
    assigned to them). The score is the counting one once the quiz is submitted
    (None while the only submitted attempts still await a grade: their percent is
    not known); the link opens that attempt (`attempt_url` builds it). No
    queries."""
    if status is None:
        return GridCell(assignment=assignment, status=None)
    quiz = status.quiz
    is_finished = quiz is not None and quiz.is_finished
    score = quiz.score_percent if is_finished else None
    link_attempt_id = quiz.attempt_id if is_finished else None
    if is_overdue(status):
        flag, flag_label = "overdue", "Overdue"
    elif status.is_late and status.is_done:
        flag, flag_label = "late", "Late"
    else:
        flag, flag_label = "", ""
    return GridCell(
        assignment=assignment,
        status=status,
        is_extended=is_extended,
        attempt_id=quiz.attempt_id if quiz is not None else None,
        label=status.label,
        css_class=f"grid-cell state-{status.state}"
        + (" is-overdue" if flag == "overdue" else ""),
        icon=STATE_ICONS[status.state],
        flag=flag,
        flag_label=flag_label,
        score=score,
        score_text=f"{floatformat(score, -1)}%" if score is not None else "",
        link_attempt_id=link_attempt_id,
        url=attempt_url(link_attempt_id)
        if attempt_url is not None and link_attempt_id is not None
        else "",
    )


@dataclass(frozen=True)
class GridRow:
    """One student's row: their cells in assignment order and what needs
    attention (most pressing first)."""

    student: User
    cells: list[GridCell]
    reasons: list[Reason]
    url: str = ""

    @property
    def name(self) -> str:
        return self.student.display_name or self.student.username

    @property
    def attention_rank(self) -> int:
        if not self.reasons:
            return len(Attention.ORDER)
        return Attention.ORDER.index(self.reasons[0].kind)

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)

    @property
    def average_score(self) -> Decimal | None:
        scores = [cell.score for cell in self.cells if cell.score is not None]
        return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True)
class ProgressGrid:
    """A class's progress grid: students × assignments, sorted, with the class
    summary counted from the same cells."""

    classroom: Classroom
    assignments: list[Assignment]
    rows: list[GridRow]
    summary: ClassSummary
    sort: str

    @property
    def sort_label(self) -> str:
        return SORTS[self.sort]

    @property
    def attention_count(self) -> int:
        return sum(row.needs_attention for row in self.rows)


def _name_key(student: User) -> tuple:
    return ((student.display_name or student.username).casefold(), student.username)


def sort_rows(rows: list[GridRow], sort: str) -> list[GridRow]:
    """The rows in the order asked for; ties always fall back to the name, so the
    order is stable. Unknown sorts are the default (needs attention first)."""
    by_name = sorted(rows, key=lambda row: _name_key(row.student))
    if sort == "name":
        return by_name
    if sort == "status":
        return sorted(
            by_name,
            key=lambda row: sorted(
                STATE_RANK[cell.status.state] for cell in row.cells if cell.status
            ),
        )
    if sort == "score":
        # Lowest average first; students with no score yet last.
        return sorted(
            by_name,
            key=lambda row: (row.average_score is None, row.average_score or 0),
        )
    return sorted(by_name, key=lambda row: row.attention_rank)


def assignment_label(assignment: Assignment) -> str:
    """How an assignment is named in the grid's header and the CSV."""
    label = f"Module {assignment.lesson.number}: {assignment.lesson.title}"
    if not assignment.includes_reading:
        label += " (quiz only)"
    if not assignment.for_whole_class:
        label += " (chosen students)"
    return label


def progress_grid_for_classroom(
    classroom: Classroom, *, sort: str = DEFAULT_SORT, now: datetime | None = None
) -> ProgressGrid:
    """Every active student × every assignment not withdrawn, with status, score,
    the attempt to link to, the reasons a student needs attention, sorted as asked
    (`SORTS`), and the class summary counted from the same cells. Seven queries:
    `status_grid_for_classroom`'s (the attempts it reads give the scores, the
    counting attempts and the attempts awaiting grading)."""
    now = now or timezone.now()
    grid = status_grid_for_classroom(classroom, now=now)
    attempt_url = url_maker("classrooms:attempt_detail", classroom.pk)
    student_url = url_maker("classrooms:student_detail", classroom.pk)
    rows = []
    for student in grid.students:
        cells = []
        reasons = []
        for assignment in grid.assignments:
            status = grid.cell(student, assignment)
            cells.append(
                grid_cell(
                    assignment,
                    status,
                    is_extended=(student.pk, assignment.pk) in grid.extended,
                    attempt_url=attempt_url,
                )
            )
            reason = attention_for(status, now=now) if status else None
            if reason:
                reasons.append(Reason(reason, assignment))
        reasons.sort(key=lambda r: Attention.ORDER.index(r.kind))
        rows.append(
            GridRow(
                student=student,
                cells=cells,
                reasons=reasons,
                url=student_url(student.pk),
            )
        )
    lesson_of = {assignment.pk: assignment.lesson_id for assignment in grid.assignments}
    waiting = {
        (student_id, lesson_of[assignment_id]): status.quiz.awaiting_count
        for (student_id, assignment_id), status in grid.cells.items()
        if status.quiz is not None
    }
    summary = summarise_cells(
        [s.pk for s in grid.students], grid.assignments, grid.cells, waiting
    )
    sort = sort if sort in SORTS else DEFAULT_SORT
    return ProgressGrid(
        classroom=classroom,
        assignments=grid.assignments,
        rows=sort_rows(rows, sort),
        summary=summary,
        sort=sort,
    )


@dataclass(frozen=True)
class Table:
    """A table as plain values: what a CSV file holds."""

    header: list[str]
    rows: list[list]


def table_for_grid(grid: ProgressGrid) -> Table:
    """The grid as a table: one row per student (in the grid's order): name,
    username, then per assignment its status label, late flag and score %. No
    queries."""
    header = ["Name", "Username"]
    for assignment in grid.assignments:
        label = assignment_label(assignment)
        header += [f"{label}: status", f"{label}: late", f"{label}: score %"]
    rows = []
    for row in grid.rows:
        values = [
            row.student.display_name or row.student.username,
            row.student.username,
        ]
        for cell in row.cells:
            values += cell.values
        rows.append(values)
    return Table(header=header, rows=rows)


def progress_table_for_classroom(
    classroom: Classroom, *, sort: str = "name", now: datetime | None = None
) -> Table:
    """Exactly the values the class grid shows, as a table (see `table_for_grid`),
    by name unless another sort is asked for. Seven queries (the grid's)."""
    return table_for_grid(progress_grid_for_classroom(classroom, sort=sort, now=now))


# --- One student's record -------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentRecord:
    """One assignment reaching the student, with their status on it."""

    assignment: Assignment
    status: WorkStatus
    extension_due_at: datetime | None

    @property
    def label(self) -> str:
        return assignment_label(self.assignment)

    @property
    def is_extended(self) -> bool:
        return self.status.due_at != self.assignment.due_at

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.status)

    @property
    def score(self) -> Decimal | None:
        quiz = self.status.quiz
        return quiz.score_percent if quiz is not None and quiz.is_finished else None


@dataclass(frozen=True)
class ReadingRecord:
    """The student's reading of one assigned lesson."""

    lesson: Lesson
    percent: int
    sections_read: int
    sections_total: int
    completed_at: datetime | None
    last_visited_at: datetime | None

    @property
    def bar(self) -> int:
        """The width class step (0, 5, … 100), rounded down."""
        return max(0, min(100, self.percent // 5 * 5))


@dataclass(frozen=True)
class SkillSeries:
    """One historical-thinking skill: the share of its points earned, per finished
    attempt (None where the attempt had no graded question of that skill)."""

    skill: str
    label: str
    percents: list[Decimal | None]


@dataclass(frozen=True)
class SkillRow:
    """One finished attempt's row of the skill profile."""

    attempt: Attempt
    label: str
    values: list[Decimal | None]


@dataclass(frozen=True)
class StudentRecord:
    """Everything the student page shows about one student in one class."""

    classroom: Classroom
    student: User
    assignments: list[AssignmentRecord]
    attempts: list[Attempt]
    reading: list[ReadingRecord]
    skill_attempts: list[Attempt]
    skills: list[SkillSeries]

    @property
    def skill_rows(self) -> list[SkillRow]:
        """The skill profile by attempt (the chart's table): one row per finished
        attempt, one value per skill in `skills`."""
        return [
            SkillRow(
                attempt=attempt,
                label=skill_attempt_label(attempt),
                values=[series.percents[index] for series in self.skills],
            )
            for index, attempt in enumerate(self.skill_attempts)
        ]


def _percent(earned: Decimal | None, possible: Decimal | None) -> Decimal | None:
    """Earned over possible as a percent, rounded down to a tenth (as attempts
    are), or None when nothing was possible."""
    if not possible:
        return None
    tenths = (Decimal(earned or 0) * 1000 / Decimal(possible)).to_integral_value(
        rounding=ROUND_FLOOR
    )
    return (tenths / 10).quantize(Decimal("0.1"))


def student_record_for_classroom(
    classroom: Classroom, student: User, *, now: datetime | None = None
) -> StudentRecord:
    """One student's record in one class: every assignment not withdrawn that
    reaches them (status, due date, extension, score), every attempt at those
    assignments' quizzes (oldest first), their reading of those lessons, and
    their skill profile: per finished attempt, oldest first, the share of points
    earned on each historical-thinking skill (written answers still awaiting a
    grade are left out until graded). Only work on this class's assigned modules is
    shown. Eight queries, whatever the number of assignments and attempts."""
    now = now or timezone.now()
    assignments = list(assignments_reaching(student, classroom_ids=[classroom.pk]))
    lesson_ids = {assignment.lesson_id for assignment in assignments}
    progress = progress_for(student_ids=[student.pk], lesson_ids=lesson_ids)
    records = [
        AssignmentRecord(
            assignment=assignment,
            status=progress.status(
                student_id=student.pk,
                lesson_id=assignment.lesson_id,
                includes_reading=assignment.includes_reading,
                due_at=effective_due_at(assignment.due_at, assignment.extension_due_at),
                now=now,
            ),
            extension_due_at=assignment.extension_due_at,
        )
        for assignment in assignments
    ]
    attempts = list(
        Attempt.objects.filter(
            user=student, quiz_id__in=[q.pk for q in progress.quizzes.values()]
        )
        .select_related("quiz__lesson")
        .order_by("started_at", "pk")
    )
    reading_rows = {
        row.lesson_id: row
        for row in LessonProgress.objects.filter(user=student, lesson_id__in=lesson_ids)
    }
    lessons = (
        Lesson.objects.filter(pk__in=lesson_ids)
        .annotate(sections_total=Count("sections", filter=Q(sections__published=True)))
        .order_by("number")
    )
    reading = []
    for lesson in lessons:
        row = reading_rows.get(lesson.pk)
        reading.append(
            ReadingRecord(
                lesson=lesson,
                percent=row.percent if row else 0,
                sections_read=row.sections_completed if row else 0,
                sections_total=lesson.sections_total,
                completed_at=row.completed_at if row else None,
                last_visited_at=row.last_visited_at if row else None,
            )
        )
    finished = [a for a in attempts if a.status != AttemptStatus.IN_PROGRESS]
    finished.sort(key=lambda a: (a.submitted_at, a.pk))
    points: dict[tuple[int, str], tuple[Decimal, Decimal]] = {
        (row["attempt_id"], row["question__skill"]): (row["earned"], row["possible"])
        for row in Response.objects.filter(
            attempt_id__in=[a.pk for a in finished], score__isnull=False
        )
        .values("attempt_id", "question__skill")
        .annotate(earned=Sum("score"), possible=Sum("max_score"))
        .order_by()
    }
    present = {skill for _, skill in points}
    skills = [
        SkillSeries(
            skill=skill.value,
            label=skill.label,
            percents=[
                _percent(*points.get((attempt.pk, skill.value), (None, None)))
                for attempt in finished
            ],
        )
        for skill in Skill
        if skill.value in present
    ]
    return StudentRecord(
        classroom=classroom,
        student=student,
        assignments=records,
        attempts=attempts,
        reading=reading,
        skill_attempts=finished,
        skills=skills,
    )


def _when(value: datetime | None, classroom: Classroom) -> str:
    """A moment as the class reads it (its time zone), for CSV files."""
    if value is None:
        return ""
    return timezone.localtime(value, classroom.zone).strftime("%Y-%m-%d %H:%M")


STUDENT_TABLES = {
    "assignments": "Assignments",
    "attempts": "Quiz attempts",
    "reading": "Reading",
    "skills": "Skills over time",
}


def student_tables(record: StudentRecord) -> dict[str, Table]:
    """Each table of the student page as plain values, keyed as in
    `STUDENT_TABLES`: what its CSV file holds. Times in the class's time zone. No
    queries."""
    classroom = record.classroom
    assignments = Table(
        header=[
            "Assignment",
            "Status",
            "Late",
            "Score %",
            "Due",
            "Extended to",
            "Finished",
        ],
        rows=[
            [
                item.label,
                item.status.label,
                item.status.is_late,
                item.score,
                _when(item.assignment.due_at, classroom),
                _when(item.extension_due_at, classroom) if item.is_extended else "",
                _when(item.status.finished_at, classroom),
            ]
            for item in record.assignments
        ],
    )
    attempts = Table(
        header=["Quiz", "Attempt", "Status", "Score", "Out of", "Score %", "Submitted"],
        rows=[
            [
                attempt.quiz.title,
                attempt.number,
                attempt.get_status_display(),
                attempt.score if not attempt.is_in_progress else None,
                attempt.max_score,
                attempt.percent,
                _when(attempt.submitted_at, classroom),
            ]
            for attempt in record.attempts
        ],
    )
    reading = Table(
        header=["Lesson", "Percent read", "Sections read", "Sections", "Finished"],
        rows=[
            [
                f"Module {item.lesson.number}: {item.lesson.title}",
                item.percent,
                item.sections_read,
                item.sections_total,
                _when(item.completed_at, classroom),
            ]
            for item in record.reading
        ],
    )
    skills = Table(
        header=["Attempt", "Submitted"] + [series.label for series in record.skills],
        rows=[
            [row.label, _when(row.attempt.submitted_at, classroom), *row.values]
            for row in record.skill_rows
        ],
    )
    return {
        "assignments": assignments,
        "attempts": attempts,
        "reading": reading,
        "skills": skills,
    }


def skill_attempt_label(attempt: Attempt) -> str:
    """How an attempt is named on the skills chart and table: its module and
    number, e.g. "M2 #1"."""
    return f"M{attempt.quiz.lesson.number} #{attempt.number}"


def skills_chart(record: StudentRecord) -> dict | None:
    """The skill profile as a line chart (one line per skill, one point per
    finished attempt, oldest first) and its legend, or None when there is nothing
    to draw. No queries."""
    if not record.skills:
        return None
    series = [Series(s.label, s.percents) for s in record.skills]
    name = record.student.display_name or record.student.username
    return {
        "svg": line_chart(
            series,
            title=f"{name}: share of points earned per skill, by attempt",
            x_labels=[skill_attempt_label(a) for a in record.skill_attempts],
        ),
        "legend": legend(series),
    }


# --- The teacher's classes -----------------------------------------------------------


def classrooms_with_summaries_for_teacher(
    teacher: User, *, now: datetime | None = None
) -> list[Classroom]:
    """The classes a teacher owns or co-teaches (archived ones last, as in
    `selectors.classrooms_for_teacher`), each active one with `summary` (a
    ClassSummary; None on archived classes). Nine queries, whatever the number of
    classes and students."""
    classrooms = classrooms_for_teacher(teacher)
    active = [c for c in classrooms if c.archived_at is None]
    summaries = summaries_for_classrooms(active, now=now)
    for classroom in classrooms:
        classroom.summary = summaries.get(classroom.pk)
    return classrooms
