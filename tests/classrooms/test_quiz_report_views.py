"""The quiz report pages through the client: who may open them, what they show, their
CSV files, their filters, and their query counts at 5 and 200 students."""

import csv
import io
from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classrooms import services
from quizzes.models import ShowAnswers
from tests.classrooms.item_analysis_data import (
    add_classmates,
    make_quiz,
    make_student,
    seed_class,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(classroom, teacher):
    return seed_class(classroom, teacher)


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def urls(seeded) -> dict[str, str]:
    pk, key = seeded.classroom.pk, seeded.quiz.key
    ben = seeded.attempts["Ben"].pk
    return {
        "list": reverse("classrooms:quiz_reports", args=[pk]),
        "report": reverse("classrooms:quiz_report", args=[pk, key]),
        "questions_csv": reverse(
            "classrooms:quiz_report_questions_csv", args=[pk, key]
        ),
        "skills_csv": reverse("classrooms:quiz_report_skills_csv", args=[pk, key]),
        "answers": reverse("classrooms:question_answers", args=[pk, key, "s1-q2"]),
        "answers_csv": reverse(
            "classrooms:question_answers_csv", args=[pk, key, "s1-q2"]
        ),
        "attempt": reverse("classrooms:attempt_detail", args=[pk, ben]),
    }


class Tables(HTMLParser):
    """Every table's caption and cell texts (visually hidden spans included)."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._caption:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)


def table(html: str, caption_start: str) -> list[list[str]]:
    parser = Tables()
    parser.feed(html)
    for found in parser.tables:
        if found["caption"].strip().startswith(caption_start):
            return found["rows"]
    raise AssertionError(f"no table captioned {caption_start!r}")


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- Who may open the pages -----------------------------------------------------------


def test_every_page_opens_for_the_teacher_and_co_teacher(
    seeded, teacher_client, client, other_teacher
):
    for name, url in urls(seeded).items():
        assert teacher_client.get(url).status_code == 200, name
    services.add_co_teacher(classroom=seeded.classroom, teacher=other_teacher)
    client.force_login(other_teacher)
    assert client.get(urls(seeded)["report"]).status_code == 200


def test_another_teacher_gets_404_with_nothing_of_the_class(
    seeded, client, other_teacher
):
    client.force_login(other_teacher)
    for name, url in urls(seeded).items():
        response = client.get(url)
        assert response.status_code == 404, name
        body = response.content.decode()
        assert "Ada" not in body and "Sources quiz" not in body, name


def test_students_are_refused_and_visitors_sent_to_sign_in(seeded, client):
    client.force_login(seeded.students["Ada"])
    for name, url in urls(seeded).items():
        assert client.get(url).status_code == 403, name
    client.logout()
    for name, url in urls(seeded).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


def test_a_quiz_not_assigned_to_the_class_is_404(seeded, teacher_client):
    other = make_quiz(2)
    pk = seeded.classroom.pk
    for url in (
        reverse("classrooms:quiz_report", args=[pk, other.key]),
        reverse("classrooms:question_answers", args=[pk, other.key, "s2-q1"]),
        reverse("classrooms:quiz_report_questions_csv", args=[pk, other.key]),
    ):
        assert teacher_client.get(url).status_code == 404


def test_a_withdrawn_assignment_takes_its_report_away(seeded, teacher_client):
    assignment = seeded.classroom.assignments.get()
    services.withdraw_assignment(assignment=assignment)
    assert teacher_client.get(urls(seeded)["report"]).status_code == 404


def test_an_attempt_of_a_student_not_in_the_class_is_404(
    seeded, teacher_client, foreign_classroom, teacher
):
    outsider = make_student(foreign_classroom, "Zed")
    from quizzes.services import start_attempt

    attempt = start_attempt(user=outsider, quiz=seeded.quiz)
    url = reverse("classrooms:attempt_detail", args=[seeded.classroom.pk, attempt.pk])
    assert teacher_client.get(url).status_code == 404
    missing = reverse("classrooms:attempt_detail", args=[seeded.classroom.pk, 99999])
    assert teacher_client.get(missing).status_code == 404
    # A student removed from the class takes their attempts with them.
    services.remove_student(classroom=seeded.classroom, student=seeded.students["Ben"])
    assert teacher_client.get(urls(seeded)["attempt"]).status_code == 404


def test_pages_answer_only_get(seeded, teacher_client):
    for name, url in urls(seeded).items():
        assert teacher_client.post(url).status_code == 405, name


# --- Bad filters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "query", "sentence"),
    [
        ("report", "skill=astrology", "Filter by one of the skills"),
        ("report", "band=33", "A score band is the low end"),
        ("report", "state=happy", "Show students who have submitted"),
        ("questions_csv", "skill=x", "Filter by one of the skills"),
        ("answers", "outcome=nope", "Show answers that are correct"),
        ("answers", "choice=zz", "isn't one of this question's options"),
        ("answers", "choice=%3Cscript%3E", "isn't one of this question's options"),
        ("answers_csv", "outcome=1", "Show answers that are correct"),
    ],
)
def test_bad_filters_answer_400_with_a_sentence(
    seeded, teacher_client, page, query, sentence
):
    response = teacher_client.get(f"{urls(seeded)[page]}?{query}")
    assert response.status_code == 400
    assert sentence in unescape(response.content.decode())


def test_an_option_filter_on_a_written_question_is_400(seeded, teacher_client):
    url = reverse(
        "classrooms:question_answers",
        args=[seeded.classroom.pk, seeded.quiz.key, "s1-q4"],
    )
    response = teacher_client.get(f"{url}?choice=a")
    assert response.status_code == 400
    assert "isn't one of this question's options" in unescape(response.content.decode())


# --- What the pages show --------------------------------------------------------------


def test_quiz_list_shows_submitted_and_average(seeded, teacher_client):
    html = teacher_client.get(urls(seeded)["list"]).content.decode()
    rows = table(html, "Quizzes assigned")
    assert rows[1] == [
        "Sources quiz Module 1: Reading sources",
        "5 of 6",
        "1",
        "41.7%",
    ]
    assert "Quiz reports" in html and 'aria-current="page">Quiz reports' in html


def test_report_page_numbers_link_to_the_answers_behind_them(seeded, teacher_client):
    response = teacher_client.get(urls(seeded)["report"])
    html = response.content.decode()
    pk, key = seeded.classroom.pk, seeded.quiz.key
    answers = reverse("classrooms:question_answers", args=[pk, key, "s1-q1"])
    assert f'href="{answers}?outcome=correct"' in html  # share correct
    assert f'href="{answers}?outcome=missed"' in html  # missed
    assert f'href="{answers}?choice=b"' in html  # a distractor's count
    assert 'href="/teach/classes/' in html and "?skill=sourcing#questions" in html
    assert "?band=90#students" in html
    assert "based on each student's counting attempt" in html.lower()
    assert html.count("<svg") >= 3 and "<style" not in html and 'style="' not in html


def test_question_table_csv_equals_the_screen(seeded, teacher_client):
    html = teacher_client.get(urls(seeded)["report"]).content.decode()
    screen = table(html, "Each question")
    rows = csv_rows(teacher_client.get(urls(seeded)["questions_csv"]))
    assert rows[0][0] == "Question" and len(rows) == len(screen) == 5
    for shown, exported in zip(screen[1:], rows[1:], strict=True):
        cleaned = [cell.split(" ")[0] if cell[:1].isdigit() else cell for cell in shown]
        assert [c.rstrip("%") for c in cleaned] == exported
    assert rows[1] == [
        "Q1",
        "Who wrote the cable?",
        "Sourcing",
        "Single choice",
        "1",
        "5",
        "2",
        "40.0",
        "0.4",
        "3",
        "0",
    ]


def test_skill_table_csv_equals_the_screen(seeded, teacher_client):
    html = teacher_client.get(urls(seeded)["report"]).content.decode()
    screen = table(html, "Points earned")
    rows = csv_rows(teacher_client.get(urls(seeded)["skills_csv"]))
    assert [[c.rstrip("%") for c in row] for row in screen] == [
        [c.replace(" (%)", "") for c in rows[0]],
        *rows[1:],
    ]
    assert rows[1] == ["Sourcing", "2", "7", "15", "46.7", "40.0"]


def test_skill_filter_keeps_that_skills_questions_in_page_and_csv(
    seeded, teacher_client
):
    html = teacher_client.get(urls(seeded)["report"] + "?skill=recall").content.decode()
    assert [row[0] for row in table(html, "Each question")[1:]] == ["Q3"]
    rows = csv_rows(teacher_client.get(urls(seeded)["questions_csv"] + "?skill=recall"))
    assert [row[0] for row in rows[1:]] == ["Q3"]


def test_answers_page_and_csv_show_the_same_answers(seeded, teacher_client):
    html = teacher_client.get(urls(seeded)["answers"] + "?outcome=missed").content
    screen = table(html.decode(), "Each student's answer")
    assert [row[0] for row in screen[1:]] == ["Ben", "Cleo", "Eve"]
    rows = csv_rows(teacher_client.get(urls(seeded)["answers_csv"] + "?outcome=missed"))
    assert [row[0] for row in rows[1:]] == ["Ben", "Cleo", "Eve"]
    for shown, exported in zip(screen[1:], rows[1:], strict=True):
        assert shown[2] == exported[2]  # outcome
        assert shown[3].split(" / ") == [exported[3], exported[4]]  # score
        for part in exported[5].split(" | "):
            if part != "(no answer)":
                assert part in shown[1]
    assert rows[1][:5] == ["Ben", "2", "Partly correct", "1", "2"]
    assert rows[1][5] == "The cable (right)" or "The cable" in rows[1][5]


def test_answers_page_shows_the_question_and_its_right_answer(seeded, teacher_client):
    html = teacher_client.get(urls(seeded)["answers"]).content.decode()
    assert "Which are primary sources?" in html
    assert "Written at the time." in html  # the explanation
    assert "Correct answer" in html and "The letter" in html


def test_attempt_page_shows_answers_scores_and_comments(seeded, teacher_client):
    ada = seeded.attempts["Ada"].pk
    url = reverse("classrooms:attempt_detail", args=[seeded.classroom.pk, ada])
    html = teacher_client.get(url).content.decode()
    assert "Ada" in html and "Well argued." in html
    assert "Correct answer" in html and "100%" in html


def test_attempt_awaiting_grading_points_to_grading(seeded, teacher_client):
    dan = seeded.attempts["Dan"].pk
    url = reverse("classrooms:attempt_detail", args=[seeded.classroom.pk, dan])
    html = teacher_client.get(url).content.decode()
    assert "Awaiting grading" in html
    try:
        grading = reverse("admin:grading")
    except Exception:  # the grading queue (brief B) may not exist yet
        grading = None
    if grading:
        assert f'href="{grading}"' in html


def test_student_pages_still_hide_answers_when_the_policy_says_never(
    seeded, teacher_client
):
    quiz = seeded.quiz
    quiz.show_answers = ShowAnswers.NEVER
    quiz.save(update_fields=["show_answers"])
    ben = seeded.attempts["Ben"]
    client = Client()
    client.force_login(seeded.students["Ben"])
    review = client.get(reverse("quizzes:review", args=[quiz.key, ben.pk]))
    assert review.status_code == 200
    body = review.content.decode()
    assert "Correct answer" not in body and "Written at the time." not in body
    # The teacher may see them for the same attempt.
    teacher_html = teacher_client.get(urls(seeded)["attempt"]).content.decode()
    assert "Correct answer" in teacher_html and "Written at the time." in teacher_html


def test_names_are_escaped(seeded, teacher_client):
    ada = seeded.students["Ada"]
    ada.display_name = "<b>Ada</b>"
    ada.save(update_fields=["display_name"])
    html = teacher_client.get(urls(seeded)["report"]).content.decode()
    assert "<b>Ada</b>" not in html and "&lt;b&gt;Ada&lt;/b&gt;" in html


def test_formula_names_are_neutralised_in_csv(seeded, teacher_client):
    ben = seeded.students["Ben"]
    ben.display_name = "=HYPERLINK(1)"
    ben.save(update_fields=["display_name"])
    rows = csv_rows(teacher_client.get(urls(seeded)["answers_csv"]))
    assert "'=HYPERLINK(1)" in [row[0] for row in rows]


# --- Query counts at 5 and 200 students -----------------------------------------------

# Each page: the session and user (2), the teacher check (1), the class (1), then its
# selector (docstrings in classrooms/item_analysis.py).
PAGE_QUERIES = {
    "list": 8,
    "report": 12,
    "questions_csv": 12,
    "skills_csv": 12,
    "answers": 11,
    "answers_csv": 11,
    "attempt": 6,
}


def count_pages(client, seeded) -> dict[str, int]:
    counts = {}
    for name, url in urls(seeded).items():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(context.captured_queries)
    return counts


def test_every_page_is_a_fixed_number_of_queries_at_5_and_200_students(
    classroom, teacher, teacher_client
):
    seeded = seed_class(classroom, teacher)  # six students, five submitted
    small = count_pages(teacher_client, seeded)
    add_classmates(classroom, seeded.quiz, 194)  # 200 students
    large = count_pages(teacher_client, seeded)
    assert small == large == PAGE_QUERIES


def test_attempt_at_a_quiz_not_assigned_here_opens_without_report_links(
    seeded, teacher_client
):
    from quizzes.services import start_attempt

    other = make_quiz(2)
    attempt = start_attempt(user=seeded.students["Ada"], quiz=other)
    url = reverse("classrooms:attempt_detail", args=[seeded.classroom.pk, attempt.pk])
    response = teacher_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Everyone's answers" not in html.replace("&#x27;", "'")
    assert (
        reverse("classrooms:quiz_report", args=[seeded.classroom.pk, other.key])
        not in html
    )
