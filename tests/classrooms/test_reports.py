"""Report selectors against hand-counted expectations (see dashboard_data.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from classrooms import services
from classrooms.reports import (
    ClassSummary,
    progress_grid_for_classroom,
    progress_table_for_classroom,
    student_record_for_classroom,
    summaries_for_classrooms,
    summarise_cells,
)
from classrooms.roster import RosterRow
from classrooms.selectors import status_grid_for_classroom
from tests.classrooms.conftest import assign, make_module, read_all, take_quiz
from tests.classrooms.dashboard_data import build_report_class

SUMMARY_QUERIES = 8
GRID_QUERIES = 7  # the status grid's; scores and links come from the same attempts
RECORD_QUERIES = 8


@pytest.fixture
def report_class(teacher, other_teacher):
    return build_report_class(teacher, other_teacher)


def test_summary_counts_match_the_hand_count(report_class):
    summary = summaries_for_classrooms([report_class.classroom])[
        report_class.classroom.pk
    ]
    assert summary == ClassSummary(
        students=6,
        assignments=2,
        started=4,
        completed=3,
        mastered=1,
        overdue=1,
        awaiting_grading=1,
        on_track=3,
        behind=3,
    )


def test_summary_equals_the_class_grid(report_class):
    grid = status_grid_for_classroom(report_class.classroom)
    fay, lesson_a = report_class.students["Fay"], report_class.a.lesson_id
    from_grid = summarise_cells(
        [s.pk for s in grid.students],
        grid.assignments,
        grid.cells,
        {(fay.pk, lesson_a): 1},
    )
    assert (
        summaries_for_classrooms([report_class.classroom])[report_class.classroom.pk]
        == from_grid
    )


def test_summary_of_an_empty_class_is_all_zero(classroom):
    assert summaries_for_classrooms([classroom]) == {classroom.pk: ClassSummary()}


def test_withdrawing_an_assignment_removes_its_work_from_the_summary(report_class):
    services.withdraw_assignment(assignment=report_class.a)
    summary = summaries_for_classrooms([report_class.classroom])[
        report_class.classroom.pk
    ]
    # Only B is left: Ana is below mastery, nobody is overdue, Fay's A attempt
    # no longer counts.
    assert (summary.assignments, summary.overdue, summary.behind) == (1, 0, 1)
    assert summary.awaiting_grading == 0
    assert summary.completed == 3  # Ana, Eli, Fay finished B


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def build_classes(teacher, lessons, count: int, students: int):
    rooms = []
    for index in range(count):
        room = services.create_classroom(owner=teacher, name=f"Class {index}")
        services.add_students(
            classroom=room,
            rows=[RosterRow(n, f"Pupil {index}-{n}") for n in range(1, students + 1)],
        )
        first = room.enrollments.first().student
        assign(room, lessons[0])
        assign(room, lessons[1], for_whole_class=False, students=[first])
        read_all(first, lessons[0])
        take_quiz(first, lessons[0])
        rooms.append(room)
    return rooms


@pytest.mark.django_db
def test_summaries_are_a_fixed_number_of_queries_for_1_and_10_classes(teacher):
    lessons = [make_module(90 + n) for n in range(2)]
    one = build_classes(teacher, lessons, 1, 3)
    ten = build_classes(teacher, lessons, 10, 5)
    assert count_queries(lambda: summaries_for_classrooms(one)) == SUMMARY_QUERIES
    assert count_queries(lambda: summaries_for_classrooms(ten)) == SUMMARY_QUERIES
    summaries = summaries_for_classrooms(ten)
    assert [s.students for s in summaries.values()] == [5] * 10
    assert [s.started for s in summaries.values()] == [1] * 10


# --- The grid -------------------------------------------------------------------------


def first_names(grid) -> list[str]:
    return [row.student.display_name.split()[0] for row in grid.rows]


def test_grid_puts_students_needing_attention_first_with_their_reasons(report_class):
    grid = progress_grid_for_classroom(report_class.classroom)
    assert first_names(grid) == ["Ben", "Dev", "Ana", "Cleo", "Fay", "Eli"]
    reasons = {
        row.student.display_name.split()[0]: [
            (reason.kind, reason.assignment.pk) for reason in row.reasons
        ]
        for row in grid.rows
    }
    a, b = report_class.a.pk, report_class.b.pk
    assert reasons == {
        "Ben": [("overdue", a), ("due_soon", b)],
        "Dev": [("due_soon", b)],  # A is extended to three days from now
        "Ana": [("below_mastery", b)],
        "Cleo": [("below_mastery", a)],
        "Fay": [("awaiting_grading", a)],
        "Eli": [],
    }
    assert grid.attention_count == 5


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay"]),
        # Least-advanced work first: Ben and Dev have started nothing (a tie kept
        # in name order), Cleo's B is in progress, Fay's A awaits a grade, Ana's
        # B is completed below mastery, Eli mastered both.
        ("status", ["Ben", "Dev", "Cleo", "Fay", "Ana", "Eli"]),
        # Average score: Cleo 50, Ana 75, Eli and Fay 100 (Fay's A awaits a
        # grade, so only B counts); Ben and Dev have no score, last.
        ("score", ["Cleo", "Ana", "Eli", "Fay", "Ben", "Dev"]),
        ("nonsense", ["Ben", "Dev", "Ana", "Cleo", "Fay", "Eli"]),
    ],
)
def test_grid_sorts_are_stable_and_fall_back_to_attention(report_class, sort, expected):
    grid = progress_grid_for_classroom(report_class.classroom, sort=sort)
    assert first_names(grid) == expected
    assert grid.sort == (sort if sort != "nonsense" else "attention")


def test_grid_cells_hold_status_score_and_lateness(report_class):
    grid = progress_grid_for_classroom(report_class.classroom, sort="name")
    cells = {
        row.student.display_name.split()[0]: [
            (cell.label, cell.is_late, cell.score, cell.is_overdue)
            for cell in row.cells
        ]
        for row in grid.rows
    }
    assert cells == {
        "Ana": [("Mastered", True, 100, False), ("Completed", False, 50, False)],
        "Ben": [("Not started", True, None, True), ("Not started", False, None, False)],
        "Cleo": [("Completed", True, 50, False), ("In progress", False, None, False)],
        "Dev": [
            ("Not started", False, None, False),
            ("Not started", False, None, False),
        ],
        "Eli": [("Mastered", True, 100, False), ("Mastered", False, 100, False)],
        "Fay": [
            ("Awaiting grading", True, None, False),
            ("Mastered", False, 100, False),
        ],
    }
    dev = next(row for row in grid.rows if row.student == report_class.students["Dev"])
    assert [cell.is_extended for cell in dev.cells] == [True, False]
    assert (
        grid.summary
        == summaries_for_classrooms([report_class.classroom])[report_class.classroom.pk]
    )


def test_grid_links_the_attempt_behind_the_score(classroom, student):
    lesson = make_module(1)
    services.join_classroom(student=student, typed_code=classroom.join_code)
    assign(classroom, lesson)
    read_all(student, lesson)
    best = take_quiz(student, lesson, right=2)
    take_quiz(student, lesson, right=1)
    (row,) = progress_grid_for_classroom(classroom).rows
    assert (row.cells[0].score, row.cells[0].attempt_id) == (100, best.pk)


def test_grid_marks_work_not_given_to_a_student(classroom, student, teacher):
    lesson = make_module(1)
    services.join_classroom(student=student, typed_code=classroom.join_code)
    services.add_students(classroom=classroom, rows=[RosterRow(1, "Zed Ntwari")])
    assign(classroom, lesson, for_whole_class=False, students=[student])
    grid = progress_grid_for_classroom(classroom, sort="name")
    assert [[cell.label for cell in row.cells] for row in grid.rows] == [
        ["Not started"],
        ["Not assigned"],
    ]
    assert grid.summary.students == 2


def test_progress_table_holds_exactly_the_grid_cells(report_class):
    grid = progress_grid_for_classroom(report_class.classroom, sort="name")
    table = progress_table_for_classroom(report_class.classroom)
    assert table.header == [
        "Name",
        "Username",
        "Module 1: Module 1 title: status",
        "Module 1: Module 1 title: late",
        "Module 1: Module 1 title: score %",
        "Module 2: Module 2 title: status",
        "Module 2: Module 2 title: late",
        "Module 2: Module 2 title: score %",
    ]
    assert table.rows == [
        [row.student.display_name, row.student.username]
        + [
            value
            for cell in row.cells
            for value in (cell.label, cell.is_late, cell.score)
        ]
        for row in grid.rows
    ]
    assert table.rows[0][0] == "Ana Uwase"
    assert table.rows[0][2:] == ["Mastered", True, 100, "Completed", False, 50]


# --- One student ----------------------------------------------------------------------


def test_student_record_counts_assignments_attempts_and_reading(report_class):
    record = student_record_for_classroom(
        report_class.classroom, report_class.students["Cleo"]
    )
    assert [(r.assignment.pk, r.status.label, r.score) for r in record.assignments] == [
        (report_class.a.pk, "Completed", 50),
        (report_class.b.pk, "In progress", None),
    ]
    assert [(a.quiz.key, a.number, a.percent) for a in record.attempts] == [
        ("module-1", 1, 50)
    ]
    assert [
        (r.lesson.key, r.sections_read, r.sections_total, r.percent)
        for r in record.reading
    ] == [
        ("module-1", 2, 2, 100),
        ("module-2", 1, 2, 50),
    ]


def test_student_record_shows_an_extension(report_class):
    record = student_record_for_classroom(
        report_class.classroom, report_class.students["Dev"]
    )
    a_record = record.assignments[0]  # in the class order, as in the grid
    assert a_record.assignment == report_class.a
    assert a_record.is_extended and a_record.extension_due_at is not None
    assert a_record.status.due_at == a_record.extension_due_at
    assert record.attempts == [] and record.skills == []


def test_skill_profile_is_the_share_of_points_per_skill_per_attempt(report_class):
    record = student_record_for_classroom(
        report_class.classroom, report_class.students["Ana"]
    )
    assert [a.quiz.key for a in record.skill_attempts] == ["module-1", "module-2"]
    # Module 1: two recall questions right and a written (sourcing) answer graded
    # 2 of 2; module 2: one recall question of two right.
    assert [(s.label, s.percents) for s in record.skills] == [
        ("Sourcing", [100, None]),
        ("Recall", [100, 50]),
    ]


def test_skill_profile_leaves_out_answers_awaiting_a_grade_and_unassigned_quizzes(
    report_class,
):
    record = student_record_for_classroom(
        report_class.classroom, report_class.students["Fay"]
    )
    assert [a.quiz.key for a in record.skill_attempts] == ["module-1", "module-2"]
    assert [(s.label, s.percents) for s in record.skills] == [("Recall", [100, 100])]


def test_report_queries_do_not_grow_with_the_class(teacher):
    lessons = [make_module(90 + n) for n in range(2)]
    (small,) = build_classes(teacher, lessons, 1, 5)
    (large,) = build_classes(teacher, lessons, 1, 200)
    student = large.enrollments.first().student
    for room in (small, large):
        assert (
            count_queries(lambda room=room: progress_grid_for_classroom(room))
            == GRID_QUERIES
        )
    assert (
        count_queries(lambda: student_record_for_classroom(large, student))
        == RECORD_QUERIES
    )
