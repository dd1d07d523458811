"""The teacher dashboard pages (issue #6) through the client: /teach/'s pulse, the
progress grid, its CSV and print view, and the student page, with their refusals
and their query counts at two class sizes."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from classrooms import services
from classrooms.reports import progress_grid_for_classroom, progress_table_for_classroom
from classrooms.roster import RosterRow
from tests.classrooms.conftest import assign, make_module, read_all, take_quiz
from tests.classrooms.dashboard_data import build_report_class

# /teach/, grid, CSV, print, student page, one student CSV: the session, the user
# and the teacher check (3), then /teach/'s classes and summaries (1 + 8); the grid's
# class and its seven; the student page's class, student and eight.
PAGE_QUERIES = [11, 11, 11, 11, 13, 13]


@pytest.fixture
def report_class(teacher, other_teacher):
    return build_report_class(teacher, other_teacher)


def url(name, classroom, *args):
    return reverse(f"classrooms:{name}", args=[classroom.pk, *args])


def csv_rows(response) -> list[list[str]]:
    text = b"".join(
        response.streaming_content if response.streaming else [response.content]
    )
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


# --- /teach/ --------------------------------------------------------------------------


def test_teach_shows_each_class_pulse_with_links(client, teacher, report_class):
    client.force_login(teacher)
    response = client.get(reverse("classrooms:teach"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "3 on track" in body
    assert f'href="{url("progress", report_class.classroom)}">3 behind' in body
    try:
        grading = reverse("admin:grading")
    except NoReverseMatch:
        assert "1 to grade" in body
    else:
        assert (
            f'href="{grading}?classroom={report_class.classroom.pk}">1 to grade' in body
        )


def test_teach_says_when_a_class_has_nothing_to_count(client, teacher, classroom):
    client.force_login(teacher)
    body = client.get(reverse("classrooms:teach")).content.decode()
    assert "No students yet" in body and "on track" not in body


# --- The grid -------------------------------------------------------------------------


def test_grid_lists_students_needing_attention_first_with_reasons(
    client, teacher, report_class
):
    client.force_login(teacher)
    response = client.get(url("progress", report_class.classroom))
    body = response.content.decode()
    assert response.status_code == 200
    positions = [
        body.index(f"{name} Uwase</a>")
        for name in ("Ben", "Dev", "Ana", "Cleo", "Fay", "Eli")
    ]
    assert positions == sorted(positions)
    ben = report_class.students["Ben"]
    assert url("student_detail", report_class.classroom, ben.pk) in body
    assert "Overdue" in body and "Due soon, not started" in body
    assert "Below mastery" in body and "Awaiting grading" in body
    assert "<caption" in body and 'scope="row"' in body
    assert "3</strong> on track" in body and "3</strong> behind" in body


def test_grid_cells_link_to_the_attempt_behind_the_score(client, teacher, report_class):
    client.force_login(teacher)
    body = client.get(url("progress", report_class.classroom)).content.decode()
    grid = progress_grid_for_classroom(report_class.classroom)
    linked = [
        cell.link_attempt_id
        for row in grid.rows
        for cell in row.cells
        if cell.link_attempt_id
    ]
    # Every submitted quiz in dashboard_data: A for Ana, Cleo, Eli and Fay; B for
    # Ana, Eli and Fay.
    assert len(linked) == 7
    for attempt_id in linked:
        assert url("attempt_detail", report_class.classroom, attempt_id) in body


@pytest.mark.parametrize("sort", ["name", "status", "score", "attention"])
def test_grid_sorts_by_link(client, teacher, report_class, sort):
    client.force_login(teacher)
    body = client.get(
        url("progress", report_class.classroom), {"sort": sort}
    ).content.decode()
    expected = progress_grid_for_classroom(report_class.classroom, sort=sort).rows
    positions = [body.index(f">{row.student.display_name}</a>") for row in expected]
    assert positions == sorted(positions)
    assert f'href="?sort={sort}" aria-current="true"' in body


def test_grid_refuses_an_unknown_sort_with_a_sentence(client, teacher, report_class):
    client.force_login(teacher)
    for name in ("progress", "progress_csv", "progress_print"):
        response = client.get(url(name, report_class.classroom), {"sort": "grade"})
        assert response.status_code == 400
        assert (
            "Sort the grid by attention, name, status or score."
            in response.content.decode()
        )


def test_grid_of_an_empty_class_explains_what_to_do(client, teacher, classroom):
    client.force_login(teacher)
    body = client.get(url("progress", classroom)).content.decode()
    assert "No students yet" in body


def test_progress_csv_equals_the_grid(client, teacher, report_class):
    client.force_login(teacher)
    response = client.get(
        url("progress_csv", report_class.classroom), {"sort": "score"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    table = progress_table_for_classroom(report_class.classroom, sort="score")
    assert rows[0] == table.header
    assert [row[0] for row in rows[1:]] == [
        "Cleo Uwase",
        "Ana Uwase",
        "Eli Uwase",
        "Fay Uwase",
        "Ben Uwase",
        "Dev Uwase",
    ]
    # Cleo: A completed late at 50%, B in progress.
    assert rows[1][2:] == ["Completed", "yes", "50.0", "In progress", "no", ""]


def test_progress_csv_neutralises_a_formula_name(client, teacher, classroom, student):
    student.display_name = "=HYPERLINK(1)"
    student.save(update_fields=["display_name"])
    services.join_classroom(student=student, typed_code=classroom.join_code)
    assign(classroom, make_module(1))
    client.force_login(teacher)
    rows = csv_rows(client.get(url("progress_csv", classroom)))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_print_view_has_the_grid_without_links_or_tabs(client, teacher, report_class):
    client.force_login(teacher)
    response = client.get(url("progress_print", report_class.classroom))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ben Uwase" in body and "Overdue" in body
    assert "nav-tabs" not in body
    assert (
        url("student_detail", report_class.classroom, report_class.students["Ben"].pk)
        not in body
    )


# --- The student page -----------------------------------------------------------------


def test_student_page_shows_assignments_attempts_reading_and_skills(
    client, teacher, report_class
):
    client.force_login(teacher)
    ana = report_class.students["Ana"]
    response = client.get(url("student_detail", report_class.classroom, ana.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ana Uwase" in body and "Module 1: Module 1 title" in body
    assert 'role="img"' in body and "<svg" in body and "style=" not in body
    assert "Sourcing" in body and "Recall" in body
    for attempt_pk in ana.attempts.values_list("pk", flat=True):
        assert url("attempt_detail", report_class.classroom, attempt_pk) in body
    for table in ("assignments", "attempts", "reading", "skills"):
        assert url("student_table_csv", report_class.classroom, ana.pk, table) in body


@pytest.mark.parametrize(
    ("table", "header", "first_row"),
    [
        (
            "assignments",
            "Assignment",
            ["Module 1: Module 1 title", "Mastered", "yes", "100.0"],
        ),
        ("attempts", "Quiz", ["Quiz 1", "1", "Graded", "4.00"]),
        ("reading", "Lesson", ["Module 1: Module 1 title", "100", "2", "2"]),
        ("skills", "Attempt", ["M1 #1"]),
    ],
)
def test_each_student_table_downloads_as_csv(
    client, teacher, report_class, table, header, first_row
):
    client.force_login(teacher)
    ana = report_class.students["Ana"]
    response = client.get(
        url("student_table_csv", report_class.classroom, ana.pk, table)
    )
    assert response.status_code == 200
    rows = csv_rows(response)
    assert rows[0][0] == header
    assert rows[1][: len(first_row)] == first_row


def test_skills_csv_holds_the_chart_numbers(client, teacher, report_class):
    client.force_login(teacher)
    ana = report_class.students["Ana"]
    rows = csv_rows(
        client.get(url("student_table_csv", report_class.classroom, ana.pk, "skills"))
    )
    assert rows[0][2:] == ["Sourcing", "Recall"]
    assert [row[2:] for row in rows[1:]] == [["100.0", "100.0"], ["", "50.0"]]


def test_an_unknown_student_table_is_404(client, teacher, report_class):
    client.force_login(teacher)
    ana = report_class.students["Ana"]
    response = client.get(
        url("student_table_csv", report_class.classroom, ana.pk, "grades")
    )
    assert response.status_code == 404


# --- Refusals -------------------------------------------------------------------------


def page_urls(classroom, student):
    return [
        url("progress", classroom),
        url("progress_csv", classroom),
        url("progress_print", classroom),
        url("student_detail", classroom, student.pk),
        url("student_table_csv", classroom, student.pk, "attempts"),
    ]


def test_another_teachers_class_and_students_are_404_with_nothing_of_theirs(
    client, teacher, other_teacher, report_class
):
    foreign = services.create_classroom(owner=other_teacher, name="Secret Civics")
    services.add_students(classroom=foreign, rows=[RosterRow(1, "Hidden Person")])
    stranger = foreign.enrollments.get().student
    client.force_login(teacher)
    for address in page_urls(foreign, stranger):
        response = client.get(address)
        assert response.status_code == 404, address
        body = response.content.decode()
        assert "Secret Civics" not in body and "Hidden Person" not in body
    # Their student through my class: not on my roster.
    mine = report_class.classroom
    for address in page_urls(mine, stranger)[3:]:
        assert client.get(address).status_code == 404


def test_a_student_of_another_class_or_removed_is_404_on_the_student_page(
    client, teacher, report_class
):
    other = services.create_classroom(owner=teacher, name="Second class")
    services.add_students(classroom=other, rows=[RosterRow(1, "Only Elsewhere")])
    elsewhere = other.enrollments.get().student
    ben = report_class.students["Ben"]
    services.remove_student(classroom=report_class.classroom, student=ben)
    client.force_login(teacher)
    for student in (elsewhere, ben):
        response = client.get(url("student_detail", report_class.classroom, student.pk))
        assert response.status_code == 404
    assert client.get(url("student_detail", other, elsewhere.pk)).status_code == 200


def test_co_teacher_sees_the_pages(client, teacher, other_teacher, report_class):
    services.add_co_teacher(classroom=report_class.classroom, teacher=other_teacher)
    client.force_login(other_teacher)
    ana = report_class.students["Ana"]
    for address in page_urls(report_class.classroom, ana):
        assert client.get(address).status_code == 200, address


def test_students_are_refused_and_visitors_sent_to_sign_in(client, report_class):
    ana = report_class.students["Ana"]
    addresses = page_urls(report_class.classroom, ana)
    for address in addresses:
        response = client.get(address)
        assert (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        )
    ana.must_change_password = False  # past the first sign-in
    ana.save(update_fields=["must_change_password"])
    client.force_login(ana)
    for address in addresses:
        assert client.get(address).status_code == 403


def test_pages_refuse_post(client, teacher, report_class):
    client.force_login(teacher)
    ana = report_class.students["Ana"]
    for address in page_urls(report_class.classroom, ana):
        assert client.post(address).status_code == 405


# --- Query counts ---------------------------------------------------------------------


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def grow_class(classroom, lessons, students: int):
    services.add_students(
        classroom=classroom,
        rows=[
            RosterRow(n, f"Pupil {classroom.pk}-{n}") for n in range(1, students + 1)
        ],
    )
    first = classroom.enrollments.order_by("pk").first().student
    return first


@pytest.mark.django_db
def test_pages_answer_in_the_same_number_of_queries_for_5_and_200_students(
    client, teacher
):
    lessons = [make_module(1, short_answer=True), make_module(2)]
    counts = {}
    for size in (5, 200):
        classroom = services.create_classroom(owner=teacher, name=f"Class of {size}")
        first = grow_class(classroom, lessons, size)
        for lesson in lessons:
            assign(classroom, lesson)
        for enrollment in classroom.enrollments.all()[:size:7]:
            read_all(enrollment.student, lessons[0])
            take_quiz(enrollment.student, lessons[0])
        take_quiz(first, lessons[1])
        client.force_login(teacher)
        addresses = [
            reverse("classrooms:teach"),
            url("progress", classroom),
            url("progress_csv", classroom),
            url("progress_print", classroom),
            url("student_detail", classroom, first.pk),
            url("student_table_csv", classroom, first.pk, "skills"),
        ]
        counts[size] = []
        for address in addresses:
            with CaptureQueriesContext(connection) as context:
                assert client.get(address).status_code == 200
            counts[size].append(len(context.captured_queries))
    assert counts[5] == counts[200]
    assert counts[200] == PAGE_QUERIES, counts


def test_roster_links_each_student_to_their_page(client, teacher, report_class):
    client.force_login(teacher)
    body = client.get(url("roster", report_class.classroom)).content.decode()
    for student in report_class.students.values():
        assert url("student_detail", report_class.classroom, student.pk) in body
