"""Progress writes from many threads at once, for test_progress_concurrency.py.

Run in-process on PostgreSQL; on SQLite it runs as `python -m
tests.lessons.concurrency` in a subprocess against a real database file (WAL,
IMMEDIATE transactions, busy timeout: the settings a classroom laptop runs with),
because pytest's in-memory SQLite reports "table is locked" instead of waiting."""

import json
import threading

# Django and the app are imported inside the functions: as a script this module runs
# before django.setup().

STUDENTS = 12


def run_at_once(calls) -> list[str]:
    from django.db import close_old_connections, connection

    barrier = threading.Barrier(len(calls))
    errors: list[str] = []

    def run(call):
        try:
            barrier.wait(timeout=20)
            call()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(repr(error))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def scenario() -> dict:
    """One student hammering every section of a lesson from several tabs, then a
    class completing the same section at the same moment. Expects the fixture
    curriculum loaded and no progress rows."""
    from django.contrib.auth import get_user_model

    from lessons.models import LessonProgress, Section, SectionProgress
    from lessons.services import record_section_completed, record_section_opened

    users = get_user_model().objects
    sections = list(
        Section.objects.filter(lesson__key="first-signals")
        .select_related("lesson")
        .order_by("order")
    )
    student = users.create_user(username="many-tabs")
    calls = []
    for section in sections:
        calls += [
            lambda s=section: record_section_completed(user=student, section=s),
            lambda s=section: record_section_completed(user=student, section=s),
            lambda s=section: record_section_opened(user=student, section=s),
        ]
    errors = run_at_once(calls)
    mine = LessonProgress.objects.get(user=student)

    classmates = [users.create_user(username=f"reader-{n}") for n in range(STUDENTS)]
    errors += run_at_once(
        [
            lambda u=user: record_section_completed(user=u, section=sections[0])
            for user in classmates
        ]
    )
    return {
        "errors": errors,
        "student_rows": SectionProgress.objects.filter(user=student).count(),
        "student_open_rows": SectionProgress.objects.filter(
            user=student, completed_at__isnull=True
        ).count(),
        "student_summary": [mine.sections_completed, mine.percent],
        "student_completed": mine.completed_at is not None,
        "class_rows": SectionProgress.objects.filter(
            section=sections[0], user__in=classmates
        ).count(),
        "class_summaries": sorted(
            {
                (row.sections_completed, row.percent)
                for row in LessonProgress.objects.filter(user__in=classmates)
            }
        ),
    }


if __name__ == "__main__":
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from lessons.curriculum import load_lesson_content, write_lesson_content
    from tests.lessons.conftest import FIXTURE_CURRICULUM

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        write_lesson_content(load_lesson_content(FIXTURE_CURRICULUM))
    print(json.dumps(scenario()))  # noqa: T201 - read by the test
