"""Checks that stored hostile text is inert where it is shown: in HTML (escaped, no
script of its own, no event handler, no javascript: link), in CSV (formula cells
neutralised) and in JSON (served as JSON, not HTML)."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_LINK = "javascript:alert(1)"
TEMPLATE = "{{7*7}}"
HYPERLINK = '=HYPERLINK("http://x")'
AT_SUM = "@SUM(1)"
PLUS = "+1"
MINUS = "-1+1"
PAYLOADS = (SCRIPT, IMG, JS_LINK, TEMPLATE, HYPERLINK, AT_SUM, PLUS, MINUS)
RAW_MARKUP = (SCRIPT, "<img src=x onerror=alert(1)>")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?%?")
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}> javascript: URL")
        if tag == "script":
            src = values.get("src") or ""
            kind = (values.get("type") or "").lower()
            if src and (not src.startswith("/") or src.startswith("//")):
                self.problems.append(f"<script src={src!r}> not ours")
            self._inline_script = not src and kind not in DATA_SCRIPT_TYPES
        if tag == "style":
            self.problems.append("<style> block")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline_script = False

    def handle_data(self, data):
        if self._inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]!r}")


def html_problems(body: str) -> list[str]:
    """What in this page could run a stored payload (empty when it is inert)."""
    audit = _Audit()
    audit.feed(body)
    audit.close()
    problems = list(audit.problems)
    problems += [f"raw {raw!r}" for raw in RAW_MARKUP if raw in body]
    return problems


def csv_problems(body: str) -> list[str]:
    """Cells a spreadsheet would run as a formula."""
    problems = []
    for number, row in enumerate(csv.reader(io.StringIO(body.lstrip("\ufeff"))), 1):
        for cell in row:
            if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
                problems.append(f"row {number}: formula cell {cell!r}")
    return problems


def json_problems(response, body: str) -> list[str]:
    if not response["Content-Type"].startswith("application/json"):
        return [f"JSON served as {response['Content-Type']}"]
    json.loads(body)
    return []


def csp_problems(response) -> list[str]:
    """The page's policy must forbid inline script and style, whatever it shows."""
    policy = response.get("Content-Security-Policy", "")
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part
    )
    problems = []
    for directive in ("script-src", "style-src"):
        sources = directives.get(directive) or directives.get("default-src", "")
        if "'self'" not in sources or "unsafe-inline" in sources:
            problems.append(f"CSP {directive} is {sources!r}")
    return problems


def problems_in(response) -> tuple[str, list[str]]:
    """(kind, problems) for a response of any kind the site sends."""
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    ).decode("utf-8")
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/csv"):
        return "csv", csv_problems(body)
    if content_type.startswith("application/json"):
        return "json", json_problems(response, body)
    if content_type.startswith("text/html"):
        return "html", html_problems(body) + csp_problems(response)
    return content_type, []
