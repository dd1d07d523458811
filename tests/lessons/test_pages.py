import re

import pytest
from django.urls import NoReverseMatch, reverse

from lessons.models import Lesson, Section, Source, TimelineEvent

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)

PAGES = [
    "/lessons/",
    "/lessons/first-signals/",
    "/lessons/first-signals/the-cable/",
    "/lessons/first-signals/print/",
    "/sources/",
    "/sources/field-cable/",
    "/timeline/",
    "/timeline/who-knew/",
    "/people/",
    "/glossary/",
    "/search/?q=cable",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_public_and_keeps_to_the_csp(client, course, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not STYLE_ATTRIBUTE.search(html)
    assert not EVENT_HANDLER.search(html)
    assert html.count("<h1") == 1


@pytest.mark.parametrize(
    "path",
    [
        "/lessons/no-such/",
        "/lessons/first-signals/no-such/",
        "/lessons/no-such/the-cable/",
        "/lessons/no-such/print/",
        "/sources/no-such/",
    ],
)
def test_unknown_content_is_a_friendly_404(client, course, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "We can't find that page" in response.text


def test_unpublished_content_is_404(client, course):
    Section.objects.filter(key="the-cable").update(published=False)
    Source.objects.filter(key="hq-reply").update(published=False)
    assert client.get("/lessons/first-signals/the-cable/").status_code == 404
    assert client.get("/sources/hq-reply/").status_code == 404
    assert "Headquarters replies" not in client.get("/sources/").text
    Lesson.objects.filter(key="first-signals").update(published=False)
    assert client.get("/lessons/first-signals/").status_code == 404
    assert client.get("/lessons/first-signals/the-reply/").status_code == 404
    assert client.get("/lessons/first-signals/print/").status_code == 404
    assert "First signals" not in client.get("/lessons/").text


def test_pages_answer_only_get_and_head(client, course):
    assert client.post("/lessons/first-signals/").status_code == 405
    assert client.post("/sources/").status_code == 405


# --- Lessons --------------------------------------------------------------------------


def test_index_lists_modules_in_order_with_period_and_time(client, course):
    html = client.get("/lessons/").text
    assert html.index("First signals") < html.index("The Council")
    assert "January 1994" in html and "About 40 minutes" in html
    assert "3 sections" in html
    assert "Sign in</a> as a student to keep your place" in html


def test_lesson_overview_has_everything_a_reader_needs(client, course):
    html = client.get("/lessons/first-signals/").text
    for expected in [
        "Explain what the cable said.",  # objectives
        "A test content note.",
        'href="/lessons/first-signals/the-cable/"',  # table of contents
        "What did the field warn?",
        "Start reading: The cable",
        "The cable reaches headquarters",  # timeline slice
        'href="/people/#person-field-commander"',
        'href="/glossary/#term-mandate"',
        "Was the reply reasonable?",  # discussion prompt
        "Be the desk",  # activity
        "The cable arrives.",  # activity card content
        'href="/lessons/first-signals/print/"',
    ]:
        assert expected in html, expected


def test_teacher_content_is_shown_to_teachers_only(client, course, student, teacher):
    secrets = ["SECRET-REVEAL-TEXT", "SECRET-DEBRIEF-TEXT", "SECRET-GUIDE-TEXT"]
    for path in ("/lessons/first-signals/", "/lessons/first-signals/print/"):
        html = client.get(path).text
        assert not any(secret in html for secret in secrets), path
    client.force_login(student)
    for path in ("/lessons/first-signals/", "/lessons/first-signals/print/"):
        html = client.get(path).text
        assert not any(secret in html for secret in secrets), path
    client.force_login(teacher)
    for path in ("/lessons/first-signals/", "/lessons/first-signals/print/"):
        html = client.get(path).text
        assert all(secret in html for secret in secrets), path
        assert "Teacher guide" in html


def test_quiz_link_appears_when_the_quiz_route_exists(client, course):
    html = client.get("/lessons/first-signals/").text
    try:
        quiz_url = reverse("quizzes:detail", args=["first-signals"])
    except NoReverseMatch:
        assert "This module's quiz is not available yet." in html
    else:
        assert f'href="{quiz_url}"' in html


def test_section_page_shows_question_prose_sources_and_neighbours(client, course):
    html = client.get("/lessons/first-signals/the-reply/").text
    assert "How did headquarters answer?" in html
    assert "Section 2 of 3" in html
    # Both source cards, in the order the file gives, linking to their pages.
    assert html.index('id="source-hq-reply-title"') < html.index(
        'id="source-field-cable-title"'
    )
    assert 'href="/sources/hq-reply/"' in html
    assert "Quoted by another source" in html and "Primary text seen" in html
    assert 'rel="prev"' in html and 'href="/lessons/first-signals/the-cable/"' in html
    assert 'rel="next"' in html and 'href="/lessons/first-signals/afterwards/"' in html
    assert "/static/js/lessons.js" in html
    assert 'class="term-ref" href="/glossary/#term-demarche"' in html


def test_print_packet_holds_the_whole_lesson_and_a_print_button(client, course):
    html = client.get("/lessons/first-signals/print/").text
    for title in ("The cable", "The reply", "Afterwards"):
        assert f">{title}</h2>" in html
    assert "We cannot agree to the operation contemplated" in html  # excerpt
    assert "Who wrote this cable, and for whom?" in html  # sourcing question
    assert "data-print" in html


# --- Sources --------------------------------------------------------------------------


def test_source_library_lists_and_filters(client, course):
    html = client.get("/sources/").text
    assert "3 sources." in html
    html = client.get("/sources/?type=cable").text
    assert "1 source match your filter" in html and "A cable from the field" in html
    html = client.get("/sources/?institution=security-council").text
    assert "A test resolution" in html and "A cable from the field" not in html
    html = client.get("/sources/?date_from=1994-01-12&date_to=1994-03-01").text
    assert "Headquarters replies" in html
    assert "A test resolution" not in html and "A cable from the field" not in html
    html = client.get("/sources/?type=speech").text
    assert "No source matches that filter" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("type=fax", "There is no document type called that."),
        ("institution=cia", "There is no institution called that."),
        ("date_from=1994-02-30", "Enter a date as year-month-day"),
        ("date_from=yesterday", "Enter a date as year-month-day"),
        ("date_to=2999-01-01", "Choose a date between 1990 and 2030."),
        ("date_from=1994-05-01&date_to=1994-04-01", "The start date is after the end"),
        ("date_from=" + "9" * 5000, "Enter a date as year-month-day"),
    ],
)
def test_invalid_source_filters_get_a_sentence_not_a_500(
    client, course, query, message
):
    response = client.get(f"/sources/?{query}")
    assert response.status_code == 400
    assert "We couldn't use that filter." in response.text
    assert message in response.text


def test_source_page_shows_the_full_card_and_where_it_is_used(client, course):
    html = client.get("/sources/field-cable/").text
    for expected in [
        "A cable from the field",
        "Commander of the test mission",
        "Dated 11 January 1994",
        "Headquarters",  # audience
        "To warn headquarters of a test plan.",  # purpose
        "Held in a test archive; published in 2014.",  # provenance
        'href="https://example.org/briefing-book"',
        "What can it not show?",
        "Quoted by another source",
        'href="/lessons/first-signals/the-cable/"',  # used in sections
        'href="/lessons/first-signals/the-reply/"',
        'href="/timeline/#event-tl-01"',  # cited by event
    ]:
        assert expected in html, expected


# --- Timeline -------------------------------------------------------------------------


def test_timeline_groups_events_links_sources_and_shows_certainty(client, course):
    html = client.get("/timeline/").text
    assert html.index("The cable reaches headquarters") < html.index(
        "The Council adjusts the mission"
    )
    assert 'id="event-tl-01"' in html
    assert 'href="/sources/field-cable/"' in html
    assert 'href="https://example.org/news"' in html  # citation
    assert "Before 7 April 1994" in html
    assert "Secondary account" in html


def test_timeline_filters_by_the_institution_that_acted(client, course):
    html = client.get("/timeline/?actor=security-council").text
    assert "The Council adjusts the mission" in html
    assert "The cable reaches headquarters" not in html
    html = client.get("/timeline/?actor=france").text
    assert "No event in this timeline records France acting." in html
    response = client.get("/timeline/?actor=martians")
    assert response.status_code == 400
    assert "There is no institution called that." in response.text


def test_who_knew_what_when_shows_what_each_institution_had_been_told(client, course):
    html = client.get("/timeline/who-knew/?date=1994-01-11").text
    secretariat = html[html.index('id="inst-un-secretariat"') :]
    secretariat = secretariat[: secretariat.index("</section>")]
    assert "The cable reaches headquarters" in secretariat
    unamir = html[html.index('id="inst-unamir"') :]
    unamir = unamir[: unamir.index("</section>")]
    # The reply came on the 12th: not yet.
    assert "Headquarters replies" not in unamir and "Nothing recorded yet." in unamir
    html = client.get("/timeline/who-knew/?date=1994-04-30").text
    us = html[html.index('id="inst-us-government"') :]
    assert "The Council adjusts the mission" in us[: us.index("</section>")]


def test_who_knew_defaults_to_the_eve_of_the_genocide_and_refuses_bad_dates(
    client, course
):
    html = client.get("/timeline/who-knew/").text
    assert "By 6 April 1994" in html
    response = client.get("/timeline/who-knew/?date=1994-04-31")
    assert response.status_code == 400
    assert "We couldn't use that date." in response.text


# --- People, glossary, search ---------------------------------------------------------


def test_people_page_groups_by_institution_with_anchors(client, course):
    html = client.get("/people/").text
    assert 'id="person-field-commander"' in html
    assert html.index("UNAMIR (UN mission in Rwanda)") < html.index("Desk Officer")
    assert 'href="/lessons/first-signals/">Module 1, First signals' in html


def test_glossary_has_an_anchor_per_term_in_alphabetical_order(client, course):
    html = client.get("/glossary/").text
    assert 'id="term-mandate"' in html and 'id="term-demarche"' in html
    assert html.index('id="term-demarche"') < html.index('id="term-mandate"')


def test_search_finds_sections_sources_and_events_ignoring_accents(client, course):
    html = client.get("/search/?q=Demarche").text
    assert 'href="/lessons/first-signals/the-reply/"' in html
    html = client.get("/search/?q=cable+headquarters").text
    assert 'href="/sources/field-cable/"' in html
    assert 'href="/timeline/#event-tl-01"' in html
    html = client.get("/search/?q=zebra").text
    assert "Nothing in the lessons, sources or timeline matches" in html


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 200, "Type a word or two"),
        ("   ", 200, "Type a word or two"),
        ("x", 400, "Type at least two letters to search."),
        ("a" * 101, 400, "That search is too long. Use at most 100 characters"),
        ("%00", 400, "Null characters are not allowed."),
    ],
)
def test_empty_short_or_overlong_searches_get_a_friendly_sentence(
    client, course, query, status, message
):
    response = client.get(f"/search/?q={query}")
    assert response.status_code == status
    assert message in response.text


def test_search_wildcards_are_literal(client, course):
    TimelineEvent.objects.update(search_text="nothing")
    html = client.get("/search/?q=%25%25").text
    assert "Nothing in the lessons, sources or timeline matches" in html
