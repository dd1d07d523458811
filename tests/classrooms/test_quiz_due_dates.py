from datetime import timedelta

import pytest
from django.utils import timezone

from classrooms import services
from classrooms.selectors import quiz_due_at_for_student
from quizzes.models import Quiz
from quizzes.selectors import due_at_for
from tests.classrooms.conftest import assign


@pytest.fixture
def module_quiz(module):
    return Quiz.objects.get(lesson=module)


@pytest.mark.django_db
def test_an_assigned_quiz_is_due_when_the_assignment_is(
    enrolled, classroom, module, module_quiz
):
    assignment = assign(classroom, module)
    assert quiz_due_at_for_student(enrolled, module_quiz) == assignment.due_at
    # The quizzes app sees it through the registered provider.
    assert due_at_for(enrolled, module_quiz) == assignment.due_at


@pytest.mark.django_db
def test_an_extension_moves_the_quiz_due_date(
    enrolled, classroom, module, module_quiz, teacher
):
    assignment = assign(classroom, module)
    later = assignment.due_at + timedelta(days=3)
    services.grant_extension(
        assignment=assignment, student=enrolled, due_at=later, granted_by=teacher
    )
    assert quiz_due_at_for_student(enrolled, module_quiz) == later


@pytest.mark.django_db
def test_an_unassigned_or_other_students_quiz_has_no_due_date(
    enrolled, classroom, module, module_quiz, django_user_model
):
    assert quiz_due_at_for_student(enrolled, module_quiz) is None
    assign(classroom, module)
    outsider = django_user_model.objects.create_user(username="outsider", password="x")
    assert quiz_due_at_for_student(outsider, module_quiz) is None
    assert timezone.now() < quiz_due_at_for_student(enrolled, module_quiz)
