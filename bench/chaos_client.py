"""A simulated student for the fault scenarios: signs in, starts a quiz, saves answers
the way the autosave script does (one question per request, with the version the page
showed) and submits; every request is retried on a network error or a 5xx, as the
page's script retries, until it is answered or a deadline passes.

The student keeps a ledger of what the server acknowledged: every save answered 200
with the answer's normal form and the version the server returned, and every submit's
answer. `bench/chaos_reconcile.py` compares the ledger with the database. The page is
read, and answers chosen, by bench/quiz_page.py."""

from __future__ import annotations

import http.cookiejar
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from bench.quiz_page import Question, choose, read_questions

PASSWORD = "chaos-classroom-1994"
# Every draft's text differs, so an older save can't pass for the newest one.
DRAFT = "{who}, draft {n}: the cable warned of weapons caches. é ✓"
GIVE_UP_SECONDS = 180


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


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
        fields, expected = choose(
            q, self.rng, self.username, self.drafts, written=DRAFT
        )
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
