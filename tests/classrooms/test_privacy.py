"""A student's record (JSON and CSV), deleting a student, and the retention purge
(issue #8): who may, what is in the record, what deletion removes and keeps."""

import csv
import html
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.audit import record_action
from accounts.models import AuditEntry, LoginThrottle, User
from accounts.services import record_login_failure
from classrooms import privacy, services
from classrooms.models import Classroom, Enrollment, Extension
from lessons.models import LessonProgress, SectionProgress
from quizzes.models import Attempt, Response
from quizzes.services import grade_short_answer
from tests.classrooms.conftest import assign, make_module, read_all, take_quiz

RECORD_QUERIES = 11


# --- Building a student's data -------------------------------------------------------


def give_work(student, classroom, *, grader, number: int, answer_text: str = ""):
    """Enrol `student` in `classroom` and give them one of everything the app stores
    about a student: a whole-class module read and answered (a written answer graded
    with a comment), a module assigned to them alone, an extension, an audit entry, a
    wrong join code and a failed sign-in."""
    if not Enrollment.objects.filter(classroom=classroom, student=student).exists():
        services.join_classroom(student=student, typed_code=classroom.join_code)
    lesson = make_module(number, short_answer=True)
    assignment = assign(classroom, lesson)
    services.create_assignment(
        classroom=classroom,
        lesson=make_module(number + 1),
        kind="quiz",
        for_whole_class=False,
        students=[student],
        opens_at=timezone.now() - timedelta(days=1),
        due_at=timezone.now() + timedelta(days=3),
    )
    services.grant_extension(
        assignment=assignment,
        student=student,
        due_at=assignment.due_at + timedelta(days=2),
        reason="Was ill",
        granted_by=grader,
    )
    read_all(student, lesson)
    attempt = take_quiz(student, lesson, right=1)
    written = attempt.responses.get(kind="short_answer")
    if answer_text:
        Response.objects.filter(pk=written.pk).update(answer=answer_text)
    grade_short_answer(
        response=written, grader=grader, points=1, comment=f"Comment {number}"
    )
    with pytest.raises(services.JoinRefused):
        services.join_classroom(student=student, typed_code="ZZZZZZ")
    record_login_failure(student.username)
    return lesson


@pytest.fixture
def classmate(classroom, django_user_model):
    other = django_user_model.objects.create_user(
        username="bosco", password="x", display_name="Bosco Other"
    )
    return other


@pytest.fixture
def worked(classroom, student, classmate, teacher):
    """`student` and a classmate in the same class, each with a full record."""
    student.display_name = "Amara Student"
    student.save()
    give_work(student, classroom, grader=teacher, number=1, answer_text="Amara wrote")
    give_work(classmate, classroom, grader=teacher, number=5, answer_text="Bosco wrote")
    return student


