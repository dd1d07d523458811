"""Pages and selectors answer in a fixed number of queries whatever the data size:
each is measured small and large, and pinned."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classrooms import selectors, services
from classrooms.roster import RosterRow
from tests.classrooms.conftest import (
    assign,
    make_module,
    read_all,
    read_first,
    take_quiz,
)

MY_WORK_QUERIES = 6
GRID_QUERIES = 7


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def build(teacher, student, *, classes: int, modules: int, classmates: int = 0):
    """`classes` classes each assigning `modules` modules (one of them to chosen
    students), with the student's reading and attempts on every one."""
    lessons = [make_module(number) for number in range(1, modules + 1)]
    rooms = []
    for index in range(classes):
        room = services.create_classroom(owner=teacher, name=f"Class {index}")
        services.join_classroom(student=student, typed_code=room.join_code)
        if classmates:
            services.add_students(
                classroom=room,
                rows=[RosterRow(n, f"Mate {index}-{n}") for n in range(classmates)],
            )
        for number, lesson in enumerate(lessons):
            chosen = number == 0 and index == 0
            assignment = assign(
                room,
                lesson,
                for_whole_class=not chosen,
                students=[student] if chosen else [],
            )
            services.grant_extension(
                assignment=assignment,
                student=student,
                due_at=assignment.due_at + timedelta(days=1),
            )
        rooms.append(room)
    for number, lesson in enumerate(lessons):
        if number % 2:
            read_all(student, lesson)
            take_quiz(student, lesson, right=1)
            take_quiz(student, lesson, right=2)
        else:
            read_first(student, lesson)
            take_quiz(student, lesson, submit=False)
    return rooms


@pytest.mark.django_db
def test_my_work_selector_is_a_fixed_number_of_queries(teacher, student):
    build(teacher, student, classes=1, modules=1)
    small = count_queries(lambda: selectors.my_work_for_student(student))
    build_more = [make_module(n) for n in range(10, 14)]
    for index in range(4):
        room = services.create_classroom(owner=teacher, name=f"More {index}")
        services.join_classroom(student=student, typed_code=room.join_code)
        for lesson in build_more:
            assign(room, lesson)
    for lesson in build_more:
        read_all(student, lesson)
        take_quiz(student, lesson)
    work = selectors.my_work_for_student(student)
    assert len(work.classes) == 5 and sum(len(c.items) for c in work.classes) == 17
    large = count_queries(lambda: selectors.my_work_for_student(student))
    assert small == large == MY_WORK_QUERIES


@pytest.mark.django_db
@pytest.mark.parametrize(("classes", "modules"), [(1, 1), (4, 5)])
def test_my_work_page_is_a_fixed_number_of_queries(
    client, teacher, student, classes, modules, django_assert_num_queries
):
    build(teacher, student, classes=classes, modules=modules)
    client.force_login(student)
    # The session and the user, then the selector's queries.
    with django_assert_num_queries(MY_WORK_QUERIES + 2):
        response = client.get(reverse("classrooms:my_work"))
    assert response.status_code == 200
    with django_assert_num_queries(MY_WORK_QUERIES + 2):
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_class_grid_is_a_fixed_number_of_queries(teacher, student):
    [small_room] = build(teacher, student, classes=1, modules=1, classmates=1)
    small = count_queries(lambda: selectors.status_grid_for_classroom(small_room))
    [large_room] = build(teacher, student, classes=1, modules=0, classmates=30)
    for number in range(20, 25):
        lesson = make_module(number)
        assign(large_room, lesson)
        read_all(student, lesson)
        take_quiz(student, lesson)
    grid = selectors.status_grid_for_classroom(large_room)
    assert len(grid.students) == 31 and len(grid.cells) == 31 * 5
    large = count_queries(lambda: selectors.status_grid_for_classroom(large_room))
    assert small == large == GRID_QUERIES


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 12])
def test_teacher_pages_are_a_fixed_number_of_queries(
    client, teacher, student, size, django_assert_num_queries
):
    rooms = build(teacher, student, classes=2, modules=size, classmates=size)
    room = rooms[0]
    assignment = room.assignments.first()
    for index in range(size):
        archived = services.create_classroom(owner=teacher, name=f"Old {index}")
        services.archive_classroom(classroom=archived)
    client.force_login(teacher)
    # Each page: the session, the user, the Teachers group check, then its own.
    pages = {
        # /teach/: the classes, then their pulse (reports.summaries_for_classrooms).
        reverse("classrooms:teach"): 4 + 8,
        room.get_absolute_url(): 7,
        reverse("classrooms:roster", args=[room.pk]): 5,
        reverse("classrooms:co_teachers", args=[room.pk]): 5,
        reverse("classrooms:assignment_create", args=[room.pk]): 8,
        reverse("classrooms:assignment_edit", args=[assignment.pk]): 7,
        reverse("classrooms:extensions", args=[assignment.pk]): 7,
    }
    for path, exact in pages.items():
        with django_assert_num_queries(exact):
            assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_a_selector_answers_for_now_given(teacher, student):
    [room] = build(teacher, student, classes=1, modules=2)
    later = timezone.now() + timedelta(days=30)
    work = selectors.my_work_for_student(student, now=later)
    assert all(
        item.status.is_late or item.status.is_done for item in work.classes[0].items
    )
