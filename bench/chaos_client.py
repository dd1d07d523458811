"""A simulated student for the fault scenarios: signs in, starts a quiz, saves answers
the way the autosave script does (one question per request, with the version the page
showed) and submits; every request is retried on a network error or a 5xx, as the
page's script retries, until it is answered or a deadline passes.

The student keeps a ledger of what the server acknowledged: every save answered 200
with the answer's normal form and the version the server returned, and every submit's
answer. `bench/chaos_reconcile.py` compares the ledger with the database."""

from __future__ import annotations

import http.cookiejar
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

PASSWORD = "chaos-classroom-1994"
VERDICTS = ["supports", "contradicts", "does_not_address"]
GIVE_UP_SECONDS = 180


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _FormReader(HTMLParser):
    """The answer widgets of an attempt page."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.selects: dict[str, list[str]] = {}
        self.textareas: list[str] = []
        self.csrf = ""
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input":
            if a.get("name") == "csrfmiddlewaretoken":
                self.csrf = a.get("value", "")
            else:
                self.inputs.append(a)
        elif tag == "select":
            self._select = a["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self.textareas.append(a["name"])

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
    fields: dict = field(default_factory=dict)  # the last acknowledged answer


def read_questions(page: str) -> tuple[str, dict[int, Question]]:
    reader = _FormReader()
    reader.feed(page)
    questions: dict[int, Question] = {}
    for a in reader.inputs:
        name = a.get("name", "")
        if name.startswith("v") and a.get("type") == "hidden":
            questions[int(name[1:])] = Question(int(name[1:]), int(a["value"]))
    for a in reader.inputs:
        name = a.get("name", "")
        if not name.startswith("q"):
            continue
        slot, _, sub = name[1:].partition("-")
        q = questions[int(slot)]
        if a["type"] == "checkbox":
            q.kind = "multiple"
            q.values.append(a["value"])
        elif sub:
            q.kind = "claim"
            if sub not in q.subkeys:
                q.subkeys.append(sub)
        elif a["value"] in ("true", "false"):
            q.kind = "true_false"
            q.values.append(a["value"])
        else:
            q.kind = "single"
            q.values.append(a["value"])
    for name, options in reader.selects.items():
        slot, _, sub = name[1:].partition("-")
        q = questions[int(slot)]
        q.subkeys.append(sub)
        q.options = [o for o in options if o]
        # Positions are "1".."n"; matching options are 8-character opaque ids.
        q.kind = "ordering" if len(q.options[0]) < 8 else "matching"
    for name in reader.textareas:
        questions[int(name[1:])].kind = "short"
    return reader.csrf, questions


def choose(q: Question, rng: random.Random, who: str, n: int) -> tuple[dict, object]:
    """Form fields for a random answer, and the normal form the server stores."""
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
            return {f"{p}-{i}": [str(k)] for k, i in enumerate(order, 1)}, order
        case "matching":
            chosen = {row: rng.choice(q.options) for row in q.subkeys}
            return {f"{p}-{r}": [o] for r, o in chosen.items()}, chosen
        case "claim":
            chosen = {i: rng.choice(VERDICTS) for i in q.subkeys}
            return {f"{p}-{i}": [v] for i, v in chosen.items()}, chosen
        case "short":
            text = f"{who}, draft {n}: the cable warned of weapons caches. é ✓"
            return {p: [text]}, text
    raise AssertionError(q.kind)


@dataclass
class Call:
    """One HTTP exchange as the client saw it (after no retry: one per try)."""

    what: str
    status: int  # 0 for a network error
    seconds: float
    at: float  # time.monotonic() when it ended
    body: str = ""


@dataclass
class Ack:
    slot: int
    version: int
    answer: object
    kind: str
    at: float


class Student:
    def __init__(self, base_url: str, username: str, seed: int):
        self.base = base_url
        self.username = username
        self.rng = random.Random(seed)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.calls: list[Call] = []
        self.acks: list[Ack] = []
        self.errors: list[str] = []
        self.submits: list[tuple[int, str]] = []  # (status, Location) per try
        self.attempt_path = ""
        self.questions: dict[int, Question] = {}
        self.csrf = ""
        self.drafts = 0

    # --- HTTP with retries ------------------------------------------------------------

    def _once(self, what: str, path: str, data=None, *, json_reply=False):
        body = (
            urllib.parse.urlencode(data, doseq=True).encode()
            if data is not None
            else None
        )
        request = urllib.request.Request(self.base + path, data=body)
        if json_reply:
            request.add_header("Accept", "application/json")
        began = time.monotonic()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, headers, text = (
                    response.status,
                    response.headers,
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            status, headers, text = error.code, error.headers, error.read().decode()
        except (OSError, urllib.error.URLError) as error:
            status, headers, text = 0, {}, repr(error)
        now = time.monotonic()
        self.calls.append(Call(what, status, now - began, now, text[:300]))
        return status, headers, text

    def request(self, what: str, path: str, data=None, *, json_reply=False):
        """Send until answered with something other than a network error or a 5xx
        (the page's script does the same), waiting a little longer each time."""
        deadline = time.monotonic() + GIVE_UP_SECONDS
        wait = 0.25
        while True:
            status, headers, text = self._once(what, path, data, json_reply=json_reply)
            if status and status < 500:
                return status, headers, text
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.username}: {what} never answered ({status})")
            time.sleep(wait)
            wait = min(wait * 2, 1.0)

    def csrf_cookie(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    # --- The student's steps ----------------------------------------------------------

    def sign_in(self) -> None:
        self.request("login page", "/accounts/login/")
        status, _, _ = self.request(
            "sign in",
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.csrf_cookie(),
            },
        )
        if status != 302:
            raise RuntimeError(f"{self.username} could not sign in ({status})")

    def start(self, quiz_key: str) -> None:
        status, headers, _ = self.request(
            "start",
            f"/quizzes/{quiz_key}/start/",
            {"csrfmiddlewaretoken": self.csrf_cookie()},
        )
        if status != 302:
            raise RuntimeError(f"{self.username} could not start ({status})")
        self.attempt_path = headers["Location"]
        status, _, page = self.request("attempt page", self.attempt_path)
        if status != 200:
            raise RuntimeError(f"{self.username}: attempt page {status}")
        self.csrf, self.questions = read_questions(page)

    def save_one(self, q: Question) -> None:
        """Save a new answer to one question; record it once acknowledged."""
        self.drafts += 1
        fields, expected = choose(q, self.rng, self.username, self.drafts)
        data = {"csrfmiddlewaretoken": self.csrf, f"v{q.slot}": [str(q.version)]}
        data.update(fields)
        status, _, body = self.request(
            "save", self.attempt_path + "save/", data, json_reply=True
        )
        if status != 200:
            self.errors.append(f"save q{q.slot}: {status} {body[:200]}")
            return
        q.version = json.loads(body)["versions"][str(q.slot)]
        q.fields = fields
        self.acks.append(Ack(q.slot, q.version, expected, q.kind, time.monotonic()))

    def save_everything(self) -> None:
        order = list(self.questions.values())
        self.rng.shuffle(order)
        for q in order:
            self.save_one(q)

    def save_random(self) -> None:
        self.save_one(self.rng.choice(list(self.questions.values())))

    def submit(self) -> None:
        """Submit with every last acknowledged answer, as the page's form does; a
        retried submit must land on the same results page."""
        data = {"csrfmiddlewaretoken": self.csrf}
        for q in self.questions.values():
            data[f"v{q.slot}"] = [str(q.version)]
            data.update(q.fields)
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while True:
            status, headers, body = self._once(
                "submit", self.attempt_path + "submit/", data
            )
            self.submits.append((status, headers.get("Location", "") if status else ""))
            if status and status < 500:
                if status != 302:
                    self.errors.append(f"submit: {status} {body[:200]}")
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.username}: submit never answered")
            time.sleep(0.25)

    def resubmit(self) -> None:
        """The same submit again (a student pressing Submit after a network error)."""
        self.submit()

    # --- What the ledger says ---------------------------------------------------------

    def last_acks(self) -> dict[int, Ack]:
        last: dict[int, Ack] = {}
        for ack in self.acks:
            if ack.slot not in last or ack.version >= last[ack.slot].version:
                last[ack.slot] = ack
        return last
