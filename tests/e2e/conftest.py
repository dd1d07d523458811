"""Real-browser tests: Playwright drives Debian's Chromium against a live server.

Every page visited through `visit` is checked with axe-core (WCAG 2.2 A/AA; no serious
or critical violations) and any Content Security Policy violation or script error on
the page fails the test."""

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


class PageProblems:
    """Console errors (CSP violations included) and uncaught script errors."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))

    def _on_console(self, message):
        # A 4xx page the test asked for on purpose logs a resource error; the test
        # itself judges those.
        serious = message.type == "error" or "Content Security Policy" in message.text
        if serious and "Failed to load resource" not in message.text:
            self.messages.append(message.text)


def sign_in(page, live_server, username: str, password: str) -> None:
    """Sign in through the login form and wait for the page it leads to."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def shoot(page, folder: Path, name: str, viewport) -> None:
    """A full-page screenshot in `folder` to be looked at; on a phone also the first
    screenful at full size, as a phone shows it."""
    folder.mkdir(parents=True, exist_ok=True)
    width = "phone" if viewport == PHONE else "desktop"
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    if viewport == PHONE:
        page.screenshot(path=str(folder / f"{name}-{width}-top.png"))


@pytest.fixture
def demo_class(transactional_db):
    """The demo class of `seed_demo` on the real curriculum."""
    from classrooms.demo import TEACHER_USERNAME
    from classrooms.models import Classroom

    call_command("load_curriculum", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    return Classroom.objects.get(owner__username=TEACHER_USERNAME)


@pytest.fixture
def problems(page):
    tracker = PageProblems(page)
    yield tracker
    assert tracker.messages == [], "\n".join(tracker.messages)


def check_accessibility(page) -> None:
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    serious = [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert serious == [], f"{page.url}\n" + json.dumps(serious, indent=2)


@pytest.fixture
def visit(page, live_server, problems):
    """Open a path on the live server, wait for it, and check its accessibility."""

    def _visit(path: str, *, expect_status: int = 200):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == expect_status, (
            f"{path}: {response.status if response else 'no response'}"
        )
        check_accessibility(page)
        return response

    return _visit
