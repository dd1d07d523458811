"""The writes behind the class pages, called directly."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import LoginThrottle, User
from accounts.services import record_login_failure
from classrooms import services
from classrooms.codes import JOIN_CODE_PATTERN, format_join_code, normalize_join_code
from classrooms.models import Enrollment, Extension, JoinCodeFailure, RetiredJoinCode
from classrooms.roster import RosterRow
from classrooms.services import JoinRefused
from tests.classrooms.conftest import assign, make_module


def rows(*names):
    return [RosterRow(number, name) for number, name in enumerate(names, start=1)]


def join(student, code):
    return services.join_classroom(student=student, typed_code=code)


def refusal(student, code) -> str:
    with pytest.raises(JoinRefused) as caught:
        join(student, code)
    return caught.value.code


# --- Classes and codes ----------------------------------------------------------------


@pytest.mark.django_db
def test_only_teachers_create_classes(student, teacher):
    with pytest.raises(ValidationError, match="Only teachers"):
        services.create_classroom(owner=student, name="Mine")
    classroom = services.create_classroom(owner=teacher, name="History")
    assert classroom.join_enabled and classroom.time_zone == "UTC"
    assert re.match(JOIN_CODE_PATTERN, classroom.join_code)


def test_codes_are_typed_forgivingly_and_shown_in_two_groups():
    assert normalize_join_code(" k7m-q2r ") == "K7MQ2R"
    assert normalize_join_code("k7m q2r") == "K7MQ2R"
    assert format_join_code("K7MQ2R") == "K7M Q2R"


@pytest.mark.django_db
def test_rotated_codes_are_retired_and_never_handed_out_again(classroom, monkeypatch):
    old = classroom.join_code
    services.rotate_join_code(classroom=classroom)
    assert classroom.join_code != old
    assert RetiredJoinCode.objects.filter(code=old, classroom=classroom).exists()
    # The random source offers the retired code first: it is skipped.
    offered = iter([old, classroom.join_code, "XYZ234"])
    monkeypatch.setattr(services, "random_join_code", lambda: next(offered))
    other = services.create_classroom(owner=classroom.owner, name="Other")
    assert other.join_code == "XYZ234"


@pytest.mark.django_db
def test_archiving_keeps_everything_and_can_be_undone(classroom, enrolled, module):
    assign(classroom, module)
    services.archive_classroom(classroom=classroom)
    services.archive_classroom(classroom=classroom)
    assert classroom.archived_at is not None
    assert Enrollment.objects.filter(classroom=classroom).count() == 1
    assert classroom.assignments.count() == 1
    with pytest.raises(ValidationError, match="archived"):
        assign(classroom, make_module(2))
    services.restore_classroom(classroom=classroom)
    assert classroom.archived_at is None


@pytest.mark.django_db
def test_co_teachers_must_be_teachers_and_not_the_owner(
    classroom, teacher, other_teacher, student
):
    with pytest.raises(ValidationError, match="not a teacher"):
        services.add_co_teacher(classroom=classroom, teacher=student)
    with pytest.raises(ValidationError, match="already owns"):
        services.add_co_teacher(classroom=classroom, teacher=teacher)
    services.add_co_teacher(classroom=classroom, teacher=other_teacher)
    services.add_co_teacher(classroom=classroom, teacher=other_teacher)
    assert list(classroom.co_teachers.all()) == [other_teacher]
    services.remove_co_teacher(classroom=classroom, teacher=other_teacher)
    assert not classroom.co_teachers.exists()


# --- Joining --------------------------------------------------------------------------


@pytest.mark.django_db
def test_joining_with_a_code_and_joining_twice(classroom, student):
    outcome = join(student, format_join_code(classroom.join_code).lower())
    assert outcome.classroom == classroom and not outcome.already_member
    again = join(student, classroom.join_code)
    assert again.already_member
    assert Enrollment.objects.filter(student=student).count() == 1


@pytest.mark.django_db
def test_wrong_rotated_switched_off_and_archived_codes_say_why(classroom, student):
    assert refusal(student, "ZZZZZZ") == "unknown"
    assert refusal(student, "") == "unknown"
    old = classroom.join_code
    services.rotate_join_code(classroom=classroom)
    assert refusal(student, old) == "retired"
    services.set_join_enabled(classroom=classroom, enabled=False)
    assert refusal(student, classroom.join_code) == "disabled"
    services.set_join_enabled(classroom=classroom, enabled=True)
    services.archive_classroom(classroom=classroom)
    assert refusal(student, classroom.join_code) == "archived"
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_teachers_cannot_join_as_students(classroom, other_teacher):
    assert refusal(other_teacher, classroom.join_code) == "not_student"


@pytest.mark.django_db
def test_wrong_codes_are_throttled_per_student(classroom, student, django_user_model):
    for _ in range(services.JOIN_FAILURE_LIMIT):
        assert refusal(student, "ZZZZZZ") == "unknown"
    # Now even the right code waits: guessing must not be confirmed.
    assert refusal(student, classroom.join_code) == "throttled"
    other = django_user_model.objects.create_user(username="bosco", password="x")
    assert not join(other, classroom.join_code).already_member
    # After the window, the student may try again; old failures are cleared.
    JoinCodeFailure.objects.update(
        failed_at=timezone.now() - services.JOIN_FAILURE_WINDOW - timedelta(seconds=1)
    )
    join(student, classroom.join_code)
    assert not JoinCodeFailure.objects.filter(user=student).exists()


@pytest.mark.django_db
def test_a_removed_student_rejoins_with_their_work(classroom, enrolled):
    services.remove_student(classroom=classroom, student=enrolled)
    enrollment = Enrollment.objects.get()
    assert enrollment.removed_at is not None
    assert not join(enrolled, classroom.join_code).already_member
    enrollment.refresh_from_db()
    assert enrollment.removed_at is None


# --- Roster ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_adding_students_makes_accounts_with_one_time_passwords(classroom):
    User.objects.create_user(username="aminau", password="x")
    credentials = services.add_students(
        classroom=classroom, rows=rows("Amina Uwase", "Amina Umutoni", "李雷")
    )
    assert [c.username for c in credentials] == ["aminau2", "aminau3", "student"]
    for credential in credentials:
        user = User.objects.get(pk=credential.student_id)
        assert user.check_password(credential.password)
        assert user.must_change_password and not user.is_staff
        assert user.display_name == credential.name
        assert len(credential.password) == 9 and credential.password[4] == "-"
    assert Enrollment.objects.filter(classroom=classroom, method="roster").count() == 3


@pytest.mark.django_db
def test_a_name_already_on_the_roster_refuses_the_whole_list(classroom):
    services.add_students(classroom=classroom, rows=rows("Amina Uwase"))
    with pytest.raises(ValidationError) as caught:
        services.add_students(
            classroom=classroom, rows=rows("Keza Mugisha", "amina uwase")
        )
    assert caught.value.messages == [
        "Row 2, name: “amina uwase” is already in this class. Remove the row, or "
        "add an initial to tell them apart."
    ]
    assert User.objects.count() == 2  # the teacher and Amina: nothing half-imported


@pytest.mark.django_db
def test_adding_to_an_archived_class_is_refused(classroom):
    services.archive_classroom(classroom=classroom)
    with pytest.raises(ValidationError, match="archived"):
        services.add_students(classroom=classroom, rows=rows("Amina Uwase"))


@pytest.mark.django_db
def test_resetting_passwords_only_for_students_in_the_class(
    classroom, foreign_classroom, enrolled, django_user_model
):
    record_login_failure(enrolled.username)
    [credential] = services.reset_student_passwords(
        classroom=classroom, students=[enrolled]
    )
    enrolled.refresh_from_db()
    assert enrolled.check_password(credential.password)
    assert enrolled.must_change_password
    assert not LoginThrottle.objects.exists()
    stranger = django_user_model.objects.create_user(username="bosco", password="x")
    services.join_classroom(student=stranger, typed_code=foreign_classroom.join_code)
    with pytest.raises(ValidationError, match="in this class"):
        services.reset_student_passwords(
            classroom=classroom, students=[enrolled, stranger]
        )
    assert stranger.check_password("x")
    services.remove_student(classroom=classroom, student=enrolled)
    with pytest.raises(ValidationError):
        services.reset_student_passwords(classroom=classroom, students=[enrolled])


# --- Assignments ----------------------------------------------------------------------


@pytest.mark.django_db
def test_assignment_dates_and_duplicates(classroom, module, enrolled):
    now = timezone.now()
    with pytest.raises(ValidationError, match="after the opening"):
        services.create_assignment(
            classroom=classroom,
            lesson=module,
            kind="module",
            for_whole_class=True,
            opens_at=now,
            due_at=now - timedelta(minutes=1),
        )
    assign(classroom, module)
    with pytest.raises(ValidationError, match="already assigned in this class"):
        assign(classroom, module, kind="quiz")
    with pytest.raises(ValidationError, match="already assigned to the whole class"):
        assign(classroom, module, for_whole_class=False, students=[enrolled])


@pytest.mark.django_db
def test_assigning_to_chosen_students(classroom, module, enrolled, django_user_model):
    outsider = django_user_model.objects.create_user(username="bosco", password="x")
    with pytest.raises(ValidationError, match="not in this class: bosco"):
        assign(classroom, module, for_whole_class=False, students=[outsider])
    with pytest.raises(ValidationError, match="at least one student"):
        assign(classroom, module, for_whole_class=False, students=[])
    chosen = assign(classroom, module, for_whole_class=False, students=[enrolled])
    with pytest.raises(ValidationError, match="already assigned to amara"):
        assign(classroom, module, for_whole_class=False, students=[enrolled])
    with pytest.raises(ValidationError, match="already assigned in this class"):
        assign(classroom, module)
    services.withdraw_assignment(assignment=chosen)
    assign(classroom, module)


@pytest.mark.django_db
def test_editing_an_assignment(classroom, module, enrolled):
    assignment = assign(classroom, module)
    services.update_assignment(
        assignment=assignment,
        kind="quiz",
        for_whole_class=False,
        students=[enrolled],
        opens_at=assignment.opens_at,
        due_at=assignment.due_at + timedelta(days=1),
        instructions="Sources first.",
    )
    assignment.refresh_from_db()
    assert assignment.kind == "quiz" and not assignment.for_whole_class
    assert list(assignment.students.all()) == [enrolled]
    services.withdraw_assignment(assignment=assignment)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.update_assignment(
            assignment=assignment,
            kind="quiz",
            for_whole_class=True,
            opens_at=assignment.opens_at,
            due_at=assignment.due_at,
        )


@pytest.mark.django_db
def test_extensions(classroom, module, enrolled, teacher, django_user_model):
    assignment = assign(classroom, module)
    later = assignment.due_at + timedelta(days=2)
    with pytest.raises(ValidationError, match="later than"):
        services.grant_extension(
            assignment=assignment, student=enrolled, due_at=assignment.due_at
        )
    outsider = django_user_model.objects.create_user(username="bosco", password="x")
    with pytest.raises(ValidationError, match="not given this assignment"):
        services.grant_extension(assignment=assignment, student=outsider, due_at=later)
    services.grant_extension(
        assignment=assignment,
        student=enrolled,
        due_at=later,
        reason="Illness",
        granted_by=teacher,
    )
    services.grant_extension(
        assignment=assignment, student=enrolled, due_at=later + timedelta(days=1)
    )
    extension = Extension.objects.get()
    assert extension.due_at == later + timedelta(days=1)
    services.revoke_extension(assignment=assignment, student=enrolled)
    assert not Extension.objects.exists()
