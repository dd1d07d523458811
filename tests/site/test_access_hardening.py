"""Access hardening (issue #8): redirects never leave the site, the Host header is
checked, the session key changes at sign-in, and signing out takes a POST."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-pass-phrase"
SECRET_KEY = "t3st-Only-Not-Secret-9fQ2xLw8ZpR4vN7mK1cJ6hT0yB5sD3gA"

# Every shape of "somewhere else" a browser will follow: absolute, scheme-relative,
# backslash tricks browsers normalise to //, scheme without slashes, whitespace and
# control characters in front, and script URLs.
HOSTILE_NEXT = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "\\/evil.example/",
    "https:evil.example",
    "http:/evil.example",
    " //evil.example",
    "\t//evil.example",
    "//evil.example%2f..",
    "https://testserver@evil.example/",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
]


def assert_stays_here(response, expected: str) -> None:
    assert response.status_code == 302
    assert response.url == expected
    # A path on this site: no scheme, no host, nothing a browser reads as "//".
    url = urlsplit(response.url)
    assert (url.scheme, url.netloc) == ("", "")
    assert url.path.startswith("/") and not url.path.startswith(("//", "/\\"))
    assert "\\" not in url.path


# --- Redirects ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_redirects_to_another_host(client, student, target):
    # The page does not carry the address into its form either.
    page = client.get("/accounts/login/", {"next": target})
    assert page.status_code == 200
    assert "evil.example" not in page.text and "javascript:" not in page.text

    response = client.post(
        f"/accounts/login/?next={target}",
        {"username": "amara", "password": PASSWORD, "next": target},
    )
    assert_stays_here(response, "/")


@pytest.mark.django_db
def test_sign_in_follows_a_next_url_on_this_site(client, student):
    response = client.post(
        "/accounts/login/",
        {"username": "amara", "password": PASSWORD, "next": "/lessons/"},
    )
    assert_stays_here(response, "/lessons/")


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_signed_in_visit_to_sign_in_page_never_redirects_away(client, student, target):
    client.force_login(student)
    response = client.get("/accounts/login/", {"next": target})
    assert_stays_here(response, "/")


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_out_never_redirects_to_another_host(client, student, target):
    client.force_login(student)
    response = client.post(f"/accounts/logout/?next={target}", {"next": target})
    assert_stays_here(response, "/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_follows_a_next_url_on_this_site(client, student):
    client.force_login(student)
    response = client.post("/accounts/logout/", {"next": "/lessons/"})
    assert_stays_here(response, "/lessons/")


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE_NEXT[:6])
def test_sign_up_never_redirects_to_another_host(client, target):
    response = client.post(
        f"/accounts/signup/?next={target}",
        {
            "username": "newcomer",
            "password1": "a-good-long-passphrase",
            "password2": "a-good-long-passphrase",
            "next": target,
        },
    )
    assert_stays_here(response, "/")
    # Signed in now: the sign-up page sends them home, never to the address given.
    assert_stays_here(client.get("/accounts/signup/", {"next": target}), "/")


@pytest.mark.django_db
def test_password_change_never_redirects_to_another_host(client, student):
    client.force_login(student)
    response = client.post(
        "/accounts/password/?next=https://evil.example/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
            "next": "https://evil.example/",
        },
    )
    assert_stays_here(response, reverse("password_change_done"))


@pytest.mark.django_db
def test_pages_that_need_a_sign_in_send_only_their_own_path_to_sign_in(client, student):
    response = client.get("/teach/", {"next": "https://evil.example/"})
    assert response.status_code == 302
    url = urlsplit(response.url)
    assert (url.scheme, url.netloc, url.path) == ("", "", "/accounts/login/")
    # The page's own path (its query string included) goes along, nothing else.
    [target] = parse_qs(url.query)["next"]
    assert target == "/teach/?next=https%3A%2F%2Fevil.example%2F"
    assert_stays_here(
        client.post(
            "/accounts/login/",
            {"username": "amara", "password": PASSWORD, "next": target},
        ),
        target,
    )


# --- Host header ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "localhost.evil.example",
        "127.0.0.1.evil.example",
        "testserver:80@evil.example",
        "evil.example#testserver",
    ],
)
def test_a_host_header_not_in_allowed_hosts_is_a_400(client, student, host):
    for path in ("/", "/accounts/login/", "/healthz"):
        response = client.get(path, headers={"host": host})
        assert response.status_code == 400
        assert "evil.example" not in response.text
    response = client.post(
        "/accounts/login/",
        {"username": "amara", "password": PASSWORD},
        headers={"host": host},
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def run_production(tmp_path, code: str, **env: str) -> dict:
    """Run `code` (which prints one JSON line last) under manage.py shell in a fresh
    process with production settings and a scratch database."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hosts.sqlite3'}",
            **env,
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


