"""The admin limits a teacher to their own classes, students and assignments."""

import pytest
from django.urls import reverse

from classrooms import services
from classrooms.models import Classroom
from tests.classrooms.conftest import assign


@pytest.mark.django_db
def test_a_teacher_sees_only_their_classes_in_the_admin(
    client, teacher, classroom, foreign_classroom, module
):
    assign(foreign_classroom, module)
    client.force_login(teacher)
    listing = client.get(reverse("admin:classrooms_classroom_changelist"))
    assert listing.status_code == 200
    assert "World History" in listing.text and "Civics" not in listing.text
    foreign = reverse("admin:classrooms_classroom_change", args=[foreign_classroom.pk])
    assert client.get(foreign).status_code == 302  # "doesn't exist", back to the list
    assignments = client.get(reverse("admin:classrooms_assignment_changelist"))
    assert "Civics" not in assignments.text
    add = client.get(reverse("admin:classrooms_assignment_add"))
    classroom_choices = add.context["adminform"].form.fields["classroom"].queryset
    assert list(classroom_choices) == [classroom]


@pytest.mark.django_db
def test_a_teacher_picks_students_only_from_their_own_rosters(
    client, teacher, classroom, foreign_classroom, enrolled, django_user_model
):
    outsider = django_user_model.objects.create_user(username="bosco", password="x")
    services.join_classroom(student=outsider, typed_code=foreign_classroom.join_code)
    client.force_login(teacher)
    add = client.get(reverse("admin:classrooms_enrollment_add"))
    students = add.context["adminform"].form.fields["student"].queryset
    assert list(students) == [enrolled]


@pytest.mark.django_db
def test_a_class_added_in_the_admin_gets_a_code_and_its_owner(client, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("admin:classrooms_classroom_add"),
        {
            "name": "Admin class",
            "section": "",
            "school_year": "",
            "time_zone": "UTC",
            "join_enabled": "on",
            "enrollments-TOTAL_FORMS": "0",
            "enrollments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    classroom = Classroom.objects.get()
    assert classroom.owner == teacher and len(classroom.join_code) == 6


@pytest.mark.django_db
def test_administrators_see_every_class(admin_client, classroom, foreign_classroom):
    listing = admin_client.get(reverse("admin:classrooms_classroom_changelist"))
    assert "World History" in listing.text and "Civics" in listing.text
