"""The admin: quizzes and questions readable, attempts and responses for superusers
only, students' text escaped."""

import pytest

from quizzes.models import Response
from quizzes.services import start_attempt, submit_attempt

NASTY = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="x")
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_superuser_reads_quizzes_questions_attempts_and_escaped_answers(
    admin_client, quiz, student, client
):
    attempt = start_attempt(user=student, quiz=quiz)
    short = Response.objects.get(attempt=attempt, kind="short_answer")
    Response.objects.filter(pk=short.pk).update(answer=NASTY, version=1)
    submit_attempt(attempt=attempt)
    question = short.question
    for url in (
        "/admin/quizzes/quiz/",
        f"/admin/quizzes/quiz/{quiz.pk}/change/",
        "/admin/quizzes/question/",
        f"/admin/quizzes/question/{question.pk}/change/",
        "/admin/quizzes/attempt/",
        f"/admin/quizzes/attempt/{attempt.pk}/change/",
        "/admin/quizzes/response/",
        f"/admin/quizzes/response/{short.pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "<script>alert" not in response.text, url
    text = admin_client.get(f"/admin/quizzes/response/{short.pk}/change/").text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert admin_client.get("/admin/quizzes/question/add/").status_code == 403


@pytest.mark.django_db
def test_teachers_see_no_attempts_of_students_outside_their_classes(
    client, quiz, student, teacher
):
    attempt = start_attempt(user=student, quiz=quiz)
    client.force_login(teacher)
    listing = client.get("/admin/quizzes/attempt/")
    assert listing.status_code == 200 and student.username not in listing.text
    change = client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/")
    assert change.status_code == 302  # "doesn't exist", back to the index
    responses = client.get("/admin/quizzes/response/")
    assert student.username not in responses.text


@pytest.mark.django_db
def test_students_never_reach_the_admin(student_client, quiz, student):
    attempt = start_attempt(user=student, quiz=quiz)
    response = student_client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
