from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lessons.models import Lesson, LessonProgress, Section, SectionProgress
from lessons.services import (
    SectionNotAvailable,
    record_section_completed,
    record_section_opened,
)

pytestmark = pytest.mark.django_db


def section(key: str) -> Section:
    return Section.objects.select_related("lesson").get(key=key)


def lesson_progress(user, lesson_key="first-signals") -> LessonProgress:
    return LessonProgress.objects.get(user=user, lesson__key=lesson_key)


# --- Services -------------------------------------------------------------------------


def test_opening_a_section_starts_the_lesson(course, student):
    row = record_section_opened(user=student, section=section("the-cable"))
    assert row.opened_at is not None and row.completed_at is None
    progress = lesson_progress(student)
    assert progress.percent == 0 and progress.sections_completed == 0
    assert progress.started_at == progress.last_visited_at
    assert progress.last_section.key == "the-cable"
    assert progress.completed_at is None


def test_opening_twice_keeps_one_row_and_the_first_time(course, student):
    first = record_section_opened(user=student, section=section("the-cable"))
    again = record_section_opened(user=student, section=section("the-cable"))
    assert SectionProgress.objects.filter(user=student).count() == 1
    assert again.opened_at == first.opened_at
    assert LessonProgress.objects.filter(user=student).count() == 1


def test_completing_is_idempotent_and_keeps_the_first_completion_time(course, student):
    first = record_section_completed(user=student, section=section("the-cable"))
    again = record_section_completed(user=student, section=section("the-cable"))
    assert again.completed_at == first.completed_at
    assert SectionProgress.objects.get(user=student).completed_at == first.completed_at
    progress = lesson_progress(student)
    assert (progress.sections_completed, progress.percent) == (1, 33)


def test_completing_a_section_never_opened_counts_as_opening_it(course, student):
    row = record_section_completed(user=student, section=section("the-reply"))
    assert row.opened_at == row.completed_at


def test_opening_after_completing_never_undoes_the_completion(course, student):
    done = record_section_completed(user=student, section=section("the-cable"))
    record_section_opened(user=student, section=section("the-cable"))
    row = SectionProgress.objects.get(user=student, section__key="the-cable")
    assert row.completed_at == done.completed_at
    assert lesson_progress(student).sections_completed == 1


def test_out_of_order_completion_counts_and_resumes_at_the_gap(course, student):
    record_section_completed(user=student, section=section("afterwards"))
    progress = lesson_progress(student)
    assert (progress.sections_completed, progress.percent) == (1, 33)
    # After the last section, resume wraps to the first one not read.
    assert progress.last_section.key == "the-cable"
    record_section_completed(user=student, section=section("the-cable"))
    assert lesson_progress(student).last_section.key == "the-reply"
    record_section_completed(user=student, section=section("the-reply"))
    progress = lesson_progress(student)
    assert (progress.sections_completed, progress.percent) == (3, 100)
    assert progress.completed_at is not None


def test_lesson_completion_time_is_kept_once_set(course, student):
    for key in ("the-cable", "the-reply", "afterwards"):
        record_section_completed(user=student, section=section(key))
    completed_at = lesson_progress(student).completed_at
    record_section_completed(user=student, section=section("the-cable"))
    record_section_opened(user=student, section=section("the-reply"))
    progress = lesson_progress(student)
    assert progress.completed_at == completed_at
    assert progress.percent == 100


def test_last_visited_never_moves_backwards(course, student):
    record_section_opened(user=student, section=section("the-cable"))
    future = timezone.now() + timedelta(days=1)
    LessonProgress.objects.filter(user=student).update(last_visited_at=future)
    record_section_opened(user=student, section=section("the-reply"))
    assert lesson_progress(student).last_visited_at == future


def test_progress_is_per_student(course, student, other_student):
    record_section_completed(user=student, section=section("the-cable"))
    record_section_opened(user=other_student, section=section("the-reply"))
    mine, theirs = lesson_progress(student), lesson_progress(other_student)
    assert mine.sections_completed == 1 and theirs.sections_completed == 0
    assert theirs.last_section.key == "the-reply"
    assert SectionProgress.objects.filter(user=other_student).count() == 1


def test_unpublished_sections_and_lessons_refuse_progress(course, student):
    target = section("the-cable")
    Section.objects.filter(pk=target.pk).update(published=False)
    with pytest.raises(SectionNotAvailable):
        record_section_opened(user=student, section=section("the-cable"))
    Section.objects.filter(pk=target.pk).update(published=True)
    Lesson.objects.filter(key="first-signals").update(published=False)
    with pytest.raises(SectionNotAvailable):
        record_section_completed(user=student, section=section("the-cable"))
    assert not SectionProgress.objects.exists()


