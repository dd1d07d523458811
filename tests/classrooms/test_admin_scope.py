"""The teacher-scoped admin: a teacher sees and changes only their own classes and
their students' work (another teacher's ids answer 404/403/302 with nothing of theirs
in the body), filters and autocomplete offer only their own, the grading queue grades
without leaving the page, and actions export, reset and extend, audited."""

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from classrooms import services
from classrooms.models import Extension
from lessons.models import LessonProgress, SectionProgress
from quizzes.models import Attempt, AttemptStatus, Response
from tests.classrooms.conftest import assign, make_module, read_all, take_quiz

OUTSIDER = "=cmd|outsider"


@pytest.fixture
def world(db, teacher, other_teacher, classroom, foreign_classroom, django_user_model):
    """One student in each teacher's class, each with a submitted attempt awaiting
    grading (a written answer), reading progress and an audit entry."""
    lesson = make_module(1, short_answer=True)
    mine = django_user_model.objects.create_user(username="amara", password="x")
    theirs = django_user_model.objects.create_user(
        username="bosco", password="x", display_name=OUTSIDER
    )
    services.join_classroom(student=mine, typed_code=classroom.join_code)
    services.join_classroom(student=theirs, typed_code=foreign_classroom.join_code)
    assignment = assign(classroom, lesson)
    foreign_assignment = assign(foreign_classroom, lesson)
    for student in (mine, theirs):
        read_all(student, lesson)
    my_attempt = take_quiz(mine, lesson, right=1)
    their_attempt = take_quiz(theirs, lesson)
    return {
        "lesson": lesson,
        "mine": mine,
        "theirs": theirs,
        "my_attempt": my_attempt,
        "their_attempt": their_attempt,
        "assignment": assignment,
        "foreign_assignment": foreign_assignment,
    }


def written(attempt):
    return Response.objects.get(attempt=attempt, kind="short_answer")


def admin_urls(model: str, pk: int) -> list[str]:
    return [
        reverse(f"admin:{model}_change", args=[pk]),
        reverse(f"admin:{model}_history", args=[pk]),
        reverse(f"admin:{model}_delete", args=[pk]),
    ]


@pytest.mark.django_db
def test_a_teacher_opens_none_of_another_teachers_rows_in_any_admin_model(
    client, teacher, world, foreign_classroom
):
    theirs = world["theirs"]
    their_attempt = world["their_attempt"]
    foreign_entry = AuditEntry.objects.create(
        action="grade", student=theirs, subject="bosco", summary="bosco secret"
    )
    rows = {
        "classrooms_classroom": foreign_classroom.pk,
        "classrooms_enrollment": foreign_classroom.enrollments.get().pk,
        "classrooms_assignment": world["foreign_assignment"].pk,
        "quizzes_attempt": their_attempt.pk,
        "quizzes_response": written(their_attempt).pk,
        "lessons_lessonprogress": LessonProgress.objects.get(user=theirs).pk,
        "lessons_sectionprogress": SectionProgress.objects.filter(user=theirs)
        .first()
        .pk,
        "accounts_auditentry": foreign_entry.pk,
    }
    client.force_login(teacher)
    for model, pk in rows.items():
        listing = client.get(reverse(f"admin:{model}_changelist"))
        assert listing.status_code == 200, model
        assert "bosco" not in listing.text and "Civics" not in listing.text, model
        for url in admin_urls(model, pk):
            response = client.get(url, follow=True)
            assert response.redirect_chain or response.status_code in (403, 404), url
            assert "bosco" not in response.text and "Civics" not in response.text, url
            assert OUTSIDER not in unescape(response.text), url


