"""Writes for reading progress.

A student's progress only grows: a section, once opened, stays opened; once
completed, stays completed; LessonProgress is recomputed from the SectionProgress
rows, so repeated, replayed or out-of-order calls give the same result. Each call is
one short transaction (IMMEDIATE on SQLite, so two tabs of one student queue instead
of deadlocking); unique constraints, not row locks, keep one row per student and
section."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from lessons.models import LessonProgress, Section, SectionProgress


class SectionNotAvailable(Exception):
    """The section or its lesson is unpublished: progress cannot be recorded."""


@transaction.atomic
def record_section_opened(*, user: User, section: Section) -> SectionProgress:
    """Record that `user` opened `section` (first time only) and make it the place
    their lesson resumes from. Precondition: `user` is a student; `section` and its
    lesson are published (else SectionNotAvailable)."""
    _require_published(section)
    now = timezone.now()
    progress, _ = SectionProgress.objects.get_or_create(
        user=user, section=section, defaults={"opened_at": now}
    )
    _recompute_lesson_progress(user=user, section=section, now=now)
    return progress


@transaction.atomic
def record_section_completed(*, user: User, section: Section) -> SectionProgress:
    """Record that `user` finished reading `section` (the first completion time is
    kept) and recompute their LessonProgress. Completing a section never opened
    counts as opening it too. Same preconditions as record_section_opened."""
    _require_published(section)
    now = timezone.now()
    progress, created = SectionProgress.objects.get_or_create(
        user=user, section=section, defaults={"opened_at": now, "completed_at": now}
    )
    if not created and progress.completed_at is None:
        # Only a row still open is updated: a replayed POST leaves the first
        # completion time alone.
        updated = SectionProgress.objects.filter(
            pk=progress.pk, completed_at__isnull=True
        ).update(completed_at=now)
        if updated:
            progress.completed_at = now
        else:
            progress.refresh_from_db(fields=["completed_at"])
    _recompute_lesson_progress(
        user=user, section=section, now=now, resume_after_completion=True
    )
    return progress


def _require_published(section: Section) -> None:
    if not section.published or not section.lesson.published:
        raise SectionNotAvailable(f"{section.lesson.key}/{section.key}")


def _recompute_lesson_progress(
    *,
    user: User,
    section: Section,
    now: datetime,
    resume_after_completion: bool = False,
) -> LessonProgress:
    """Bring the student's LessonProgress in step with their SectionProgress rows and
    set where the lesson resumes: the section just opened, or after a completion the
    next section not yet completed (wrapping to the first one missed). Runs inside the
    caller's transaction."""
    lesson = section.lesson
    progress, created = LessonProgress.objects.get_or_create(
        user=user,
        lesson=lesson,
        defaults={"started_at": now, "last_visited_at": now, "last_section": section},
    )
    if not created:
        # On PostgreSQL two requests of one student could otherwise both count
        # before either commits and the later write would keep a stale count; the
        # row lock orders them. (SQLite's IMMEDIATE transactions already do.)
        progress = LessonProgress.objects.select_for_update().get(pk=progress.pk)
    section_ids = list(
        Section.objects.filter(lesson=lesson, published=True)
        .order_by("order")
        .values_list("pk", flat=True)
    )
    completed_ids = set(
        SectionProgress.objects.filter(
            user=user, section_id__in=section_ids, completed_at__isnull=False
        ).values_list("section_id", flat=True)
    )
    total, completed = len(section_ids), len(completed_ids)
    progress.sections_completed = completed
    # Floor, so 100% means every section is read.
    progress.percent = min(100, completed * 100 // total) if total else 0
    if total and completed >= total and progress.completed_at is None:
        progress.completed_at = now
    progress.last_visited_at = max(progress.last_visited_at, now)
    progress.last_section_id = section.pk
    if resume_after_completion and section.pk in section_ids:
        start = section_ids.index(section.pk)
        following = section_ids[start + 1 :] + section_ids[: start + 1]
        progress.last_section_id = next(
            (pk for pk in following if pk not in completed_ids), section.pk
        )
    progress.save(
        update_fields=[
            "sections_completed",
            "percent",
            "completed_at",
            "last_visited_at",
            "last_section",
        ]
    )
    return progress
