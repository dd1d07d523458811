"""What synchronous=FULL costs a save, against NORMAL (docs/decisions.md, "Faults and
durability"): the real `save_answers` service on a scratch SQLite file in WAL mode,
timed over a few hundred saves under each setting.

    .venv/bin/python -m bench.chaos_synchronous [saves]

FULL fsyncs the write-ahead log at every commit, so an acknowledged answer survives a
power cut; NORMAL fsyncs only at checkpoints, so the last commits before a power cut
can vanish (a crash of the app alone loses nothing under either)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

SCRATCH = Path(os.environ.get("CHAOS_DIR", "/tmp/d2"))


def main() -> None:
    saves = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    SCRATCH.mkdir(parents=True, exist_ok=True)
    path = SCRATCH / "synchronous.sqlite3"
    for old in SCRATCH.glob("synchronous.sqlite3*"):
        old.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rwanda_edu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from quizzes.models import Quiz
    from quizzes.services import AnswerChange, save_answers, start_attempt

    call_command("migrate", verbosity=0)
    call_command("load_curriculum", stdout=StringIO())
    user = User.objects.create_user(username="timer", password="timer-pass-1994")
    attempt = start_attempt(user=user, quiz=Quiz.objects.get(key="warnings"))
    response = attempt.responses.filter(kind="short_answer").first()

    results = {}
    version = response.version
    for mode in ("FULL", "NORMAL", "FULL", "NORMAL"):  # twice each, interleaved
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={mode}")
        times = []
        for n in range(saves):
            began = time.perf_counter()
            result = save_answers(
                attempt=attempt,
                changes=[AnswerChange(response.slot, f"{mode} draft {n}", version)],
            )
            times.append(time.perf_counter() - began)
            version = result.versions[response.slot]
        results.setdefault(mode, []).extend(times)
    print(f"{saves * 2} saves each, save_answers on {path} (WAL):")
    for mode, times in results.items():
        times.sort()
        print(
            f"  synchronous={mode}: median {statistics.median(times) * 1000:.2f} ms, "
            f"p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms, "
            f"{len(times) / sum(times):,.0f} saves/s from one process"
        )


if __name__ == "__main__":
    main()