@pytest.mark.django_db
def test_a_teacher_sees_their_own_students_work_read_only(client, teacher, world):
    mine, attempt = world["mine"], world["my_attempt"]
    client.force_login(teacher)
    for model in ("quizzes_attempt", "lessons_lessonprogress", "quizzes_response"):
        assert "amara" in client.get(reverse(f"admin:{model}_changelist")).text
    page = client.get(reverse("admin:quizzes_attempt_change", args=[attempt.pk]))
    assert page.status_code == 200
    assert "My answer." in page.text and "True?" in page.text  # the snapshot
    assert 'name="_save"' not in page.text  # read-only
    assert client.get(reverse("admin:quizzes_attempt_add")).status_code == 403
    delete = reverse("admin:quizzes_attempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Attempt.objects.filter(user=mine).exists()


@pytest.mark.django_db
def test_filters_and_autocomplete_offer_only_the_teachers_own(
    client, teacher, world, classroom, foreign_classroom
):
    client.force_login(teacher)
    listing = client.get(reverse("admin:quizzes_attempt_changelist"))
    assert f"?classroom={classroom.pk}" in listing.text
    assert f"classroom={foreign_classroom.pk}" not in listing.text
    foreign = client.get(
        reverse("admin:quizzes_attempt_changelist")
        + f"?classroom={foreign_classroom.pk}"
    )
    assert "bosco" not in foreign.text and "amara" not in foreign.text
    own = client.get(
        reverse("admin:quizzes_attempt_changelist") + f"?classroom={classroom.pk}"
    )
    assert "amara" in own.text
    for model in ("enrollment", "assignment"):
        found = client.get(
            "/admin/autocomplete/",
            {"app_label": "classrooms", "model_name": model, "field_name": "classroom"},
        )
        assert found.status_code == 200
        names = [item["text"] for item in found.json()["results"]]
        assert names == [str(classroom)]


@pytest.mark.django_db
def test_administrators_see_every_students_work(admin_client, world):
    for model in ("quizzes_attempt", "lessons_lessonprogress"):
        text = admin_client.get(reverse(f"admin:{model}_changelist")).text
        assert "amara" in text and "outsider" in text


@pytest.mark.django_db
def test_the_teachers_index_shows_their_classes_first_with_their_numbers(
    client, teacher, world, classroom
):
    client.force_login(teacher)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert "Your classes" in page.text and "World History" in page.text
    assert "1 answer to grade" in page.text and "Civics" not in page.text
    assert "Rwanda 1994: Early Warning and Response" in page.text
    assert page.text.index("Your classes") < page.text.index("Quizzes")


@pytest.mark.django_db
def test_the_class_admin_shows_summary_columns_and_the_progress_tool(
    client, teacher, world, classroom
):
    client.force_login(teacher)
    listing = client.get(reverse("admin:classrooms_classroom_changelist"))
    assert "column-mastered" in listing.text and "column-overdue" in listing.text
    cells = re.findall(r'<td class="field-students">(\d+)</td>', listing.text)
    assert cells == ["1"]
    change = client.get(
        reverse("admin:classrooms_classroom_change", args=[classroom.pk])
    )
    progress = reverse("classrooms:progress", args=[classroom.pk])
    assert f'href="{progress}"' in change.text


# --- Grading queue --------------------------------------------------------------------


@pytest.mark.django_db
def test_grading_two_answers_grades_their_attempts_with_the_right_score(
    client, teacher, world, django_user_model, classroom
):
    second = django_user_model.objects.create_user(username="cyusa", password="x")
    services.join_classroom(student=second, typed_code=classroom.join_code)
    second_attempt = take_quiz(second, world["lesson"], right=2)
    client.force_login(teacher)
    queue = client.get(reverse("admin:grading"))
    assert queue.status_code == 200 and "2 waiting" in queue.text
    url = reverse("admin:grading_question", args=["module-1-q3"])
    page = client.get(url)
    assert "2 answers to grade" in page.text and "0 points" in page.text
    first = client.post(
        url,
        {"response": written(world["my_attempt"]).pk, "points": 2, "comment": "Good."},
        headers={"X-Requested-With": "fetch"},
    )
    assert first.status_code == 200 and first.json()["attempt_status"] == "Graded"
    plain = client.post(
        url, {"response": written(second_attempt).pk, "points": 1, "comment": ""}
    )
    assert plain.status_code == 302 and plain["Location"].startswith(url)
    mine = Attempt.objects.get(pk=world["my_attempt"].pk)
    assert mine.status == AttemptStatus.GRADED and mine.score == 3  # 1 + 2
    theirs = Attempt.objects.get(pk=second_attempt.pk)
    assert theirs.status == AttemptStatus.GRADED and theirs.score == 3  # 2 + 1
    entries = AuditEntry.objects.filter(action="grade", actor=teacher)
    assert entries.count() == 2
    assert {e.details["after"]["score"] for e in entries} == {1, 2}


@pytest.mark.django_db
def test_regrading_an_answer_is_audited_with_before_and_after(client, teacher, world):
    client.force_login(teacher)
    url = reverse("admin:grading_question", args=["module-1-q3"])
    response = written(world["my_attempt"])
    headers = {"X-Requested-With": "fetch"}
    client.post(url, {"response": response.pk, "points": 1}, headers=headers)
    client.post(url, {"response": response.pk, "points": 2}, headers=headers)
    latest = AuditEntry.objects.filter(action="grade").first()
    assert latest.details["before"]["score"] == "1"
    assert latest.details["after"]["score"] == 2
    assert "Changed the grade" in latest.summary


@pytest.mark.django_db
def test_bad_points_answer_with_a_sentence_never_a_500(client, teacher, world):
    client.force_login(teacher)
    url = reverse("admin:grading_question", args=["module-1-q3"])
    pk = written(world["my_attempt"]).pk
    for points in ("7", "abc", ""):
        fetched = client.post(
            url,
            {"response": pk, "points": points},
            headers={"X-Requested-With": "fetch"},
        )
        assert fetched.status_code == 400
        assert fetched.json()["error"].startswith("Choose")
    plain = client.post(url, {"response": pk, "points": "7"})
    assert plain.status_code == 400
    assert "Choose one of the rubric&#x27;s levels: 0, 1, 2." in plain.text
    assert Response.objects.get(pk=pk).score is None


@pytest.mark.django_db
def test_another_teachers_answers_are_missing_from_the_grading_queue(
    client, teacher, world, foreign_classroom
):
    client.force_login(teacher)
    url = reverse("admin:grading_question", args=["module-1-q3"])
    page = client.get(url + "?graded=1")
    assert "bosco" not in page.text
    foreign = written(world["their_attempt"]).pk
    refused = client.post(
        url, {"response": foreign, "points": 1}, headers={"X-Requested-With": "fetch"}
    )
    assert refused.status_code == 404 and "bosco" not in refused.text
    assert Response.objects.get(pk=foreign).score is None
    assert client.get(url + f"?classroom={foreign_classroom.pk}").status_code == 404
    assert (
        client.get(reverse("admin:grading_question", args=["nope"])).status_code == 404
    )


@pytest.mark.django_db
def test_students_never_reach_the_grading_queue(client, world):
    client.force_login(world["mine"])
    response = client.get(reverse("admin:grading"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Actions --------------------------------------------------------------------------


CELL = r'<(?:td|th) class="field-[^"]*"[^>]*>(.*?)</(?:td|th)>'


def changelist_rows(html: str) -> list[list[str]]:
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        cells = re.findall(
            r'<(?:td|th) class="field-[^"]*"[^>]*>(.*?)</(?:td|th)>', row
        )
        if cells:
            rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


@pytest.mark.django_db
def test_the_attempts_csv_equals_the_list_and_neutralises_formulas(admin_client, world):
    listing = admin_client.get(
        reverse("admin:quizzes_attempt_changelist") + "?o=1"
    ).text
    shown = changelist_rows(listing)
    export = admin_client.post(
        reverse("admin:quizzes_attempt_changelist"),
        {
            "action": "export_csv",
            "_selected_action": [world["my_attempt"].pk, world["their_attempt"].pk],
        },
    )
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][0] == "student"
    outsider = [row for row in rows[1:] if "outsider" in row[0]]
    assert outsider[0][0] == "'" + OUTSIDER
    csv_rows = [[cell.removeprefix("'") for cell in row] for row in rows[1:]]
    assert sorted(csv_rows) == sorted(shown)


@pytest.mark.django_db
def test_resetting_needs_a_reason_and_is_audited(client, teacher, world):
    attempt = world["my_attempt"]
    client.force_login(teacher)
    url = reverse("admin:quizzes_attempt_changelist")
    data = {"action": "reset_attempts", "_selected_action": [attempt.pk]}
    confirm = client.post(url, data)
    assert confirm.status_code == 200 and "Why are these attempts" in confirm.text
    refused = client.post(url, {**data, "apply": "1", "reason": "  "})
    assert refused.status_code == 400 and "Give a reason" in refused.text
    assert Attempt.objects.filter(pk=attempt.pk).exists()
    done = client.post(url, {**data, "apply": "1", "reason": "Fire alarm."})
    assert done.status_code == 302
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    entry = AuditEntry.objects.get(action="reset_attempt")
    assert entry.actor == teacher and entry.student == world["mine"]
    assert entry.reason == "Fire alarm." and entry.details["attempt_number"] == 1
    assert entry.details["answers"][2]["answer"] == "My answer."
    foreign = {
        "action": "reset_attempts",
        "_selected_action": [world["their_attempt"].pk],
        "apply": "1",
        "reason": "x",
    }
    client.post(url, foreign)
    assert Attempt.objects.filter(pk=world["their_attempt"].pk).exists()


@pytest.mark.django_db
def test_after_a_reset_the_student_starts_again_with_the_try_given_back(teacher, world):
    from quizzes.services import reset_attempt, start_attempt

    quiz = world["my_attempt"].quiz
    quiz.attempts_allowed = 1
    quiz.save()
    reset_attempt(attempt=world["my_attempt"], by=teacher, reason="Started by mistake")
    again = start_attempt(user=world["mine"], quiz=quiz)
    assert again.number == 1 and again.is_in_progress


@pytest.mark.django_db
def test_extending_creates_extensions_and_is_audited(client, teacher, world):
    assignment = world["assignment"]
    client.force_login(teacher)
    url = reverse("admin:classrooms_assignment_changelist")
    data = {"action": "extend_due_date", "_selected_action": [assignment.pk]}
    form = client.post(url, data)
    assert form.status_code == 200 and "amara" in form.text and "bosco" not in form.text
    later = timezone.localtime(
        assignment.due_at + timedelta(days=3), assignment.classroom.zone
    )
    too_early = client.post(
        url,
        {**data, "apply": "1", "scope": "students", "due_at": "2001-01-01T10:00"},
    )
    assert too_early.status_code == 400 and "must be later" in too_early.text
    done = client.post(
        url,
        {
            **data,
            "apply": "1",
            "scope": "students",
            "students": [world["mine"].pk],
            "due_at": later.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Illness",
        },
    )
    assert done.status_code == 302
    extension = Extension.objects.get(assignment=assignment)
    assert extension.student == world["mine"] and extension.granted_by == teacher
    entry = AuditEntry.objects.get(action="extend_due_date")
    assert entry.student == world["mine"] and entry.reason == "Illness"


@pytest.mark.django_db
def test_the_grades_csv_is_the_class_grid(client, teacher, world, classroom):
    client.force_login(teacher)
    export = client.post(
        reverse("admin:classrooms_classroom_changelist"),
        {"action": "export_grades", "_selected_action": [classroom.pk]},
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Name", "Username"]
    assert [row[1] for row in rows[1:]] == ["amara"]


# --- Query counts ---------------------------------------------------------------------


def grow(classroom, lesson, django_user_model, start: int, count: int) -> None:
    for number in range(start, start + count):
        student = django_user_model.objects.create_user(
            username=f"s{number:03}", password="x"
        )
        services.join_classroom(student=student, typed_code=classroom.join_code)
        read_all(student, lesson)
        take_quiz(student, lesson)


@pytest.mark.django_db
def test_admin_pages_answer_in_the_same_number_of_queries_for_5_and_200_students(
    client, teacher, world, classroom, django_user_model
):
    """Each page's count is measured with 5 students, then with 200 (each with an
    attempt, reading progress and an answer to grade): the counts are equal."""
    pages = [
        reverse("admin:index"),
        reverse("admin:classrooms_classroom_changelist"),
        reverse("admin:quizzes_attempt_changelist") + f"?classroom={classroom.pk}",
        reverse("admin:quizzes_response_changelist"),
        reverse("admin:lessons_lessonprogress_changelist"),
        reverse("admin:lessons_sectionprogress_changelist"),
        reverse("admin:accounts_auditentry_changelist"),
        reverse("admin:grading"),
        reverse("admin:grading_question", args=["module-1-q3"]) + "?graded=1",
    ]
    client.force_login(teacher)

    def counts() -> list[int]:
        measured = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            measured.append(len(queries))
        return measured

    grow(classroom, world["lesson"], django_user_model, 0, 4)  # 5 with amara
    small = counts()
    grow(classroom, world["lesson"], django_user_model, 4, 195)
    assert counts() == small
    assert max(small) <= 25, dict(zip(pages, small, strict=True))


# --- Audit ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_teacher_sees_audit_entries_about_their_students_and_their_own(
    client, teacher, other_teacher, world
):
    from quizzes.services import grade_short_answer, regrade_attempt

    grade_short_answer(
        response=written(world["their_attempt"]), grader=other_teacher, points=1
    )
    regrade_attempt(attempt=world["my_attempt"], by=teacher)
    client.force_login(teacher)
    listing = client.get(reverse("admin:accounts_auditentry_changelist"))
    assert "Regraded attempt 1" in listing.text
    assert "bosco" not in listing.text and "mr_nkusi" not in listing.text
    entry = AuditEntry.objects.get(action="regrade")
    assert entry.actor == teacher and entry.details["before"]["status"] == "submitted"
    page = client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.text


@pytest.mark.django_db
def test_an_attempt_in_progress_is_not_reset(teacher, world):
    from quizzes.services import GradingError, reset_attempt, start_attempt

    open_attempt = start_attempt(user=world["mine"], quiz=world["my_attempt"].quiz)
    with pytest.raises(GradingError, match="still in progress"):
        reset_attempt(attempt=open_attempt, by=teacher, reason="Why not")
    with pytest.raises(GradingError, match="Give a reason"):
        reset_attempt(attempt=world["my_attempt"], by=teacher, reason=" ")
    assert not AuditEntry.objects.filter(action="reset_attempt").exists()


@pytest.mark.django_db
def test_extending_the_whole_assignment_moves_its_due_date_audited(
    client, teacher, world
):
    assignment = world["assignment"]
    later = timezone.localtime(
        assignment.due_at + timedelta(days=2), assignment.classroom.zone
    ).replace(second=0, microsecond=0)
    client.force_login(teacher)
    done = client.post(
        reverse("admin:classrooms_assignment_changelist"),
        {
            "action": "extend_due_date",
            "_selected_action": [assignment.pk],
            "apply": "1",
            "scope": "class",
            "due_at": later.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert done.status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_at == later
    entry = AuditEntry.objects.get(action="extend_due_date")
    assert entry.student is None and entry.details["after"] == later.isoformat()


@pytest.mark.django_db
def test_hiding_names_while_grading_shows_no_student_names(client, teacher, world):
    client.force_login(teacher)
    url = reverse("admin:grading_question", args=["module-1-q3"])
    assert "amara" in client.get(url).text
    hidden = client.get(url + "?anonymous=1")
    assert "amara" not in hidden.text
    assert f"Answer {written(world['my_attempt']).pk}" in hidden.text


# --- Actions on ids outside the user's list ---------------------------------------

REFUSED = "Some of the selected rows are not in this list"
MISSING_IDS = ["999999", "abc", "99999999999999999999", "-1"]


def without_tokens(html: str) -> str:
    """The page without its per-request CSRF token and script nonces."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def _attempts(world):
    return world["my_attempt"].pk, world["their_attempt"].pk


def _classes(world):
    return world["assignment"].classroom_id, world["foreign_assignment"].classroom_id


def _assignments(world):
    return world["assignment"].pk, world["foreign_assignment"].pk


def _enrollments(world):
    return (
        world["mine"].enrollments.get().pk,
        world["theirs"].enrollments.get().pk,
    )


def _later(world) -> str:
    assignment = world["assignment"]
    later = assignment.due_at + timedelta(days=3)
    return timezone.localtime(later, assignment.classroom.zone).strftime(
        "%Y-%m-%dT%H:%M"
    )


def _state(world) -> dict:
    """What any of the actions below could change."""
    return {
        "attempts": sorted(Attempt.objects.values_list("pk", flat=True)),
        "due": sorted(
            world["assignment"].__class__.objects.values_list("pk", "due_at")
        ),
        "extensions": Extension.objects.count(),
        "enrollments": sorted(
            world["mine"].enrollments.model.objects.values_list("pk", flat=True)
        ),
        "audit": AuditEntry.objects.count(),
    }


# (changelist, action, (own id, foreign id), extra POST data, the own run's status
# and what it changes).
ACTIONS = [
    ("quizzes_attempt", "export_csv", _attempts, {}, 200),
    ("quizzes_attempt", "reset_attempts", _attempts, {}, 200),
    (
        "quizzes_attempt",
        "reset_attempts",
        _attempts,
        {"apply": "1", "reason": "Fire alarm."},
        302,
    ),
    ("classrooms_classroom", "export_grades", _classes, {}, 200),
    ("classrooms_assignment", "extend_due_date", _assignments, {}, 200),
    (
        "classrooms_assignment",
        "extend_due_date",
        _assignments,
        {"apply": "1", "scope": "class", "due_at": _later},
        302,
    ),
    ("classrooms_assignment", "delete_selected", _assignments, {}, 200),
    ("classrooms_assignment", "delete_selected", _assignments, {"post": "yes"}, 302),
    ("classrooms_enrollment", "delete_selected", _enrollments, {}, 200),
    ("classrooms_enrollment", "delete_selected", _enrollments, {"post": "yes"}, 302),
]
ACTION_IDS = [
    f"{model}:{action}{':apply' if extra else ''}"
    for model, action, _, extra, _ in ACTIONS
]


def _post(client, world, model, action, ids, extra):
    data = {
        "action": action,
        "_selected_action": ids,
        **{
            key: value(world) if callable(value) else value
            for key, value in extra.items()
        },
    }
    return client.post(reverse(f"admin:{model}_changelist"), data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "action", "pks", "extra", "done"), ACTIONS, ids=ACTION_IDS
)
def test_an_action_on_rows_outside_the_teachers_list_is_refused_whole(
    client,
    teacher,
    world,
    model,
    action,
    pks,
    extra,
    done,
    django_assert_max_num_queries,
):
    own, foreign = pks(world)
    client.force_login(teacher)
    before = _state(world)
    answers = []
    for ids in ([foreign], [own, foreign], *([own, bad] for bad in MISSING_IDS)):
        # The class list computes its page's summaries before any action (8).
        with django_assert_max_num_queries(17):
            response = _post(client, world, model, action, [str(i) for i in ids], extra)
        assert response.status_code == 404, ids
        assert REFUSED in unescape(response.text), ids
        assert "Content-Disposition" not in response
        assert "bosco" not in response.text and "Civics" not in response.text
        answers.append(without_tokens(response.text))
        assert _state(world) == before, ids
    # "Not yours" and "doesn't exist" read the same.
    assert len(set(answers)) == 1
    # The teacher's own row alone: the action runs.
    response = _post(client, world, model, action, [str(own)], extra)
    assert response.status_code == done, response.text[:500]
    assert REFUSED not in response.text


@pytest.mark.django_db
def test_own_rows_run_the_action_and_change_what_it_says(client, teacher, world):
    """The refusals above change nothing; the same requests on the teacher's own rows
    do their work (the export has the row, the reset removes the attempt)."""
    client.force_login(teacher)
    own, _ = _attempts(world)
    export = _post(client, world, "quizzes_attempt", "export_csv", [str(own)], {})
    assert export["Content-Type"].startswith("text/csv") and "amara" in export.text
    _post(
        client,
        world,
        "quizzes_attempt",
        "reset_attempts",
        [str(own)],
        {"apply": "1", "reason": "Fire alarm."},
    )
    assert not Attempt.objects.filter(pk=own).exists()
    enrollment, _ = _enrollments(world)
    _post(
        client,
        world,
        "classrooms_enrollment",
        "delete_selected",
        [str(enrollment)],
        {"post": "yes"},
    )
    assert not world["mine"].enrollments.exists()


@pytest.mark.django_db
def test_an_administrator_is_refused_only_ids_that_do_not_exist(admin_client, world):
    both = [str(pk) for pk in _attempts(world)]
    export = admin_client.post(
        reverse("admin:quizzes_attempt_changelist"),
        {"action": "export_csv", "_selected_action": both},
    )
    assert export.status_code == 200 and "outsider" in export.content.decode()
    for model, action in (
        ("quizzes_attempt", "export_csv"),
        ("accounts_user", "delete_selected"),
        ("accounts_loginthrottle", "unlock"),
    ):
        missing = admin_client.post(
            reverse(f"admin:{model}_changelist"),
            {"action": action, "_selected_action": [*both, "999999"], "post": "yes"},
        )
        assert missing.status_code == 404 and REFUSED in unescape(missing.text), model
    assert Attempt.objects.count() == 2
    assert world["mine"].__class__.objects.filter(username="bosco").exists()


def test_every_admin_a_teacher_opens_refuses_selections_outside_its_list():
    """One rule for every scoped admin (each model a teacher has a permission on),
    and the accounts' admins, including any added later."""
    from django.contrib import admin

    from accounts.admin import SelectionInScopeMixin
    from accounts.services import TEACHER_PERMISSIONS

    scoped = {
        name.split(".")[0] + "." + name.split("_", 1)[1] for name in TEACHER_PERMISSIONS
    }
    registry = admin.site._registry
    checked = [
        model._meta.label_lower
        for model in registry
        if model._meta.label_lower in scoped or model._meta.app_label == "accounts"
    ]
    assert len(checked) >= 9
    missing = [
        model._meta.label
        for model, model_admin in registry.items()
        if model._meta.label_lower in checked
        and not isinstance(model_admin, SelectionInScopeMixin)
    ]
    assert missing == []
