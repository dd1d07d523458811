"""Real-browser tests: Playwright drives Debian's Chromium against a live server.

Every page visited through `visit` is checked with axe-core (WCAG 2.2 A/AA; no serious
or critical violations) and any Content Security Policy violation or script error on
the page fails the test."""

import json
import os
from pathlib import Path

import pytest

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
