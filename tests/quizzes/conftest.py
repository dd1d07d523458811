from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from quizzes.models import Quiz

FIXTURE_ROOT = Path(__file__).parent / "fixtures" / "curriculum"


@pytest.fixture
def quiz(db) -> Quiz:
    """The fixture curriculum, loaded through load_curriculum: one lesson, two sources
    and a quiz with one question of every kind."""
    call_command("load_curriculum", root=FIXTURE_ROOT, stdout=StringIO())
    return Quiz.objects.get(key="fixture")


@pytest.fixture
def other_student(django_user_model):
    return django_user_model.objects.create_user(
        username="bizimana", password="another-long-pass"
    )


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client
