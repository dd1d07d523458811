"""Rules the database itself holds."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from classrooms.models import Assignment, Classroom, Enrollment, Extension
from tests.classrooms.conftest import assign


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.django_db
def test_join_codes_are_unique_and_from_the_unambiguous_alphabet(classroom, teacher):
    def another(code):
        return lambda: Classroom.objects.create(
            owner=teacher, name="Copy", join_code=code
        )

    refused(another(classroom.join_code))
    for code in ["ABC0EF", "ABCOEF", "ABC1EF", "ABCIEF", "ABCLEF", "abcdef", "ABCDE"]:
        refused(another(code))
    Classroom.objects.create(owner=teacher, name="Fine", join_code="XYZ234")


@pytest.mark.django_db
def test_a_student_is_enrolled_once_per_class(classroom, enrolled):
    refused(
        lambda: Enrollment.objects.create(
            classroom=classroom, student=enrolled, method="code"
        )
    )


@pytest.mark.django_db
def test_due_must_follow_opening(classroom, module):
    now = timezone.now()
    refused(
        lambda: Assignment.objects.create(
            classroom=classroom, lesson=module, opens_at=now, due_at=now
        )
    )


@pytest.mark.django_db
def test_one_active_whole_class_assignment_per_lesson(classroom, module):
    first = assign(classroom, module)
    now = timezone.now()

    def duplicate():
        return Assignment.objects.create(
            classroom=classroom,
            lesson=module,
            opens_at=now,
            due_at=now + timedelta(days=1),
        )

    refused(duplicate)
    first.withdrawn_at = now
    first.save()
    duplicate()  # once withdrawn, the module can be assigned again


@pytest.mark.django_db
def test_one_extension_per_student_and_assignment(classroom, enrolled, module):
    assignment = assign(classroom, module)
    due = assignment.due_at + timedelta(days=1)
    Extension.objects.create(assignment=assignment, student=enrolled, due_at=due)
    refused(
        lambda: Extension.objects.create(
            assignment=assignment, student=enrolled, due_at=due
        )
    )


@pytest.mark.django_db
def test_time_zone_must_be_a_real_one(teacher):
    classroom = Classroom(owner=teacher, name="X", join_code="XYZ234")
    for zone in ["Africa/Kigali", "America/New_York", "UTC"]:
        classroom.time_zone = zone
        classroom.full_clean()
    for zone in ["Mars/Olympus", "", "africa/kigali", "Africa/Kigali\x00"]:
        classroom.time_zone = zone
        with pytest.raises(ValidationError):
            classroom.full_clean()
