"""Several requests of one student at once (two tabs, a double click, a retry) and a
class at once: exactly one row per student and section, and every student's summary
consistent with their rows, with no error."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.lessons.conftest import FIXTURE_CURRICULUM, load_into_db

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "errors": [],
    "student_rows": 3,
    "student_open_rows": 0,
    "student_summary": [3, 100],
    "student_completed": True,
    "class_rows": 12,
    "class_summaries": [[1, 33]],
}


@pytest.mark.django_db(transaction=True)
def test_simultaneous_progress_writes_keep_one_row_each_and_a_true_summary(tmp_path):
    if connection.vendor == "sqlite":
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'classroom.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "rwanda_edu.settings",
        }
        finished = subprocess.run(
            [sys.executable, "-m", "tests.lessons.concurrency"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert finished.returncode == 0, finished.stderr
        result = json.loads(finished.stdout.strip().splitlines()[-1])
    else:
        from tests.lessons.concurrency import scenario

        load_into_db(FIXTURE_CURRICULUM)
        # The same shape as the JSON the subprocess prints.
        result = json.loads(json.dumps(scenario()))
    assert result == EXPECTED
