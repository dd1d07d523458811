"""A small asyncio HTTP/1.1 client for the scripted classroom flows: one browser's
cookies, form posts, no redirects followed, latency of every request recorded.

Standard library only. gunicorn's sync workers close the connection after each
response, so every request opens its own connection (as a browser would have to)."""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    ms: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Timings:
    """Latencies (ms) and failures by request kind, for the whole run."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    first: dict[str, float] = field(default_factory=dict)
    last: dict[str, float] = field(default_factory=dict)

    def record(self, kind: str, ms: float, error: str = "") -> None:
        now = time.monotonic()
        self.first.setdefault(kind, now - ms / 1000)
        self.last[kind] = now
        self.ms.setdefault(kind, []).append(ms)
        if error:
            self.errors.setdefault(kind, []).append(error)


class Browser:
    def __init__(self, host: str, port: int, timings: Timings):
        self.host, self.port, self.timings = host, port, timings
        self.cookies: dict[str, str] = {}

    async def request(
        self,
        kind: str,
        path: str,
        form: dict[str, list[str] | str] | None = None,
        *,
        accept_json: bool = False,
        expect: tuple[int, ...] = (200,),
    ) -> Answer:
        body = b""
        lines = [
            f"{'POST' if form is not None else 'GET'} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Connection: close",
            "User-Agent: bench-classroom",
        ]
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: http://{self.host}:{self.port}",
                f"Referer: http://{self.host}:{self.port}{path}",
            ]
        if accept_json:
            lines.append("Accept: application/json")
        if self.cookies:
            lines.append(
                "Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            )
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        started = time.monotonic()
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            writer.write(raw)
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), timeout=60)
            writer.close()
        except (OSError, TimeoutError) as error:
            ms = (time.monotonic() - started) * 1000
            self.timings.record(kind, ms, f"{path}: {error!r}")
            return Answer(0, {}, "", ms)
        ms = (time.monotonic() - started) * 1000
        head, _, payload = data.partition(b"\r\n\r\n")
        head_lines = head.decode("latin-1").split("\r\n")
        status = int(head_lines[0].split()[1]) if head_lines and head_lines[0] else 0
        headers: dict[str, str] = {}
        for line in head_lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if val in ('""', ""):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = val
            else:
                headers[name] = value
        if headers.get("transfer-encoding") == "chunked":
            payload = _unchunk(payload)
        text = payload.decode("utf-8", "replace")
        error = "" if status in expect else f"{path}: {status} {text[:200]!r}"
        self.timings.record(kind, ms, error)
        return Answer(status, headers, text, ms)


def _unchunk(payload: bytes) -> bytes:
    out, rest = b"", payload
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- The attempt page's answer widgets ----------------------------------------------


class FormReader(HTMLParser):
    """Radios, checkboxes, selects, textareas, hidden version fields, the CSRF token."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.selects: dict[str, list[str]] = {}
        self.textareas: list[str] = []
        self.csrf = ""
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "input":
            if a.get("name") == "csrfmiddlewaretoken":
                self.csrf = a.get("value", "")
            else:
                self.inputs.append(a)
        elif tag == "select":
            self._select = a.get("name", "")
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self.textareas.append(a.get("name", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


@dataclass
class Question:
    slot: int
    version: int
    kind: str = ""
    values: list[str] = field(default_factory=list)
    subkeys: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)


def read_questions(page: str) -> tuple[str, dict[int, Question]]:
    """The CSRF token and the questions of an attempt page, by slot."""
    reader = FormReader()
    reader.feed(page)
    questions: dict[int, Question] = {}
    for a in reader.inputs:
        name = a.get("name", "")
        if name[:1] == "v" and name[1:].isdigit() and a.get("type") == "hidden":
            questions[int(name[1:])] = Question(
                slot=int(name[1:]), version=int(a["value"])
            )
    for a in reader.inputs:
        name = a.get("name", "")
        if not name.startswith("q"):
            continue
        slot_text, _, sub = name[1:].partition("-")
        q = questions[int(slot_text)]
        if a.get("type") == "checkbox":
            q.kind = "multiple"
            q.values.append(a["value"])
        elif sub:
            q.kind = "claim"
            if sub not in q.subkeys:
                q.subkeys.append(sub)
        elif a.get("value") in ("true", "false"):
            q.kind = "true_false"
            q.values.append(a["value"])
        else:
            q.kind = "single"
            q.values.append(a["value"])
    for name, options in reader.selects.items():
        slot_text, _, sub = name[1:].partition("-")
        q = questions[int(slot_text)]
        q.subkeys.append(sub)
        q.options = [o for o in options if o]
        # Positions are "1".."n"; matching options are 8-character opaque ids.
        q.kind = "ordering" if len(q.options[0]) < 8 else "matching"
    for name in reader.textareas:
        questions[int(name[1:])].kind = "short"
    return reader.csrf, questions


VERDICTS = ["supports", "contradicts", "does_not_address"]


def choose(q: Question, rng, who: str) -> tuple[dict[str, list[str]], object]:
    """Form fields for a random answer, and the normal form the server should store."""
    p = f"q{q.slot}"
    match q.kind:
        case "single":
            value = rng.choice(q.values)
            return {p: [value]}, value
        case "true_false":
            value = rng.choice(q.values)
            return {p: [value]}, value == "true"
        case "multiple":
            picked = rng.sample(q.values, rng.randint(1, len(q.values)))
            return {p: picked}, sorted(picked)
        case "ordering":
            order = rng.sample(q.subkeys, len(q.subkeys))
            return {f"{p}-{i}": [str(n)] for n, i in enumerate(order, 1)}, order
        case "matching":
            chosen = {row: rng.choice(q.options) for row in q.subkeys}
            return {f"{p}-{r}": [o] for r, o in chosen.items()}, chosen
        case "claim":
            chosen = {i: rng.choice(VERDICTS) for i in q.subkeys}
            return {f"{p}-{i}": [v] for i, v in chosen.items()}, chosen
        case "short":
            text = f"{who}: the cable was sent to New York, not to the Council."
            return {p: [text]}, text
    raise ValueError(f"unknown widget for slot {q.slot}: {q.kind!r}")
