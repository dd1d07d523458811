"""Reconciliation for the fault scenarios: what the simulated students were told
(their ledgers) against what the database holds afterwards.

- answers: every question's last acknowledged save is stored, with the version the
  server returned (an acknowledged answer is never lost or replaced by an older one);
- attempts: exactly one attempt per student, submitted and scored, its score the sum
  of its answers' scores (nothing half-written);
- submits: every submit that was retried landed on the same results page as the first;
- SQLite: `PRAGMA integrity_check` answers ok."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from bench.chaos_client import Student

Fetch = Callable[[str], list[tuple]]


def sqlite_fetch(path: str) -> Fetch:
    def fetch(sql: str) -> list[tuple]:
        db = sqlite3.connect(path, timeout=30)
        try:
            db.create_function(
                "REGEXP", 2, lambda p, s: s is not None and re.search(p, s) is not None
            )
            return db.execute(sql).fetchall()
        finally:
            db.close()

    return fetch


def postgres_fetch(url: str) -> Fetch:
    import psycopg

    def fetch(sql: str) -> list[tuple]:
        with psycopg.connect(url, connect_timeout=5) as db:
            return db.execute(sql).fetchall()

    return fetch


@dataclass
class Row:
    check: str
    expected: object
    found: object
    lost: int | str = 0

    @property
    def ok(self) -> bool:
        return self.lost in (0, "–")


@dataclass
class Reconciliation:
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows) and not self.problems

    def table(self) -> list[str]:
        lines = [
            "| check | expected | found | lost |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r.check} | {r.expected} | {r.found} | {r.lost} |" for r in self.rows
        ]
        return lines


def _cents(value) -> Decimal:
    """SQLite sums decimals as floats (2.4000000000000004): compare to the cent."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _answer(value, *, json_text: bool):
    """SQLite hands JSON columns back as text; psycopg decodes them itself."""
    return json.loads(value) if json_text and value is not None else value


def reconcile(
    students: list[Student],
    fetch: Fetch,
    *,
    submitted: bool = True,
    sqlite: bool = False,
) -> Reconciliation:
    result = Reconciliation()
    names = {s.username for s in students}
    in_list = ", ".join(f"'{name}'" for name in sorted(names))

    # --- Answers ----------------------------------------------------------------------
    stored = {
        (user, slot): (_answer(answer, json_text=sqlite), version)
        for user, slot, answer, version in fetch(
            "SELECT u.username, r.slot, r.answer, r.version FROM quizzes_response r "
            "JOIN quizzes_attempt a ON a.id = r.attempt_id "
            f"JOIN accounts_user u ON u.id = a.user_id WHERE u.username IN ({in_list})"
        )
    }
    acknowledged = present = 0
    for student in students:
        for slot, ack in student.last_acks().items():
            acknowledged += 1
            got = stored.get((student.username, slot))
            if got is None:
                result.problems.append(f"{student.username} q{slot}: no row")
                continue
            answer, version = got
            same = (
                sorted(answer or []) == ack.answer
                if ack.kind == "multiple"
                else answer == ack.answer
            )
            if same and version == ack.version:
                present += 1
            else:
                result.problems.append(
                    f"{student.username} q{slot}: acknowledged v{ack.version} "
                    f"{ack.answer!r}, stored v{version} {answer!r}"
                )
    every_ack = sum(len(s.acks) for s in students)
    result.rows.append(
        Row(
            f"answers acknowledged vs stored (last of each question; {every_ack} "
            "saves acknowledged in all)",
            acknowledged,
            present,
            acknowledged - present,
        )
    )
    refused = [e for s in students for e in s.errors]
    result.rows.append(
        Row("saves or submits refused (4xx)", 0, len(refused), len(refused))
    )
    result.problems += refused[:10]

    # --- Attempts ---------------------------------------------------------------------
    attempts = defaultdict(list)
    for user, pk, status, score, total, max_score in fetch(
        "SELECT u.username, a.id, a.status, a.score, "
        "(SELECT SUM(r.score) FROM quizzes_response r WHERE r.attempt_id = a.id), "
        "a.max_score FROM quizzes_attempt a JOIN accounts_user u ON u.id = a.user_id "
        f"WHERE u.username IN ({in_list})"
    ):
        attempts[user].append((pk, status, score, total, max_score))
    wanted = {"graded", "submitted"} if submitted else {"in_progress"}
    good = 0
    for student in students:
        rows = attempts.get(student.username, [])
        if len(rows) != 1:
            result.problems.append(f"{student.username}: {len(rows)} attempts")
            continue
        pk, status, score, total, max_score = rows[0]
        whole = status in wanted and (
            not submitted
            or (
                score is not None
                and _cents(score) == _cents(total or 0)
                and _cents(score) <= _cents(max_score)
            )
        )
        if whole:
            good += 1
        else:
            result.problems.append(
                f"{student.username}: attempt {pk} {status} score {score} "
                f"(answers add up to {total})"
            )
    label = (
        "attempts expected vs found (one per student, submitted, score = its answers)"
        if submitted
        else "attempts expected vs found (one per student, in progress)"
    )
    result.rows.append(Row(label, len(students), good, len(students) - good))

    # --- Submits ----------------------------------------------------------------------
    if submitted:
        retried = same = 0
        for student in students:
            answered = [loc for status, loc in student.submits if status == 302]
            if len(student.submits) > 1:
                retried += 1
                if answered and len(set(answered)) == 1:
                    same += 1
                else:
                    result.problems.append(
                        f"{student.username}: submits answered {student.submits}"
                    )
            elif not answered:
                result.problems.append(f"{student.username}: submit {student.submits}")
        result.rows.append(
            Row(
                "students who sent submit more than once: same results page each time",
                retried,
                same,
                retried - same,
            )
        )

    if sqlite:
        (check,) = fetch("PRAGMA integrity_check")[0]
        result.rows.append(
            Row("PRAGMA integrity_check", "ok", check, 0 if check == "ok" else 1)
        )
    return result