def record_url(name, classroom, student):
    return reverse(
        f"classrooms:{name}", kwargs={"pk": classroom.pk, "student_pk": student.pk}
    )


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def csv_rows(response):
    text = response.content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def rows_about(user_id: int) -> dict[str, int]:
    """For every model with a foreign key to the user (the auto-created many-to-many
    tables included), how many rows point at `user_id`; and answers through their
    attempts; and sign-in locks by username."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if (
                field.many_to_one
                and field.concrete
                and field.related_model is User
                and model is not User
            ):
                label = f"{model._meta.label}.{field.name}"
                counts[label] = model._default_manager.filter(
                    **{field.attname: user_id}
                ).count()
    counts["quizzes.Response via attempt"] = Response.objects.filter(
        attempt__user_id=user_id
    ).count()
    return counts


# --- The record -----------------------------------------------------------------------


@pytest.mark.django_db
def test_json_record_holds_all_of_the_students_data_and_nothing_of_anothers(
    client, teacher, classroom, worked, classmate
):
    client.force_login(teacher)
    response = client.get(record_url("student_record_json", classroom, worked))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="student-record-amara.json"'
    )
    assert "no-store" in response["Cache-Control"]
    record = json.loads(response.content)
    assert record["account"]["username"] == "amara"
    assert record["account"]["display_name"] == "Amara Student"
    assert record["account"]["date_joined"]
    assert worked.password not in response.content.decode()
    assert "pbkdf2" not in response.content.decode().lower()
    assert [e["class"] for e in record["enrollments"]] == ["World History (Period 3)"]
    assert record["enrollments"][0]["teacher"] == "ms_habimana"
    lessons = {a["lesson"]: a for a in record["assignments"]}
    # The classmate's whole-class module reaches her too; their own module and
    # their extension do not.
    assert set(lessons) == {"Module 1 title", "Module 2 title", "Module 5 title"}
    assert lessons["Module 1 title"]["extension"]["reason"] == "Was ill"
    assert lessons["Module 5 title"]["extension"] is None
    assert lessons["Module 2 title"]["for_whole_class"] is False
    assert [r["lesson"] for r in record["reading"]] == ["Module 1 title"]
    assert len(record["reading"][0]["sections"]) == 2
    [attempt] = record["attempts"]
    assert attempt["quiz"] == "Quiz 1"
    assert [a["question"]["prompt"] for a in attempt["answers"]] == [
        "True?",
        "True?",
        "Explain.",
    ]
    assert {a["answer"] for a in attempt["answers"]} == {"True", "False", "Amara wrote"}
    written = attempt["answers"][2]
    assert written["teacher_comment"] == "Comment 1"
    assert written["graded_by"] == "ms_habimana"
    assert written["score"] == "1.00"
    actions = [entry["action"] for entry in record["audit"]]
    assert "Graded an answer" in actions
    assert "Exported a student's record" in actions
    assert len(record["join_code_failures"]) == 1
    assert record["sign_in_lock"]["failures"] == 1
    # Nothing of the classmate's.
    body = response.content.decode()
    for theirs in ("bosco", "Bosco", "Module 6", "Comment 5"):
        assert theirs not in body


@pytest.mark.django_db
def test_csv_record_has_one_row_per_fact_and_neutralises_formulas(
    client, teacher, classroom, worked
):
    worked.display_name = "=cmd|' /C calc'!A0"
    worked.save()
    Response.objects.filter(attempt__user=worked, kind="short_answer").update(
        answer='=HYPERLINK("http://evil.example","x")'
    )
    client.force_login(teacher)
    response = client.get(record_url("student_record_csv", classroom, worked))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0] == list(privacy.RECORD_CSV_HEADER)
    kinds = [row[0] for row in rows[1:]]
    assert kinds.count("account") == 4
    assert kinds.count("enrollment") == 1
    assert kinds.count("assignment") == 3
    assert kinds.count("reading") == 1
    assert kinds.count("section") == 2
    assert kinds.count("attempt") == 1
    assert kinds.count("answer") == 3
    assert "audit" in kinds and "join code" in kinds and "sign-in lock" in kinds
    values = [cell for row in rows for cell in row]
    assert "'=cmd|' /C calc'!A0" in values
    assert '\'=HYPERLINK("http://evil.example","x")' in values
    assert not any(cell.startswith("=") for cell in values)


@pytest.mark.django_db
def test_every_export_is_audited_with_its_format(client, teacher, classroom, worked):
    client.force_login(teacher)
    client.get(record_url("student_record_json", classroom, worked))
    client.get(record_url("student_record_csv", classroom, worked))

    entries = AuditEntry.objects.filter(action="export_student").order_by("pk")
    assert [(e.actor, e.student, e.subject, e.details) for e in entries] == [
        (teacher, worked, "amara", {"format": "json"}),
        (teacher, worked, "amara", {"format": "csv"}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["student_record_json", "student_record_csv", "student_delete"]
)
def test_another_teachers_student_is_a_404_with_nothing_of_theirs(
    client, teacher, foreign_classroom, classroom, django_user_model, name
):
    theirs = django_user_model.objects.create_user(
        username="kagabo", password="x", display_name="Kagabo Secret"
    )
    services.join_classroom(student=theirs, typed_code=foreign_classroom.join_code)
    client.force_login(teacher)
    urls = [
        record_url(name, foreign_classroom, theirs),
        # Their student through my class id: not on my roster either.
        record_url(name, classroom, theirs),
    ]
    for url in urls:
        for response in (client.get(url), client.post(url, {"username": "kagabo"})):
            assert response.status_code in (404, 405)
            assert "kagabo" not in response.text.lower()
            assert "Kagabo Secret" not in response.text
    assert User.objects.filter(username="kagabo").exists()
    assert not AuditEntry.objects.filter(action="export_student").exists()


@pytest.mark.django_db
def test_students_get_403_and_visitors_are_sent_to_sign_in(
    client, classroom, worked, classmate
):
    url = record_url("student_record_json", classroom, worked)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(classmate)
    assert client.get(url).status_code == 403
    assert client.post(record_url("student_delete", classroom, worked)).status_code == (
        403
    )


@pytest.mark.django_db
def test_a_removed_student_is_out_of_the_teachers_reach(
    client, teacher, classroom, worked
):
    services.remove_student(classroom=classroom, student=worked)
    client.force_login(teacher)
    assert (
        client.get(record_url("student_record_json", classroom, worked)).status_code
        == 404
    )
    assert (
        client.get(record_url("student_delete", classroom, worked)).status_code == 404
    )


@pytest.mark.django_db
def test_a_co_teacher_may_export_and_an_administrator_may_export_anyone(
    client, classroom, worked, other_teacher, django_user_model
):
    services.add_co_teacher(classroom=classroom, teacher=other_teacher)
    client.force_login(other_teacher)
    response = client.get(record_url("student_record_json", classroom, worked))
    assert response.status_code == 200
    assert json.loads(response.content)["account"]["username"] == "amara"

    admin = django_user_model.objects.create_superuser(username="root", password="x")
    client.force_login(admin)
    assert (
        client.get(record_url("student_record_csv", classroom, worked)).status_code
        == 200
    )


@pytest.mark.django_db
def test_record_answers_in_a_fixed_number_of_queries(
    teacher, classroom, student, django_assert_num_queries
):
    give_work(student, classroom, grader=teacher, number=1)
    with django_assert_num_queries(RECORD_QUERIES):
        small = privacy.student_record_for(student)

    for number in (3, 5, 7, 9):
        room = services.create_classroom(owner=teacher, name=f"Room {number}")
        give_work(student, room, grader=teacher, number=number)
        lesson = Attempt.objects.filter(user=student).last().quiz.lesson
        take_quiz(student, lesson)
    with django_assert_num_queries(RECORD_QUERIES):
        large = privacy.student_record_for(student)

    assert len(large["attempts"]) == 9 > len(small["attempts"]) == 1
    assert len(large["enrollments"]) == 5


@pytest.mark.django_db
def test_record_download_pages_answer_in_a_fixed_number_of_queries(
    client, teacher, classroom, student, django_assert_max_num_queries
):
    give_work(student, classroom, grader=teacher, number=1)
    client.force_login(teacher)
    counts = []
    for size in (1, 6):
        for number in range(10 * size, 10 * size + size * 2, 2):
            give_work(student, classroom, grader=teacher, number=number)
        for name in ("student_record_json", "student_record_csv", "student_delete"):
            with django_assert_max_num_queries(25) as captured:
                assert (
                    client.get(record_url(name, classroom, student)).status_code == 200
                )
            counts.append(len(captured.captured_queries))
    assert counts[:3] == counts[3:]


# --- Deleting a student --------------------------------------------------------------


@pytest.mark.django_db
def test_delete_page_says_what_will_go_and_asks_for_the_username(
    client, teacher, classroom, worked
):
    client.force_login(teacher)
    response = client.get(record_url("student_delete", classroom, worked))

    assert response.status_code == 200
    text = page_text(response)
    assert "Type the student's username to confirm" in text
    assert "Quiz attempts" in text and "Answers" in text
    preview = privacy.deletion_preview_for(student=worked, by=teacher)
    assert preview.counts == {
        "enrollments": 1,
        "extensions": 1,
        "assignment_choices": 1,
        "attempts": 1,
        "responses": 3,
        "lesson_progress": 1,
        "section_progress": 2,
        "join_code_failures": 1,
        "sign_in_locks": 1,
    }
    assert record_url("student_record_json", classroom, worked) in text


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["", "bosco", "AMARA", "amar"])
def test_delete_without_the_right_username_deletes_nothing(
    client, teacher, classroom, worked, typed
):
    client.force_login(teacher)
    before = rows_about(worked.pk)
    response = client.post(
        record_url("student_delete", classroom, worked), {"username": typed}
    )
    assert response.status_code == 400
    assert "Type the username exactly" in page_text(
        response
    ) or "This field is required" in page_text(response)
    assert User.objects.filter(pk=worked.pk).exists()
    assert rows_about(worked.pk) == before


@pytest.mark.django_db
def test_delete_removes_every_row_of_the_student_and_keeps_the_audit_trail(
    client, teacher, classroom, worked, classmate
):
    client.force_login(teacher)
    record_action(
        actor=teacher, action="extend_due_date", student=worked, summary="Earlier"
    )
    theirs_before = rows_about(classmate.pk)
    mine = rows_about(worked.pk)
    assert all(
        mine[label] > 0
        for label in (
            "classrooms.Enrollment.student",
            "classrooms.Extension.student",
            "classrooms.JoinCodeFailure.user",
            "classrooms.Assignment_students.user",
            "quizzes.Attempt.user",
            "quizzes.Response via attempt",
            "lessons.LessonProgress.user",
            "lessons.SectionProgress.user",
            "accounts.AuditEntry.student",
        )
    )
    totals = {
        model: model.objects.count()
        for model in (
            Enrollment,
            Extension,
            Attempt,
            Response,
            LessonProgress,
            SectionProgress,
        )
    }

    response = client.post(
        record_url("student_delete", classroom, worked),
        {"username": "amara", "reason": "Parent's request"},
    )

    assert response.status_code == 302
    assert response.url == reverse("classrooms:roster", kwargs={"pk": classroom.pk})
    assert not User.objects.filter(pk=worked.pk).exists()
    assert set(rows_about(worked.pk).values()) == {0}
    assert not LoginThrottle.objects.filter(username="amara").exists()
    assert LoginThrottle.objects.filter(username="bosco").exists()
    assert rows_about(classmate.pk) == theirs_before
    assert totals[Enrollment] - Enrollment.objects.count() == 1
    assert totals[Extension] - Extension.objects.count() == 1
    assert totals[Attempt] - Attempt.objects.count() == 1
    assert totals[Response] - Response.objects.count() == 3
    assert totals[LessonProgress] - LessonProgress.objects.count() == 1
    assert totals[SectionProgress] - SectionProgress.objects.count() == 2
    # The audit trail stays, under the username; the deletion is in it.
    entries = AuditEntry.objects.filter(subject="amara")
    assert entries.count() == mine["accounts.AuditEntry.student"] + 1
    assert not entries.filter(student__isnull=False).exists()
    deletion = entries.get(action="delete_student")
    assert deletion.actor == teacher
    assert deletion.reason == "Parent's request"
    assert deletion.details["attempts"] == 1
    assert deletion.details["responses"] == 3
    assert "Deleted amara" in client.get(response.url).text


@pytest.mark.django_db
@pytest.mark.parametrize("still_there", [True, False])
def test_delete_refuses_a_student_also_in_another_teachers_class(
    client, teacher, classroom, worked, foreign_classroom, still_there
):
    services.join_classroom(student=worked, typed_code=foreign_classroom.join_code)
    if not still_there:
        services.remove_student(classroom=foreign_classroom, student=worked)
    client.force_login(teacher)
    url = record_url("student_delete", classroom, worked)

    page = client.get(url)
    assert page.status_code == 200
    assert "also in another teacher's class" in page_text(page)
    assert 'name="username"' not in page.text
    response = client.post(url, {"username": "amara"})
    assert response.status_code == 403
    assert "ask an administrator" in page_text(response)
    assert "Civics" not in response.text  # nothing of the other teacher's class
    assert User.objects.filter(pk=worked.pk).exists()
    with pytest.raises(ValidationError):
        privacy.delete_student(student=worked, by=teacher)


@pytest.mark.django_db
def test_a_co_teacher_may_delete_and_an_administrator_may_delete_a_shared_student(
    client, classroom, worked, classmate, other_teacher, foreign_classroom
):
    services.add_co_teacher(classroom=classroom, teacher=other_teacher)
    client.force_login(other_teacher)
    response = client.post(
        record_url("student_delete", classroom, classmate), {"username": "bosco"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(username="bosco").exists()

    services.join_classroom(student=worked, typed_code=foreign_classroom.join_code)
    admin = User.objects.create_superuser(username="root", password="x")
    client.force_login(admin)
    response = client.post(
        record_url("student_delete", classroom, worked), {"username": "amara"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(username="amara").exists()
    assert AuditEntry.objects.get(subject="amara", action="delete_student").actor == (
        admin
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_and_administrators_are_never_deleted_here(
    client, teacher, classroom, django_user_model, role
):
    account = django_user_model.objects.create_user(
        username="colleague",
        password="x",
        is_staff=True,
        is_superuser=role == "superuser",
    )
    Enrollment.objects.create(classroom=classroom, student=account, method="roster")
    client.force_login(teacher)
    url = record_url("student_delete", classroom, account)
    assert "can't be deleted here" in page_text(client.get(url))
    response = client.post(url, {"username": "colleague"})
    assert response.status_code == 403
    assert User.objects.filter(username="colleague").exists()
    admin = django_user_model.objects.create_superuser(username="root", password="x")
    with pytest.raises(ValidationError):
        privacy.delete_student(student=account, by=admin)


# --- Retention ----------------------------------------------------------------------

NOW = datetime(2027, 9, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def school(teacher, django_user_model):
    """Three classes archived long ago, recently, and not at all, and students:
    `gone` only in the long-archived class, `stays` in it and in the active one,
    `recent` only in the recently archived class."""
    classes = {
        name: services.create_classroom(owner=teacher, name=name)
        for name in ("Old class", "Recent class", "Active class")
    }
    people = {
        name: django_user_model.objects.create_user(username=name, password="x")
        for name in ("gone", "stays", "recent")
    }
    memberships = {
        "gone": ["Old class"],
        "stays": ["Old class", "Active class"],
        "recent": ["Recent class"],
    }
    number = 10
    for name, rooms in memberships.items():
        for room in rooms:
            give_work(people[name], classes[room], grader=teacher, number=number)
            number += 2
    Classroom.objects.filter(name="Old class").update(
        archived_at=NOW - timedelta(days=400)
    )
    Classroom.objects.filter(name="Recent class").update(
        archived_at=NOW - timedelta(days=30)
    )
    return {"classes": classes, "people": people}


def snapshot():
    return {
        label: rows_about(user.pk)
        for label, user in (
            (u.username, u) for u in User.objects.filter(is_staff=False)
        )
    }


@pytest.mark.django_db
def test_retention_dry_run_changes_nothing_and_reports_what_would_go(school, settings):
    settings.STUDENT_DATA_RETENTION_DAYS = 365
    before = snapshot()
    audit_before = AuditEntry.objects.count()

    summary = privacy.purge_expired_student_data(now=NOW, dry_run=True)

    assert snapshot() == before
    assert AuditEntry.objects.count() == audit_before
    assert summary.classes == ["Old class"]
    assert summary.deleted_students == ["gone"]
    assert summary.removed_students == ["stays"]
    assert summary.deleted["attempts"] == 1
    assert summary.deleted["responses"] == 3
    assert summary.removed == {
        "enrollments": 1,
        "extensions": 1,
        "assignment_choices": 1,
    }


@pytest.mark.django_db
def test_retention_deletes_students_only_in_expired_classes_and_detaches_the_rest(
    school, settings
):
    settings.STUDENT_DATA_RETENTION_DAYS = 365
    people, classes = school["people"], school["classes"]
    stays_attempts = Attempt.objects.filter(user=people["stays"]).count()
    stays_reading = SectionProgress.objects.filter(user=people["stays"]).count()
    recent_before = rows_about(people["recent"].pk)
    dry = privacy.purge_expired_student_data(now=NOW, dry_run=True)

    summary = privacy.purge_expired_student_data(now=NOW)

    assert (summary.deleted, summary.removed) == (dry.deleted, dry.removed)
    # Only in the expired class: deleted with everything, as delete_student does.
    assert not User.objects.filter(username="gone").exists()
    assert set(rows_about(people["gone"].pk).values()) == {0}
    entry = AuditEntry.objects.get(subject="gone", action="purge_retention")
    assert entry.actor is None and entry.student is None
    assert entry.details["attempts"] == 1
    # Also in an active class: keeps account, attempts and reading; loses the old
    # class's enrolment, extension and chosen-student place.
    stays = people["stays"]
    assert list(
        Enrollment.objects.filter(student=stays).values_list(
            "classroom__name", flat=True
        )
    ) == ["Active class"]
    assert not Extension.objects.filter(
        student=stays, assignment__classroom=classes["Old class"]
    ).exists()
    assert not classes["Old class"].assignments.filter(students=stays).exists()
    assert Extension.objects.filter(student=stays).count() == 1
    assert Attempt.objects.filter(user=stays).count() == stays_attempts
    assert SectionProgress.objects.filter(user=stays).count() == stays_reading
    detached = AuditEntry.objects.get(subject="stays", action="purge_retention")
    assert detached.details["classes"] == ["Old class"]
    # Archived only 30 days ago: untouched. The old class itself is kept, empty.
    assert rows_about(people["recent"].pk) == recent_before
    assert Classroom.objects.filter(name="Old class").exists()
    assert not Enrollment.objects.filter(classroom=classes["Old class"]).exists()
    # A second run finds nothing more to do.
    again = privacy.purge_expired_student_data(now=NOW)
    assert again.deleted_students == again.removed_students == []


@pytest.mark.django_db
def test_retention_of_zero_days_never_purges(school, settings):
    settings.STUDENT_DATA_RETENTION_DAYS = 0
    before = snapshot()
    summary = privacy.purge_expired_student_data(now=NOW + timedelta(days=3650))
    assert summary.cutoff is None
    assert snapshot() == before


@pytest.mark.django_db
def test_purge_command_reports_then_removes(school, settings):
    settings.STUDENT_DATA_RETENTION_DAYS = 365
    Classroom.objects.filter(name="Old class").update(
        archived_at=timezone.now() - timedelta(days=366)
    )
    Classroom.objects.filter(name="Recent class").update(
        archived_at=timezone.now() - timedelta(days=364)
    )
    out = io.StringIO()
    call_command("purge_expired_student_data", "--dry-run", stdout=out)
    text = out.getvalue()
    assert text.startswith("Dry run, nothing changed. 1 archived class past the 365")
    assert "class: Old class" in text
    assert "1 student would be deleted with all their work." in text
    assert "quiz attempts: 1" in text
    assert "1 student also in another class would be taken off" in text
    assert User.objects.filter(username="gone").exists()

    out = io.StringIO()
    call_command("purge_expired_student_data", stdout=out)
    assert "1 student deleted with all their work." in out.getvalue()
    assert not User.objects.filter(username="gone").exists()
    assert User.objects.filter(username="recent").exists()

    settings.STUDENT_DATA_RETENTION_DAYS = 0
    out = io.StringIO()
    call_command("purge_expired_student_data", stdout=out)
    assert "Retention is off" in out.getvalue()


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "²"])
def test_a_retention_setting_that_is_not_a_whole_number_stops_the_site(value):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment["DJANGO_STUDENT_DATA_RETENTION_DAYS"] = value
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith(
        "DJANGO_STUDENT_DATA_RETENTION_DAYS must be a whole number of days"
    )
