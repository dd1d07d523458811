import pytest
from django.test import Client

from accounts.models import LoginThrottle, User
from accounts.roles import is_student, is_teacher
from accounts.services import clear_login_failures

PASSWORD = "kigali-hills-1994"


def signup(client, username, password=PASSWORD, confirm=None):
    return client.post(
        "/accounts/signup/",
        {"username": username, "password1": password, "password2": confirm or password},
    )


@pytest.mark.django_db
def test_signup_creates_a_student_and_signs_them_in(client):
    response = signup(client, "keza")
    assert response.status_code == 302
    user = User.objects.get(username="keza")
    assert is_student(user) and not is_teacher(user)
    assert user.email == ""
    assert client.get("/").context["user"] == user


@pytest.mark.django_db
def test_signup_refuses_a_username_taken_in_another_case(client, student):
    response = signup(client, student.username.upper())
    assert response.status_code == 400
    assert "That username is taken" in response.text
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "This field is required."),
        ("x" * 31, "30 characters or fewer"),
        ("x" * 5000, "30 characters or fewer"),
        ("amara\u202egnp.exe", "Enter a valid username"),
        ("null\x00byte", "Null characters are not allowed."),
        ("smile\U0001f600", "Enter a valid username"),
        ("two words", "Enter a valid username"),
    ],
)
def test_signup_answers_bad_usernames_with_a_400_and_a_sentence(
    client, username, message
):
    response = signup(client, username)
    assert response.status_code == 400
    assert message in response.text
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_with_a_lone_surrogate_in_the_body_is_refused_cleanly(client):
    response = client.post(
        "/accounts/signup/",
        data=b"username=ab%ED%A0%80cd&password1=kigali-hills-1994&password2=kigali-hills-1994",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signup_refuses_mismatched_and_weak_passwords(client):
    assert "didn’t match" in signup(client, "keza", confirm="something-else-1").text
    response = signup(client, "keza", password="12345678")
    assert response.status_code == 400
    assert "too common" in response.text
    assert not User.objects.exists()


@pytest.mark.django_db
def test_forms_without_a_csrf_token_get_a_403_with_an_explanation():
    client = Client(enforce_csrf_checks=True)
    for path in ("/accounts/signup/", "/accounts/login/"):
        response = client.post(path, {"username": "keza", "password": PASSWORD})
        assert response.status_code == 403
        assert "This form has expired" in response.text
    assert not User.objects.exists()


@pytest.mark.django_db
def test_login_with_a_wrong_password_is_a_400_with_a_human_message(client, student):
    response = client.post(
        "/accounts/login/", {"username": "amara", "password": "nope"}
    )
    assert response.status_code == 400
    assert "don&#x27;t match" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["", "u" * 151, "a\x00b"])
def test_login_with_malformed_usernames_is_a_400(client, username):
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_login_rotates_the_session_key(client, student):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    response = client.post(
        "/accounts/login/", {"username": "amara", "password": "a-long-pass-phrase"}
    )
    assert response.status_code == 302
    assert client.session.session_key != before


@pytest.mark.django_db
def test_login_ignores_a_next_url_on_another_host(client, student):
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {
            "username": "amara",
            "password": "a-long-pass-phrase",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.django_db
def test_logout_is_a_post(client, student):
    client.force_login(student)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failures_lock_the_username_not_the_address(client, student, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": "AMARA", "password": "wrong"})
    # Even the right password is refused while the lock holds; the message says why.
    response = client.post(
        "/accounts/login/", {"username": "amara", "password": "a-long-pass-phrase"}
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    assert "ask your teacher to unlock" in response.text

    # Another student on the same address (the whole class shares one) is unaffected.
    User.objects.create_user(username="ganza", password="another-pass-phrase")
    other = Client()
    response = other.post(
        "/accounts/login/", {"username": "ganza", "password": "another-pass-phrase"}
    )
    assert response.status_code == 302

    # A teacher or administrator unlocks it; the student can sign in again.
    assert clear_login_failures("Amara") == 1
    response = client.post(
        "/accounts/login/", {"username": "amara", "password": "a-long-pass-phrase"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_good_login_forgets_earlier_failures(client, student):
    client.post("/accounts/login/", {"username": "amara", "password": "wrong"})
    assert LoginThrottle.objects.get(username="amara").failure_count == 1
    client.post(
        "/accounts/login/", {"username": "amara", "password": "a-long-pass-phrase"}
    )
    assert not LoginThrottle.objects.exists()


@pytest.mark.django_db
def test_admin_unlock_action_removes_the_lock(admin_client, settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    Client().post("/accounts/login/", {"username": "keza", "password": "wrong"})
    lock = LoginThrottle.objects.get(username="keza")
    assert lock.locked_until is not None
    response = admin_client.post(
        "/admin/accounts/loginthrottle/",
        {"action": "unlock", "_selected_action": [lock.pk]},
    )
    assert response.status_code == 302
    assert not LoginThrottle.objects.exists()
