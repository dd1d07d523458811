import shutil
from pathlib import Path

import pytest
from django.db import transaction

from lessons.curriculum import load_lesson_content, write_lesson_content

FIXTURE_CURRICULUM = Path(__file__).parent / "fixtures" / "curriculum"
REAL_CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum"


def load_into_db(root: Path):
    content = load_lesson_content(root)
    assert content.errors == []
    with transaction.atomic():
        return write_lesson_content(content)


@pytest.fixture
def curriculum_copy(tmp_path) -> Path:
    """A writable copy of the fixture curriculum, for tests that break it."""
    target = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, target)
    return target


@pytest.fixture
def course(db):
    """The fixture curriculum, loaded."""
    load_into_db(FIXTURE_CURRICULUM)


@pytest.fixture
def other_student(django_user_model):
    return django_user_model.objects.create_user(
        username="bosco", password="another-long-pass-phrase"
    )
