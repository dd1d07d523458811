"""The teacher pages through the client: each one's success and its refusals."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classrooms import services
from classrooms.models import Assignment, Classroom, Enrollment, Extension
from classrooms.roster import RosterRow
from tests.classrooms.conftest import assign, make_module


@pytest.fixture
def as_teacher(client, teacher):
    client.force_login(teacher)
    return client


def url(name, *args):
    return reverse(f"classrooms:{name}", args=args)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Class list, create, edit, archive ------------------------------------------------


@pytest.mark.django_db
def test_class_list_shows_own_and_co_taught_classes(
    as_teacher, classroom, foreign_classroom, teacher
):
    other = services.create_classroom(owner=foreign_classroom.owner, name="Shared")
    services.add_co_teacher(classroom=other, teacher=teacher)
    archived = services.create_classroom(owner=teacher, name="Last year")
    services.archive_classroom(classroom=archived)
    text = as_teacher.get(url("teach")).text
    assert "World History" in text and "Shared" in text
    assert "Co-teaching with mr_nkusi" in text
    assert "Civics" not in text
    assert "Archived classes" in text and "Last year" in text


@pytest.mark.django_db
def test_class_list_without_classes_invites_to_create_one(as_teacher):
    assert "You have no classes yet" in as_teacher.get(url("teach")).text


@pytest.mark.django_db
def test_create_a_class(as_teacher, teacher):
    page = as_teacher.get(url("classroom_create"))
    assert 'data-guess-time-zone="true"' in page.text
    response = as_teacher.post(
        url("classroom_create"),
        {
            "name": " World History 10 ",
            "section": "Period 3",
            "school_year": "2026–27",
            "time_zone": "America/New_York",
        },
    )
    classroom = Classroom.objects.get()
    assert response.status_code == 302 and response.url == classroom.get_absolute_url()
    assert (classroom.name, classroom.owner) == ("World History 10", teacher)
    page = as_teacher.get(classroom.get_absolute_url())
    assert classroom.join_code_display in page.text
    # The next class starts in the last class's time zone.
    form = as_teacher.get(url("classroom_create")).context["form"]
    assert form.initial["time_zone"] == "America/New_York"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "time_zone": "UTC"}, "This field is required."),
        ({"name": "   ", "time_zone": "UTC"}, "This field is required."),
        ({"name": "X", "time_zone": "Mars/Olympus"}, "Select a valid choice."),
        ({"name": "X\x00", "time_zone": "UTC"}, "Null characters are not allowed."),
        ({"name": "X" * 101, "time_zone": "UTC"}, "at most 100 characters"),
    ],
)
def test_create_a_class_with_bad_input_is_400(as_teacher, data, message):
    response = as_teacher.post(url("classroom_create"), data)
    assert response.status_code == 400
    assert message in response.text
    assert not Classroom.objects.exists()


@pytest.mark.django_db
def test_edit_a_class(as_teacher, classroom):
    response = as_teacher.post(
        url("classroom_edit", classroom.pk),
        {
            "name": "World History B",
            "section": "",
            "school_year": "",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 302
    classroom.refresh_from_db()
    assert (classroom.name, classroom.time_zone) == ("World History B", "UTC")
    response = as_teacher.post(
        url("classroom_edit", classroom.pk), {"name": "", "time_zone": "UTC"}
    )
    assert response.status_code == 400
    assert "World History B" in response.text  # the header keeps the saved name


@pytest.mark.django_db
def test_archive_and_restore(as_teacher, classroom):
    response = as_teacher.post(url("classroom_archive", classroom.pk), follow=True)
    assert "is archived" in response.text
    classroom.refresh_from_db()
    assert classroom.archived_at is not None
    page = as_teacher.get(classroom.get_absolute_url()).text
    assert "This class was archived on" in page
    assert url("assignment_create", classroom.pk) not in page
    as_teacher.post(url("classroom_restore", classroom.pk))
    classroom.refresh_from_db()
    assert classroom.archived_at is None
    assert as_teacher.get(url("classroom_archive", classroom.pk)).status_code == 405


@pytest.mark.django_db
def test_join_code_rotate_switch_off_and_on(as_teacher, classroom):
    old = classroom.join_code
    as_teacher.post(url("join_code", classroom.pk), {"action": "rotate"})
    classroom.refresh_from_db()
    assert classroom.join_code != old
    as_teacher.post(url("join_code", classroom.pk), {"action": "disable"})
    classroom.refresh_from_db()
    assert not classroom.join_enabled
    assert "Switch joining on" in as_teacher.get(classroom.get_absolute_url()).text
    as_teacher.post(url("join_code", classroom.pk), {"action": "enable"})
    classroom.refresh_from_db()
    assert classroom.join_enabled
    response = as_teacher.post(url("join_code", classroom.pk), {"action": "explode"})
    assert response.status_code == 400
    assert "Choose rotate, disable or enable." in response.text


# --- Co-teachers ----------------------------------------------------------------------


@pytest.mark.django_db
def test_add_and_remove_a_co_teacher(as_teacher, classroom, other_teacher, student):
    for username, message in [
        ("nobody", "There is no teacher account with that username."),
        (student.username, "There is no teacher account with that username."),
        ("ms_habimana", "already owns this class"),
        ("", "This field is required."),
    ]:
        response = as_teacher.post(
            url("co_teachers", classroom.pk), {"username": username}
        )
        assert response.status_code == 400 and message in response.text
    response = as_teacher.post(
        url("co_teachers", classroom.pk), {"username": "MR_NKUSI"}
    )
    assert response.status_code == 302
    assert list(classroom.co_teachers.all()) == [other_teacher]
    as_teacher.post(url("co_teacher_remove", classroom.pk, other_teacher.pk))
    assert not classroom.co_teachers.exists()


# --- Roster ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_paste_names_then_print_login_cards_once(as_teacher, classroom):
    response = as_teacher.post(
        url("roster_add", classroom.pk), {"names": "Amina Uwase\nKeza Mugisha\n"}
    )
    assert response.status_code == 302 and response.url == url("logins", classroom.pk)
    cards = as_teacher.get(response.url)
    assert cards.status_code == 200
    assert "no-store" in cards.headers["Cache-Control"]
    assert "http://testserver/accounts/login/" in cards.text
    for user in User.objects.filter(display_name__in=["Amina Uwase", "Keza Mugisha"]):
        assert user.username in cards.text
        password = re.search(
            rf"{user.username}</dd>\s*<dt>Password</dt><dd>([a-z0-9-]+)</dd>",
            cards.text,
        ).group(1)
        assert user.check_password(password)
    # Shown once: the passwords are gone from the session.
    again = as_teacher.get(url("logins", classroom.pk), follow=True)
    assert again.redirect_chain == [(url("roster", classroom.pk), 302)]
    assert "Login cards are shown once" in again.text
    roster = as_teacher.get(url("roster", classroom.pk)).text
    assert "Amina Uwase" in roster and "Not yet (one-time password)" in roster


@pytest.mark.django_db
def test_logins_of_one_class_are_not_shown_on_another(as_teacher, classroom, teacher):
    other = services.create_classroom(owner=teacher, name="Other")
    as_teacher.post(url("roster_add", classroom.pk), {"names": "Amina Uwase"})
    assert as_teacher.get(url("logins", other.pk)).status_code == 302
    assert as_teacher.get(url("logins", classroom.pk)).status_code == 200


@pytest.mark.django_db
def test_upload_a_csv(as_teacher, classroom):
    upload = SimpleUploadedFile(
        "class.csv", b"First name,Last name\nAmina,Uwase\nKeza,Mugisha\n", "text/csv"
    )
    response = as_teacher.post(url("roster_add", classroom.pk), {"file": upload})
    assert response.status_code == 302
    assert Enrollment.objects.filter(classroom=classroom).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Paste some names or choose a CSV file."),
        ({"names": "  \n "}, "Paste some names or choose a CSV file."),
        ({"names": "A\nB", "file": b"C\n"}, "Paste names or upload a file, not both."),
        ({"file": b"x" * (100 * 1024 + 1)}, "File: the file is larger than 100 KB."),
        ({"file": b"Amina,Uwase\nKeza,M\n"}, "Row 1, columns: this row has several"),
        ({"file": b"\x89PNG\r\n\x1a\n\x00\x00"}, "File: the file is not UTF-8 text"),
        ({"file": b"name\nAmina\n\nKeza\x07\n"}, "Row 4, name: the name contains"),
        ({"names": "Amina\nAmina"}, "Row 2, name: “Amina” is also on row 1."),
        ({"names": "Amina\x00Uwase"}, "Null characters are not allowed."),
        ({"names": "\n".join(f"S {n}" for n in range(201))}, "at most 200 students"),
    ],
)
def test_bad_rosters_are_400_and_add_nobody(as_teacher, classroom, data, message):
    if "file" in data:
        data = {**data, "file": SimpleUploadedFile("class.csv", data["file"])}
    response = as_teacher.post(url("roster_add", classroom.pk), data)
    assert response.status_code == 400
    assert message in response.text
    assert User.objects.count() == 1  # the teacher


@pytest.mark.django_db
def test_a_name_already_in_the_class_refuses_the_whole_list(as_teacher, classroom):
    as_teacher.post(url("roster_add", classroom.pk), {"names": "Amina Uwase"})
    response = as_teacher.post(
        url("roster_add", classroom.pk), {"names": "Keza Mugisha\nAmina Uwase"}
    )
    assert response.status_code == 400
    assert "Nothing was added" in response.text
    assert "Row 2, name: “Amina Uwase” is already in this class." in response.text
    assert not User.objects.filter(display_name="Keza Mugisha").exists()


@pytest.mark.django_db
def test_archived_class_refuses_new_students(as_teacher, classroom):
    services.archive_classroom(classroom=classroom)
    response = as_teacher.post(url("roster_add", classroom.pk), {"names": "Amina"})
    assert response.status_code == 400 and "Restore it before" in response.text


@pytest.mark.django_db
def test_reset_one_or_several_passwords(as_teacher, classroom, enrolled):
    services.add_students(classroom=classroom, rows=[RosterRow(1, "Keza")])
    keza = User.objects.get(display_name="Keza")
    response = as_teacher.post(
        url("reset_passwords", classroom.pk), {"students": [enrolled.pk, keza.pk]}
    )
    assert response.status_code == 302
    cards = as_teacher.get(response.url).text
    assert "amara" in cards and keza.username in cards
    enrolled.refresh_from_db()
    assert enrolled.must_change_password
    for bad in [{}, {"students": ["abc"]}, {"students": ["99999"]}]:
        response = as_teacher.post(url("reset_passwords", classroom.pk), bad)
        assert response.status_code == 400
    assert (
        "Choose at least one student."
        in as_teacher.post(url("reset_passwords", classroom.pk), {}).text
    )


@pytest.mark.django_db
def test_remove_a_student_keeps_their_account(as_teacher, classroom, enrolled):
    response = as_teacher.post(
        url("student_remove", classroom.pk, enrolled.pk), follow=True
    )
    assert "was removed from" in response.text
    assert Enrollment.objects.get().removed_at is not None
    assert User.objects.filter(pk=enrolled.pk).exists()
    assert "amara" not in as_teacher.get(url("roster", classroom.pk)).text
    # Removed students are no longer reachable through the class.
    assert (
        as_teacher.post(url("student_remove", classroom.pk, enrolled.pk)).status_code
        == 404
    )


# --- Assignments ----------------------------------------------------------------------


def assignment_data(module, **overrides):
    data = {
        "lesson": module.pk,
        "kind": "module",
        "audience": "class",
        "opens_at": "2026-12-01T08:00",
        "due_at": "2026-12-04T23:59",
        "instructions": "Read the cable closely.",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_assign_a_module_in_the_class_time_zone(as_teacher, classroom, module):
    page = as_teacher.get(url("assignment_create", classroom.pk))
    assert page.status_code == 200 and "Africa/Kigali" in page.text
    response = as_teacher.post(
        url("assignment_create", classroom.pk), assignment_data(module)
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    # 23:59 in Kigali (UTC+2) is 21:59 UTC.
    assert assignment.due_at.astimezone(timezone.UTC).strftime("%H:%M") == "21:59"
    detail = as_teacher.get(classroom.get_absolute_url()).text
    assert "Fri 4 Dec 2026, 23:59 CAT" in detail
    assert "Read the cable closely." in detail


@pytest.mark.django_db
def test_assign_to_chosen_students(as_teacher, classroom, module, enrolled):
    response = as_teacher.post(
        url("assignment_create", classroom.pk),
        assignment_data(module, audience="students", students=[enrolled.pk]),
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert not assignment.for_whole_class
    assert list(assignment.students.all()) == [enrolled]


@pytest.mark.django_db
def test_bad_assignments_are_400_with_a_sentence(
    as_teacher, classroom, module, enrolled, foreign_classroom, django_user_model
):
    outsider = django_user_model.objects.create_user(username="bosco", password="x")
    services.join_classroom(student=outsider, typed_code=foreign_classroom.join_code)
    assign(classroom, make_module(2))
    cases = [
        (
            {"due_at": "2026-11-30T08:00"},
            "The due date must be after the opening date.",
        ),
        (
            {"due_at": "2026-12-01T08:00"},
            "The due date must be after the opening date.",
        ),
        ({"due_at": "tomorrow"}, "Enter a date and time"),
        ({"due_at": "9999-12-31T23:59"}, "between the years 2000 and 2100"),
        ({"opens_at": ""}, "This field is required."),
        ({"lesson": 99999}, "Choose one of the modules listed."),
        ({"lesson": "x"}, "Choose one of the modules listed."),
        ({"kind": "essay"}, "Select a valid choice."),
        ({"audience": "students"}, "Choose at least one student"),
        (
            {"audience": "students", "students": [outsider.pk]},
            "Choose students who are in this class.",
        ),
        ({"audience": "students", "students": ["x"]}, "Choose students who are in"),
        ({"instructions": "a\x00b"}, "Null characters are not allowed."),
        ({"instructions": "x" * 2001}, "at most 2000 characters"),
        ({"lesson": Assignment.objects.get().lesson_id}, "is already assigned"),
    ]
    for overrides, message in cases:
        response = as_teacher.post(
            url("assignment_create", classroom.pk), assignment_data(module, **overrides)
        )
        assert response.status_code == 400, overrides
        assert message in response.text, (overrides, message)
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
def test_a_time_that_does_not_exist_in_the_class_time_zone_is_refused(
    as_teacher, teacher, module
):
    classroom = services.create_classroom(
        owner=teacher, name="NYC", time_zone="America/New_York"
    )
    # Clocks jump from 02:00 to 03:00 on 8 March 2026 in New York.
    response = as_teacher.post(
        url("assignment_create", classroom.pk),
        assignment_data(module, opens_at="2026-03-08T02:30", due_at="2026-03-09T10:00"),
    )
    assert response.status_code == 400
    assert "couldn’t be interpreted in time zone" in response.text


@pytest.mark.django_db
def test_edit_an_assignment(as_teacher, classroom, module, enrolled):
    assignment = assign(classroom, module)
    page = as_teacher.get(url("assignment_edit", assignment.pk))
    assert page.status_code == 200
    assert 'name="lesson"' not in page.text  # the module stays
    response = as_teacher.post(
        url("assignment_edit", assignment.pk),
        assignment_data(module, kind="quiz", due_at="2026-12-10T12:00"),
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.kind == "quiz"
    bad = as_teacher.post(
        url("assignment_edit", assignment.pk),
        assignment_data(module, due_at="2026-11-01T12:00"),
    )
    assert bad.status_code == 400


@pytest.mark.django_db
def test_withdraw_an_assignment(as_teacher, classroom, module):
    assignment = assign(classroom, module)
    response = as_teacher.post(url("assignment_withdraw", assignment.pk), follow=True)
    assert "Withdrew" in response.text
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is not None
    assert module.title not in as_teacher.get(classroom.get_absolute_url()).text
    assert as_teacher.get(url("assignment_edit", assignment.pk)).status_code == 404
    assert as_teacher.get(url("extensions", assignment.pk)).status_code == 404


@pytest.mark.django_db
def test_extensions_page(as_teacher, classroom, module, enrolled, teacher):
    assignment = assign(classroom, module)
    due = timezone.localtime(assignment.due_at, classroom.zone) + timedelta(days=3)
    page = as_teacher.get(url("extensions", assignment.pk))
    assert "No student has an extension" in page.text
    response = as_teacher.post(
        url("extensions", assignment.pk),
        {
            "student": enrolled.pk,
            "due_at": due.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Family emergency",
        },
    )
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert extension.granted_by == teacher and extension.reason == "Family emergency"
    page = as_teacher.get(url("extensions", assignment.pk)).text
    assert "Family emergency" in page and "amara" in page
    for data, message in [
        ({"student": enrolled.pk, "due_at": "2000-01-01T00:00"}, "later than"),
        (
            {"student": 99999, "due_at": due.strftime("%Y-%m-%dT%H:%M")},
            "Choose a student who has",
        ),
        ({"due_at": due.strftime("%Y-%m-%dT%H:%M")}, "Choose a student."),
    ]:
        response = as_teacher.post(url("extensions", assignment.pk), data)
        assert response.status_code == 400 and message in response.text
    as_teacher.post(url("extension_revoke", assignment.pk, enrolled.pk))
    assert not Extension.objects.exists()
    assert (
        as_teacher.post(url("extension_revoke", assignment.pk, enrolled.pk)).status_code
        == 404
    )
