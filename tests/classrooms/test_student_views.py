"""Joining a class and "My work", through the client."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from classrooms import services
from classrooms.models import Enrollment
from tests.classrooms.conftest import assign, make_module, read_all, take_quiz

JOIN = reverse("classrooms:join")
MY_WORK = reverse("classrooms:my_work")


@pytest.fixture
def as_student(client, student):
    client.force_login(student)
    return client


# --- Joining --------------------------------------------------------------------------


@pytest.mark.django_db
def test_join_with_a_code_then_again(as_student, classroom, student):
    assert as_student.get(JOIN).status_code == 200
    response = as_student.post(JOIN, {"code": classroom.join_code_display.lower()})
    assert response.status_code == 302 and response.url == MY_WORK
    assert Enrollment.objects.filter(student=student, classroom=classroom).exists()
    page = as_student.get(MY_WORK).text
    assert "You joined World History (Period 3)." in page
    response = as_student.post(JOIN, {"code": classroom.join_code}, follow=True)
    assert "You&#x27;re already in World History (Period 3)." in response.text
    assert Enrollment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Type the class code your teacher gave you."),
        ("ZZZZZZ", "No class has that code."),
        ("x" * 21, "A class code is six letters and digits."),
        ("AB\x00CDE", "Null characters are not allowed."),
        ("ÅÅÅÅÅÅ", "No class has that code."),
    ],
)
def test_bad_codes_are_400_with_a_sentence(as_student, classroom, code, message):
    response = as_student.post(JOIN, {"code": code})
    assert response.status_code == 400
    assert message in response.text
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_rotated_and_switched_off_codes_say_so(as_student, classroom):
    old = classroom.join_code
    services.rotate_join_code(classroom=classroom)
    assert "has been replaced" in as_student.post(JOIN, {"code": old}).text
    services.set_join_enabled(classroom=classroom, enabled=False)
    response = as_student.post(JOIN, {"code": classroom.join_code})
    assert response.status_code == 400 and "switched off" in response.text


@pytest.mark.django_db
def test_repeated_wrong_codes_are_throttled_with_429(as_student, classroom):
    for _ in range(services.JOIN_FAILURE_LIMIT):
        assert as_student.post(JOIN, {"code": "ZZZZZZ"}).status_code == 400
    response = as_student.post(JOIN, {"code": classroom.join_code})
    assert response.status_code == 429
    assert "Too many codes that did not work. Wait 10 minutes" in response.text
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_join_page_is_for_signed_in_students(client, teacher):
    response = client.get(JOIN)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(teacher)
    assert client.get(JOIN).status_code == 403


# --- My work --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_student_in_no_class_sees_self_study_only(as_student, module):
    page = as_student.get(MY_WORK).text
    assert "You're not in a class yet" in page
    assert "Self-study" in page and module.title in page
    assert 'href="/lessons/module-1/"' in page


@pytest.mark.django_db
def test_my_work_lists_each_class_with_due_dates_in_its_time_zone(
    as_student, classroom, enrolled, module, teacher
):
    second = services.create_classroom(
        owner=teacher, name="Civics", time_zone="America/New_York"
    )
    services.join_classroom(student=enrolled, typed_code=second.join_code)
    due = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    due += timedelta(days=3)
    for room in (classroom, second):
        services.create_assignment(
            classroom=room,
            lesson=module,
            kind="module",
            for_whole_class=True,
            opens_at=timezone.now() - timedelta(days=1),
            due_at=due,
            instructions="Bring notes." if room == classroom else "",
        )
    page = as_student.get(MY_WORK).text
    assert "World History" in page and "Civics" in page
    kigali = timezone.localtime(due, classroom.zone).strftime("%H:%M")
    new_york = timezone.localtime(due, second.zone).strftime("%H:%M")
    assert f"{kigali} CAT" in page and f"{new_york} E" in page
    assert "Bring notes." in page
    assert page.count("Not started") >= 2
    assert "Start reading" in page


@pytest.mark.django_db
def test_my_work_shows_statuses_bars_and_the_score_that_counts(
    as_student, classroom, enrolled, module
):
    assign(classroom, module)
    late_module = make_module(2)
    assign(classroom, late_module, kind="quiz", days_open=5, days_due=-1)
    read_all(enrolled, module)
    take_quiz(enrolled, module, right=1)
    page = as_student.get(MY_WORK).text
    assert (
        "state-completed" in page and "Score that counts: <strong>50%</strong>" in page
    )
    assert "w-pct-100" in page and "w-pct-50" in page
    assert 'class="badge is-late">Late<' in page  # the past-due quiz
    assert "Review or retake the quiz" in page and 'href="/quizzes/module-1/"' in page
    assert "style=" not in page


@pytest.mark.django_db
def test_my_work_hides_withdrawn_unopened_archived_and_others_work(
    as_student, classroom, enrolled, module, django_user_model
):
    other = django_user_model.objects.create_user(
        username="bosco", password="x", display_name="Bosco Habimana"
    )
    services.join_classroom(student=other, typed_code=classroom.join_code)
    assign(classroom, module, for_whole_class=False, students=[other])
    withdrawn = assign(classroom, make_module(2))
    services.withdraw_assignment(assignment=withdrawn)
    assign(classroom, make_module(3), days_open=-1, days_due=5)  # opens tomorrow
    read_all(other, module)
    page = as_student.get(MY_WORK).text
    assert "Nothing is assigned in this class right now." in page
    assert "Bosco" not in page and "bosco" not in page
    services.archive_classroom(classroom=classroom)
    assert "World History" not in as_student.get(MY_WORK).text


@pytest.mark.django_db
def test_an_extension_shows_the_students_own_date(
    as_student, classroom, enrolled, module, teacher
):
    assignment = assign(classroom, module, days_open=5, days_due=-1)
    assert 'class="badge is-late"' in as_student.get(MY_WORK).text
    services.grant_extension(
        assignment=assignment,
        student=enrolled,
        due_at=timezone.now() + timedelta(days=2),
        granted_by=teacher,
    )
    page = as_student.get(MY_WORK).text
    assert "(your extended date)" in page and 'class="badge is-late"' not in page


@pytest.mark.django_db
def test_home_is_my_work_for_students_and_public_for_others(client, student, teacher):
    assert "For students" in client.get("/").text
    client.force_login(student)
    page = client.get("/").text
    assert "<h1" in page and "My work" in page and "For students" not in page
    client.force_login(teacher)
    assert "For students" in client.get("/").text


@pytest.mark.django_db
def test_my_work_needs_signing_in(client):
    response = client.get(MY_WORK)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.post(MY_WORK).status_code in {302, 405}
