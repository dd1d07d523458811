"""Each page answers in a fixed number of queries, whatever the number of sections,
sources, events and students. The same requests run against a small and a large
generated curriculum must cost exactly the same, and no more than the pinned
maximum."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lessons.models import (
    Lesson,
    LessonProgress,
    Person,
    Section,
    SectionProgress,
    Source,
    Term,
    TimelineEvent,
)
from tests.lessons.conftest import load_into_db
from tests.lessons.generate import write_curriculum

SMALL = {"lessons": 1, "sections": 2, "sources": 3, "events": 2}
LARGE = {"lessons": 5, "sections": 7, "sources": 40, "events": 60}
OTHER_STUDENTS = {"small": 1, "large": 40}

# Page → the most queries it may use, for a visitor, a student with progress and a
# teacher. Signing in adds two (session, user); a teacher one more (the role check).
# A student's section page records the visit (get-or-create rows, a row lock, the
# section ids, the completed ids, one update, inside a transaction), which is most
# of its cost.
PAGES = {
    "lesson index": ("/lessons/", 1, 4, 4),
    "lesson detail": ("/lessons/lesson-1/", 6, 10, 9),
    "section page": ("/lessons/lesson-1/section-1/", 3, 17, 6),
    "print packet": ("/lessons/lesson-1/print/", 7, 9, 10),
    "source list": ("/sources/", 1, 3, 4),
    "source list filtered": ("/sources/?type=cable&date_from=1993-01-01", 1, 3, 4),
    "source detail": ("/sources/source-001/", 3, 5, 6),
    "timeline": ("/timeline/", 3, 5, 6),
    "timeline filtered": ("/timeline/?actor=unamir", 3, 5, 6),
    "who knew what, when": ("/timeline/who-knew/?date=1994-04-06", 1, 3, 4),
    "people": ("/people/", 2, 4, 5),
    "glossary": ("/glossary/", 2, 4, 5),
    "search": ("/search/?q=document", 4, 6, 7),
}


def build(tmp_path, size: str, django_user_model) -> None:
    params = SMALL if size == "small" else LARGE
    load_into_db(write_curriculum(tmp_path / size / "curriculum", **params))
    now = timezone.now()
    sections = list(Section.objects.all())
    lessons = list(Lesson.objects.all())
    for n in range(OTHER_STUDENTS[size]):
        other = django_user_model.objects.create_user(username=f"{size}-reader-{n}")
        SectionProgress.objects.bulk_create(
            SectionProgress(user=other, section=s, opened_at=now, completed_at=now)
            for s in sections
        )
        LessonProgress.objects.bulk_create(
            LessonProgress(
                user=other,
                lesson=lesson,
                sections_completed=1,
                percent=50,
                started_at=now,
                last_visited_at=now,
            )
            for lesson in lessons
        )


def wipe() -> None:
    """Remove all lesson content and progress, learner state first (it protects the
    content it points at)."""
    SectionProgress.objects.all().delete()
    LessonProgress.objects.all().delete()
    for model in (Section, Lesson, TimelineEvent, Source, Person, Term):
        model.objects.all().delete()


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def counts_for(client, student, teacher) -> dict[str, tuple[int, int, int]]:
    result = {}
    # The student has read part of lesson 1 before the measured requests.
    client.force_login(student)
    client.get("/lessons/lesson-1/section-0/")
    client.post("/lessons/lesson-1/section-0/complete/")
    for name, (path, *_limits) in PAGES.items():
        client.logout()
        visitor = count_queries(client, path)
        client.force_login(student)
        as_student = count_queries(client, path)
        client.force_login(teacher)
        as_teacher = count_queries(client, path)
        result[name] = (visitor, as_student, as_teacher)
    return result


@pytest.mark.django_db
def test_page_query_counts_do_not_grow_with_the_data(
    client, tmp_path, django_user_model, student, teacher
):
    build(tmp_path, "small", django_user_model)
    small = counts_for(client, student, teacher)

    wipe()
    build(tmp_path, "large", django_user_model)
    assert Section.objects.filter(published=True).count() == 35
    large = counts_for(client, student, teacher)

    assert large == small
    over = {
        name: (counts, PAGES[name][1:])
        for name, counts in large.items()
        if any(c > limit for c, limit in zip(counts, PAGES[name][1:], strict=True))
    }
    assert over == {}, over


@pytest.mark.django_db
def test_lesson_index_for_a_student_is_pinned(
    client, tmp_path, django_user_model, student, django_assert_max_num_queries
):
    build(tmp_path, "large", django_user_model)
    client.force_login(student)
    client.post("/lessons/lesson-2/section-3/complete/")
    with django_assert_max_num_queries(PAGES["lesson index"][2]):
        response = client.get("/lessons/")
    assert "1 of 7 sections read" in response.text