HOST_PROBE = """
import json
from django.conf import settings
from django.test import Client
client = Client()
print(json.dumps({
    "allowed": settings.ALLOWED_HOSTS,
    "evil": client.get("/healthz", headers={"host": "evil.example"}).status_code,
    "ours": client.get("/healthz", headers={"host": "class.example.org"}).status_code,
}))
"""


def test_production_answers_only_the_hosts_it_is_given(tmp_path):
    result = run_production(
        tmp_path, HOST_PROBE, DJANGO_ALLOWED_HOSTS="class.example.org"
    )
    assert result == {"allowed": ["class.example.org"], "evil": 400, "ours": 200}


def test_production_without_allowed_hosts_answers_no_host(tmp_path):
    result = run_production(tmp_path, HOST_PROBE)
    assert result == {"allowed": [], "evil": 400, "ours": 400}


# --- Sessions -------------------------------------------------------------------------


def session_key(client) -> str:
    return client.cookies["sessionid"].value


@pytest.mark.django_db
def test_sign_in_gives_a_new_session_key_and_the_old_one_is_gone(client, student):
    # A session planted before sign-in (session fixation) is not the one signed in.
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    before = session_key(client)

    response = client.post(
        "/accounts/login/", {"username": "amara", "password": PASSWORD}
    )

    assert response.status_code == 302
    after = session_key(client)
    assert after != before
    assert not SessionStore().exists(before)
    assert SessionStore(session_key=after).load()["_auth_user_id"] == str(student.pk)
    # Someone holding the old key is not signed in.
    other = Client()
    other.cookies["sessionid"] = before
    assert other.get("/my-work/").status_code == 302


@pytest.mark.django_db
def test_sign_up_gives_a_new_session_key(client):
    session = client.session
    session["planted"] = "x"
    session.save()
    before = session_key(client)
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newcomer",
            "password1": "a-good-long-passphrase",
            "password2": "a-good-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert session_key(client) != before
    assert not SessionStore().exists(before)


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_same_site_lax(client, student):
    client.post("/accounts/login/", {"username": "amara", "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- Signing out ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head", "put", "delete"])
def test_sign_out_by_anything_but_post_is_a_405_and_signs_nobody_out(
    client, student, method
):
    client.force_login(student)
    key = session_key(client)
    response = getattr(client, method)("/accounts/logout/")
    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(student.pk)
    assert SessionStore().exists(key)


@pytest.mark.django_db
def test_sign_out_needs_the_csrf_token(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    # A form on another site cannot sign a student out: no token, no sign-out.
    assert client.post("/accounts/logout/").status_code == 403
    assert client.session["_auth_user_id"] == str(student.pk)
    page = client.get("/")
    token = page.context["csrf_token"]
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_ends_the_session_on_the_server(client, student):
    client.force_login(student)
    key = session_key(client)
    client.post("/accounts/logout/")
    assert not SessionStore().exists(key)
    other = Client()
    other.cookies["sessionid"] = key
    assert other.get("/my-work/").status_code == 302
