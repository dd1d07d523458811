"""Every teacher URL, tried with another teacher's ids: always 404, never a change.
And the roles: students get 403, visitors are sent to sign in."""

from datetime import timedelta

import pytest
from django.urls import reverse

from classrooms import services
from classrooms.models import Assignment, Classroom, Enrollment, Extension
from tests.classrooms.conftest import assign, make_module


@pytest.fixture
def theirs(other_teacher, django_user_model):
    """Another teacher's class with a student, an assignment and an extension."""
    classroom = services.create_classroom(owner=other_teacher, name="Their class")
    student = django_user_model.objects.create_user(username="bosco", password="x")
    services.join_classroom(student=student, typed_code=classroom.join_code)
    colleague = django_user_model.objects.get(username="mr_nkusi")
    assignment = assign(classroom, make_module(7))
    services.grant_extension(
        assignment=assignment,
        student=student,
        due_at=assignment.due_at + timedelta(days=1),
        granted_by=colleague,
    )
    return {"classroom": classroom, "student": student, "assignment": assignment}


def teacher_urls(classroom_pk, assignment_pk, student_pk, user_pk):
    """(method, url) for every teacher URL that takes an id."""
    c, a = {"pk": classroom_pk}, {"pk": assignment_pk}
    name = "classrooms:"
    return [
        ("get", reverse(name + "classroom_detail", kwargs=c)),
        ("get", reverse(name + "classroom_edit", kwargs=c)),
        ("post", reverse(name + "classroom_edit", kwargs=c)),
        ("post", reverse(name + "classroom_archive", kwargs=c)),
        ("post", reverse(name + "classroom_restore", kwargs=c)),
        ("post", reverse(name + "join_code", kwargs=c)),
        ("get", reverse(name + "co_teachers", kwargs=c)),
        ("post", reverse(name + "co_teachers", kwargs=c)),
        ("post", reverse(name + "co_teacher_remove", kwargs={**c, "user_pk": user_pk})),
        ("get", reverse(name + "roster", kwargs=c)),
        ("get", reverse(name + "roster_add", kwargs=c)),
        ("post", reverse(name + "roster_add", kwargs=c)),
        ("get", reverse(name + "logins", kwargs=c)),
        ("post", reverse(name + "reset_passwords", kwargs=c)),
        (
            "post",
            reverse(name + "student_remove", kwargs={**c, "student_pk": student_pk}),
        ),
        ("get", reverse(name + "assignment_create", kwargs=c)),
        ("post", reverse(name + "assignment_create", kwargs=c)),
        ("get", reverse(name + "assignment_edit", kwargs=a)),
        ("post", reverse(name + "assignment_edit", kwargs=a)),
        ("post", reverse(name + "assignment_withdraw", kwargs=a)),
        ("get", reverse(name + "extensions", kwargs=a)),
        ("post", reverse(name + "extensions", kwargs=a)),
        (
            "post",
            reverse(name + "extension_revoke", kwargs={**a, "student_pk": student_pk}),
        ),
        # Progress (issue #6)
        ("get", reverse(name + "progress", kwargs=c)),
        ("get", reverse(name + "progress_csv", kwargs=c)),
        ("get", reverse(name + "progress_print", kwargs=c)),
        (
            "get",
            reverse(name + "student_detail", kwargs={**c, "student_pk": student_pk}),
        ),
        (
            "get",
            reverse(
                name + "student_table_csv",
                kwargs={**c, "student_pk": student_pk, "table": "attempts"},
            ),
        ),
    ]


def snapshot():
    return (
        list(Classroom.objects.values()),
        list(Enrollment.objects.values()),
        list(Assignment.objects.values()),
        list(Extension.objects.values()),
    )


@pytest.mark.django_db
def test_every_teacher_url_with_another_teachers_ids_is_404(
    client, teacher, classroom, theirs, other_teacher
):
    client.force_login(teacher)
    before = snapshot()
    urls = teacher_urls(
        theirs["classroom"].pk,
        theirs["assignment"].pk,
        theirs["student"].pk,
        other_teacher.pk,
    )
    for method, url in urls:
        response = getattr(client, method)(url, {"action": "rotate"})
        assert response.status_code == 404, (method, url, response.status_code)
        assert "We can't find that page" in response.text
    assert snapshot() == before


@pytest.mark.django_db
def test_own_class_with_another_classes_student_is_404(
    client, teacher, classroom, theirs, module
):
    client.force_login(teacher)
    mine = assign(classroom, module)
    student = theirs["student"].pk
    for url in [
        reverse("classrooms:student_remove", args=[classroom.pk, student]),
        reverse("classrooms:extension_revoke", args=[mine.pk, student]),
        reverse("classrooms:co_teacher_remove", args=[classroom.pk, student]),
    ]:
        assert client.post(url).status_code == 404, url
    # In a form, a foreign student is an error on the form, not a change.
    response = client.post(
        reverse("classrooms:reset_passwords", args=[classroom.pk]),
        {"students": [student]},
    )
    assert response.status_code == 400
    assert "Choose students who are in this class." in response.text
    assert theirs["student"].check_password("x")


@pytest.mark.django_db
def test_ids_that_do_not_exist_are_404(client, teacher):
    client.force_login(teacher)
    for method, url in teacher_urls(999999, 999999, 999999, 999999):
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.django_db
def test_students_get_403_and_visitors_are_sent_to_sign_in(
    client, student, theirs, other_teacher
):
    ids = (
        theirs["classroom"].pk,
        theirs["assignment"].pk,
        theirs["student"].pk,
        other_teacher.pk,
    )
    urls = [
        ("get", reverse("classrooms:teach")),
        ("get", reverse("classrooms:classroom_create")),
        ("post", reverse("classrooms:classroom_create")),
        *teacher_urls(*ids),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/?next=")
    client.force_login(student)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert "This page isn't open to you" in response.text


@pytest.mark.django_db
def test_plain_staff_are_not_teachers(client, django_user_model):
    clerk = django_user_model.objects.create_user(
        username="clerk", password="x", is_staff=True
    )
    client.force_login(clerk)
    assert client.get(reverse("classrooms:teach")).status_code == 403


@pytest.mark.django_db
def test_a_co_teacher_manages_the_class_as_the_owner_does(
    client, theirs, teacher, other_teacher
):
    classroom = theirs["classroom"]
    services.add_co_teacher(classroom=classroom, teacher=teacher)
    client.force_login(teacher)
    for method, url in teacher_urls(
        classroom.pk, theirs["assignment"].pk, theirs["student"].pk, teacher.pk
    ):
        if method == "get" and "logins" not in url:
            assert client.get(url).status_code == 200, url
    assert "Their class" in client.get(reverse("classrooms:teach")).text
    response = client.post(
        reverse("classrooms:join_code", args=[classroom.pk]), {"action": "disable"}
    )
    assert response.status_code == 302
    classroom.refresh_from_db()
    assert not classroom.join_enabled
    # Leaving the class ends the access.
    client.post(
        reverse("classrooms:co_teacher_remove", args=[classroom.pk, teacher.pk])
    )
    assert client.get(classroom.get_absolute_url()).status_code == 404
