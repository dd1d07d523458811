"""Lesson, source, timeline, people, glossary and search pages.

Everything is readable without an account; reading progress is recorded for signed-in
students only. Views parse the request, call a selector or a service, and render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.roles import is_student, is_teacher
from lessons import selectors, services
from lessons.cache import cache_anonymous_page, content_version
from lessons.forms import (
    SearchForm,
    SourceFilterForm,
    TimelineFilterForm,
    WhoKnewForm,
)
from lessons.models import Institution

# Dates that change the picture in "who knew what, when".
WHO_KNEW_PRESETS = [
    (date(1994, 1, 11), "11 January 1994", "the reply to Dallaire's cable"),
    (date(1994, 2, 28), "28 February 1994", "after Belgium's démarche"),
    (date(1994, 4, 6), "6 April 1994", "the presidents' plane is shot down"),
    (date(1994, 4, 21), "21 April 1994", "Resolution 912 cuts UNAMIR"),
    (date(1994, 5, 17), "17 May 1994", "Resolution 918"),
    (date(1994, 7, 31), "31 July 1994", "the end of July"),
]
WHO_KNEW_DEFAULT = date(1994, 4, 6)


@require_safe
def lesson_index(request: HttpRequest) -> HttpResponse:
    lessons = selectors.lessons_for_index()
    progress = selectors.progress_for_lessons(request.user, lessons)
    for lesson in lessons:
        lesson.reading = progress.get(lesson.pk)
    return render(request, "lessons/index.html", {"lessons": lessons})


@require_safe
@cache_anonymous_page
def lesson_detail(request: HttpRequest, lesson_key: str) -> HttpResponse:
    page = selectors.lesson_page_for_key(lesson_key)
    lesson, sections = page.lesson, page.sections
    progress = selectors.progress_for_lessons(request.user, [lesson]).get(lesson.pk)
    states = selectors.section_progress_for_lesson(request.user, lesson)
    for section in sections:
        section.reading = states.get(section.pk)
    return render(
        request,
        "lessons/detail.html",
        {
            "lesson": lesson,
            "sections": sections,
            "page": page,
            "content_version": content_version(),
            "progress": progress,
            "resume": selectors.resume_section(progress, sections),
            "show_teacher_content": is_teacher(request.user),
            "tracks_progress": is_student(request.user),
        },
    )


@require_safe
def lesson_print(request: HttpRequest, lesson_key: str) -> HttpResponse:
    lesson, cards = selectors.lesson_for_print(lesson_key)
    sections = list(lesson.sections.all())
    for section in sections:
        section.cards = cards.get(section.pk, [])
    return render(
        request,
        "lessons/print.html",
        {
            "lesson": lesson,
            "sections": sections,
            "show_teacher_content": is_teacher(request.user),
        },
    )


@require_safe
def section_detail(
    request: HttpRequest, lesson_key: str, section_key: str
) -> HttpResponse:
    page = selectors.section_for_page(lesson_key, section_key)
    tracks_progress = is_student(request.user)
    if tracks_progress:
        services.record_section_opened(user=request.user, section=page.section)
    states = selectors.section_progress_for_lesson(request.user, page.lesson)
    for section in page.sections:
        section.reading = states.get(section.pk)
    return render(
        request,
        "lessons/section.html",
        {
            "page": page,
            "lesson": page.lesson,
            "section": page.section,
            "reading": states.get(page.section.pk),
            "tracks_progress": tracks_progress,
        },
    )


@require_POST
@login_required
def section_complete(
    request: HttpRequest, lesson_key: str, section_key: str
) -> HttpResponse:
    section = selectors.section_for_progress(lesson_key, section_key)
    if not is_student(request.user):
        return render(
            request,
            "lessons/progress_refused.html",
            {"lesson": section.lesson, "section": section},
            status=403,
        )
    services.record_section_completed(user=request.user, section=section)
    following = selectors.next_section(section)
    if following is not None:
        return redirect(following.get_absolute_url())
    progress = selectors.progress_for_lessons(request.user, [section.lesson])
    if progress[section.lesson_id].completed_at:
        messages.success(
            request,
            "You have read every section of this lesson. Take its quiz when you "
            "are ready, or look back at any section.",
        )
    else:
        messages.info(
            request,
            "That was the last section. The contents below show the sections you "
            "have not marked as read yet.",
        )
    return redirect(section.lesson.get_absolute_url())


@require_safe
def source_list(request: HttpRequest) -> HttpResponse:
    form = SourceFilterForm(request.GET or None)
    status, sources, filtered = 200, [], False
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        filters = form.cleaned_data if form.is_bound else {}
        filtered = any(filters.values())
        sources = selectors.sources_for_library(**filters)
    return render(
        request,
        "lessons/source_list.html",
        {"form": form, "sources": sources, "filtered": filtered},
        status=status,
    )


@require_safe
@cache_anonymous_page
def source_detail(request: HttpRequest, source_key: str) -> HttpResponse:
    usage = selectors.source_page_for_key(source_key)
    return render(
        request,
        "lessons/source_detail.html",
        {"source": usage.source, "usage": usage, "content_version": content_version()},
    )


@require_safe
def timeline(request: HttpRequest) -> HttpResponse:
    form = TimelineFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request, "lessons/timeline.html", {"form": form, "periods": []}, status=400
        )
    actor = form.cleaned_data.get("actor", "") if form.is_bound else ""
    return render(
        request,
        "lessons/timeline.html",
        {
            "form": form,
            "periods": selectors.timeline_periods(institution=actor),
            "actor_label": Institution(actor).label if actor else "",
        },
    )


@require_safe
def who_knew(request: HttpRequest) -> HttpResponse:
    form = WhoKnewForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "lessons/who_knew.html",
            {"form": form, "presets": WHO_KNEW_PRESETS},
            status=400,
        )
    as_of = (form.cleaned_data.get("date") if form.is_bound else None) or (
        WHO_KNEW_DEFAULT
    )
    if not form.is_bound:
        form = WhoKnewForm(initial={"date": as_of})
    return render(
        request,
        "lessons/who_knew.html",
        {
            "form": form,
            "as_of": as_of,
            "presets": WHO_KNEW_PRESETS,
            "knowledge": selectors.knowledge_by_institution(as_of),
        },
    )


@require_safe
def people(request: HttpRequest) -> HttpResponse:
    return render(
        request, "lessons/people.html", {"groups": selectors.people_by_institution()}
    )


@require_safe
def glossary(request: HttpRequest) -> HttpResponse:
    return render(
        request, "lessons/glossary.html", {"terms": selectors.glossary_terms()}
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "lessons/search.html", {"form": form}, status=400)
    query = form.cleaned_data["q"] if form.is_bound else ""
    results = selectors.search_site(query) if query else None
    return render(
        request,
        "lessons/search.html",
        {"form": form, "query": query, "results": results},
    )
