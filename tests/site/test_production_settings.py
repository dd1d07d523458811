"""Production mode, checked in fresh processes with the environment a server has."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "t3st-Only-Not-Secret-9fQ2xLw8ZpR4vN7mK1cJ6hT0yB5sD3gA",
    "DJANGO_ALLOWED_HOSTS": "class.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_plain_http_for_a_classroom_network_is_announced_and_still_passes_check():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DJANGO_HTTPS="0"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DJANGO_HTTPS=0: serving plain HTTP" in result.stderr


@pytest.mark.parametrize(
    "key", [None, "short", "django-insecure-" + "x" * 60, "a" * 60]
)
def test_production_refuses_to_start_without_a_real_secret_key(key):
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    if key is not None:
        env["DJANGO_SECRET_KEY"] = key
    result = manage("check", **env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("DJANGO_SECRET_KEY must be set")
