import re

import pytest
from django.db import DatabaseError, connection

EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/about/", "/accounts/login/", "/accounts/signup/"]
)
def test_public_pages_render_and_reference_no_external_host(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not EXTERNAL.search(response.text), EXTERNAL.search(response.text)
    assert 'href="#main"' in response.text  # skip link
    assert '<main id="main"' in response.text


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.text and " onclick=" not in response.text


@pytest.mark.django_db
def test_home_page_speaks_to_students_and_teachers(client):
    text = client.get("/").text
    assert "For students" in text and "For teachers" in text


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We can't find that page" in response.text


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