def test_an_unpublished_section_no_longer_counts_toward_the_percentage(course, student):
    record_section_completed(user=student, section=section("the-cable"))
    Section.objects.filter(key="afterwards").update(published=False)
    record_section_completed(user=student, section=section("the-reply"))
    progress = lesson_progress(student)
    assert (progress.sections_completed, progress.percent) == (2, 100)


# --- Through the HTTP interface -------------------------------------------------------

COMPLETE = "/lessons/first-signals/the-cable/complete/"


def test_viewing_a_section_records_it_as_opened_for_a_student(client, course, student):
    client.force_login(student)
    response = client.get("/lessons/first-signals/the-reply/")
    assert response.status_code == 200
    row = SectionProgress.objects.get(user=student)
    assert row.section.key == "the-reply" and row.completed_at is None
    assert "Mark as read and continue" in response.text


def test_viewing_a_section_records_nothing_for_visitors_and_teachers(
    client, course, teacher
):
    response = client.get("/lessons/first-signals/the-reply/")
    assert response.status_code == 200
    assert "Mark as read" not in response.text
    assert "to mark sections as read" in response.text
    client.force_login(teacher)
    assert client.get("/lessons/first-signals/the-reply/").status_code == 200
    assert not SectionProgress.objects.exists()
    assert not LessonProgress.objects.exists()


def test_mark_as_read_moves_on_to_the_next_section(client, course, student):
    client.force_login(student)
    response = client.post(COMPLETE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/lessons/first-signals/the-reply/"
    assert SectionProgress.objects.get(user=student).completed_at is not None
    # A replayed POST changes nothing and still moves on.
    completed_at = SectionProgress.objects.get(user=student).completed_at
    assert client.post(COMPLETE).status_code == 302
    assert SectionProgress.objects.get(user=student).completed_at == completed_at


def test_mark_as_read_on_the_last_section_returns_to_the_lesson(
    client, course, student
):
    client.force_login(student)
    response = client.post("/lessons/first-signals/afterwards/complete/", follow=True)
    assert response.redirect_chain == [("/lessons/first-signals/", 302)]
    assert "That was the last section" in response.text
    client.post("/lessons/first-signals/the-cable/complete/")
    response = client.post("/lessons/first-signals/the-reply/complete/", follow=True)
    assert response.redirect_chain[-1] == ("/lessons/first-signals/afterwards/", 302)
    response = client.post("/lessons/first-signals/afterwards/complete/", follow=True)
    assert "You have read every section of this lesson" in response.text


def test_mark_as_read_refusals(client, course, student, teacher):
    # GET on the POST address: 405, nothing recorded.
    assert client.get(COMPLETE).status_code == 405
    # A visitor is sent to sign in.
    response = client.post(COMPLETE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")
    client.force_login(student)
    assert client.get(COMPLETE).status_code == 405
    assert client.post("/lessons/first-signals/no-such/complete/").status_code == 404
    assert client.post("/lessons/no-such/the-cable/complete/").status_code == 404
    Section.objects.filter(key="afterwards").update(published=False)
    assert client.post("/lessons/first-signals/afterwards/complete/").status_code == 404
    Lesson.objects.filter(key="the-reply").update(published=False)
    assert client.post("/lessons/the-reply/reactions/complete/").status_code == 404
    assert not SectionProgress.objects.exists()
    # A teacher's account keeps no progress: a clear 403.
    client.force_login(teacher)
    response = client.post(COMPLETE)
    assert response.status_code == 403
    assert "Reading progress is kept for student accounts" in response.text
    assert not SectionProgress.objects.exists()


def test_mark_as_read_needs_the_csrf_token(course, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(COMPLETE).status_code == 403
    assert not SectionProgress.objects.exists()
    page = client.get("/lessons/first-signals/the-cable/")
    token = page.context["csrf_token"]
    assert client.post(COMPLETE, {"csrfmiddlewaretoken": str(token)}).status_code == 302
    assert SectionProgress.objects.get(user=student).completed_at is not None


def test_students_see_only_their_own_progress(client, course, student, other_student):
    client.force_login(student)
    client.post("/lessons/first-signals/the-cable/complete/")
    client.post("/lessons/first-signals/the-reply/complete/")

    client.force_login(other_student)
    index = client.get("/lessons/").text
    assert "sections read" not in index and "Resume" not in index
    detail = client.get("/lessons/first-signals/").text
    assert "state-read" not in detail
    assert "Start reading: The cable" in detail

    client.force_login(student)
    index = client.get("/lessons/").text
    assert "2 of 3 sections read · 66%" in index
    assert 'href="/lessons/first-signals/afterwards/">Resume' in index
    detail = client.get("/lessons/first-signals/").text
    assert detail.count('<span class="state state-read">Read</span>') == 2
    assert "Resume: Afterwards" in detail
