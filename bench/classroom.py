"""Classroom flows under gunicorn: a class signs in, then a quiz burst.

    .venv/bin/python -m bench.classroom --db sqlite                 # 1 class of 35
    .venv/bin/python -m bench.classroom --db postgres --classes 10  # 350 at once

1. Sign-in: every student of every class submits the login form within 10 s (CSRF
   token from the login page first). Target: 0 errors, p95 <= 3 s.
2. Burst, with fresh sessions: within 10 s each student signs in and starts the same
   quiz; then saves one answer every 2-4 s through the autosave endpoint (JSON), and
   submits between 20 and 30 s; meanwhile each class's teacher loads the class page
   and the progress grid every 5 s. Targets: 0 errors, 0 "database is locked", start
   p95 <= 1 s, save p95 <= 300 ms, submit p95 <= 1 s; afterwards exactly one finished
   attempt per student (graded, or awaiting grading when a written answer is there)
   and every acknowledged save stored with its value; each gunicorn worker's peak
   resident memory <= 150 MB.

The client (bench/client.py) is this process's asyncio loop on loopback; the floor is
measured on the same server first."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import threading
import time

from bench.client import Browser, Timings, percentile
from bench.harness import (
    OUT,
    Load,
    Server,
    cpu_seconds_of,
    fresh_database,
    peak_rss_mb,
    postgres_pids,
    prepare,
    probe,
    production_env,
    report,
    run_module,
    wrk,
)
from bench.quiz_page import choose, read_questions

QUIZ = "warnings"
PASSWORD = "bench-student-1994"
TEACHER_PASSWORD = "bench-teacher-1994"
PER_CLASS = 35
WORKERS = 3  # as `make serve`
TARGETS_MS = {"start": 1000, "save": 300, "submit": 1000}


async def sign_in(browser: Browser, username: str, password: str) -> bool:
    await browser.request("login page", "/accounts/login/")
    answer = await browser.request(
        "sign in",
        "/accounts/login/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""),
            "next": "",
        },
        expect=(302,),
    )
    return answer.status == 302


async def sign_in_phase(host, port, usernames: list[str], timings: Timings) -> None:
    rng = random.Random(1)

    async def one(username: str) -> None:
        await asyncio.sleep(rng.uniform(0, 10))
        await sign_in(Browser(host, port, timings), username, PASSWORD)

    await asyncio.gather(*(one(u) for u in usernames))


async def student_burst(
    host, port, username: str, seed: int, t0: float, timings: Timings, acks: dict
) -> None:
    rng = random.Random(seed)
    browser = Browser(host, port, timings)
    await asyncio.sleep(rng.uniform(0, 9))
    if not await sign_in(browser, username, PASSWORD):
        return
    csrf = browser.cookies.get("csrftoken", "")
    start = await browser.request(
        "start", f"/quizzes/{QUIZ}/start/", {"csrfmiddlewaretoken": csrf}, expect=(302,)
    )
    if start.status != 302:
        return
    attempt_path = start.location
    page = await browser.request("attempt page", attempt_path)
    if page.status != 200:
        return
    csrf, questions = read_questions(page.body)
    order = list(questions.values())
    rng.shuffle(order)
    submit_at = t0 + rng.uniform(20, 29)
    mine: dict[str, object] = {}
    for q in order:
        await asyncio.sleep(rng.uniform(2, 4))
        if time.monotonic() >= submit_at:
            break
        fields, expected = choose(q, rng, username)
        data = {"csrfmiddlewaretoken": csrf, f"v{q.slot}": [str(q.version)], **fields}
        saved = await browser.request(
            "save", attempt_path + "save/", data, accept_json=True
        )
        if saved.status == 200:
            q.version = json.loads(saved.body)["versions"][str(q.slot)]
            q.fields = fields
            mine[str(q.slot)] = (q.kind, expected)
    await asyncio.sleep(max(0.0, submit_at - time.monotonic()))
    data: dict[str, list[str] | str] = {"csrfmiddlewaretoken": csrf}
    for q in questions.values():
        data[f"v{q.slot}"] = [str(q.version)]
        data.update(q.fields)
    await browser.request("submit", attempt_path + "submit/", data, expect=(302,))
    acks[username] = mine


async def teacher_watch(host, port, teacher: str, pk: int, timings, done) -> None:
    browser = Browser(host, port, timings)
    await sign_in(browser, teacher, TEACHER_PASSWORD)
    while not done.is_set():
        await browser.request("teacher class page", f"/teach/classes/{pk}/")
        await browser.request("teacher progress grid", f"/teach/classes/{pk}/progress/")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=5)


async def burst(host, port, classes: list[dict], timings: Timings, acks: dict) -> float:
    done = asyncio.Event()
    t0 = time.monotonic()
    teachers = [
        asyncio.create_task(
            teacher_watch(host, port, c["teacher"], c["pk"], timings, done)
        )
        for c in classes
    ]
    students = [
        student_burst(host, port, username, n, t0, timings, acks)
        for c in classes
        for n, username in enumerate(c["students"])
    ]
    await asyncio.gather(*students)
    done.set()
    await asyncio.gather(*teachers)
    return time.monotonic() - t0


def same_answer(kind: str, stored, expected) -> bool:
    """A multiple-choice answer is a set: stored in the page's order, not ours."""
    if kind == "multiple" and isinstance(stored, list):
        return sorted(stored) == sorted(expected)
    return stored == expected


def load_for(kind: str, timings: Timings, name: str | None = None) -> Load:
    values = timings.ms.get(kind, [])
    seconds = timings.last.get(kind, 0) - timings.first.get(kind, 0)
    return Load(
        name=name or kind,
        requests=len(values),
        seconds=max(seconds, 0.001),
        errors=len(timings.errors.get(kind, [])),
        p50_ms=percentile(values, 0.50),
        p95_ms=percentile(values, 0.95),
        p99_ms=percentile(values, 0.99),
    )


def sample_rss(server: Server, stop: threading.Event, peaks: dict) -> None:
    while not stop.is_set():
        for pid, mb in peak_rss_mb(server.worker_pids()).items():
            peaks[pid] = max(peaks.get(pid, 0), mb)
        stop.wait(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Classroom sign-in and quiz burst.")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--classes", type=int, default=1)
    parser.add_argument("--port", type=int, default=8110)
    args = parser.parse_args(argv)

    name = f"bench_classroom_{args.db}"
    env = production_env(fresh_database(args.db, name))
    prepare(env)
    students = PER_CLASS * args.classes
    generated = json.loads(
        run_module(
            env, "bench.data", "--scale", "classroom", "--seed", "1",
            "--classes", str(args.classes), "--students", str(students), "--no-work",
        ).strip().splitlines()[-1]
    )  # fmt: skip
    classes = probe(env, "classes")["classes"]
    usernames = [u for c in classes for u in c["students"]]
    where = (
        "SQLite (WAL, IMMEDIATE, synchronous=FULL)"
        if args.db == "sqlite"
        else "PostgreSQL"
    )

    sign_in_timings, burst_timings = Timings(), Timings()
    acks: dict[str, dict] = {}
    peaks: dict[int, float] = {}
    with Server(env, port=args.port, workers=WORKERS) as server:
        wrk(f"{server.url}/bench/floor", "warm-up", seconds=2)
        floor = wrk(
            f"{server.url}/bench/floor",
            "floor (trivial view)",
            seconds=5,
            server=server,
        )
        asyncio.run(sign_in_phase("127.0.0.1", args.port, usernames, sign_in_timings))
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(server, stop, peaks))
        sampler.start()
        cpu_before = server.cpu_seconds()
        client_before = time.process_time()
        database_before = cpu_seconds_of(postgres_pids())
        seconds = asyncio.run(
            burst("127.0.0.1", args.port, classes, burst_timings, acks)
        )
        burst_cpu = server.cpu_seconds() - cpu_before
        client_cpu = time.process_time() - client_before
        # Backends that ended during the burst are not counted: a lower bound.
        database_cpu = cpu_seconds_of(postgres_pids()) - database_before
        stop.set()
        sampler.join()
        for pid, mb in peak_rss_mb(server.worker_pids()).items():
            peaks[pid] = max(peaks.get(pid, 0), mb)
    log = (OUT / f"gunicorn-{args.port}.log").read_text()
    locked = log.count("database is locked")
    server_errors = log.count("Internal Server Error")

    # What the database holds afterwards.
    state = probe(env, "reconcile", QUIZ)
    by_student: dict[str, list] = {}
    for username, status, number in state["attempts"]:
        by_student.setdefault(username, []).append((status, number))
    graded = sum(1 for rows in by_student.values() for s, _ in rows if s == "graded")
    awaiting = sum(
        1 for rows in by_student.values() for s, _ in rows if s == "submitted"
    )
    still_open = sum(
        1 for rows in by_student.values() for s, _ in rows if s == "in_progress"
    )
    wrong_count = [u for u in usernames if len(by_student.get(u, [])) != 1]
    saves_acknowledged = sum(len(a) for a in acks.values())
    lost = [
        (username, slot)
        for username, slots in acks.items()
        for slot, (kind, expected) in slots.items()
        if not same_answer(kind, state["answers"].get(username, {}).get(slot), expected)
    ]
    flow_queries = probe(env, "flow-queries", QUIZ)
    teacher_queries = probe(
        env,
        "queries",
        classes[0]["teacher"],
        f"/teach/classes/{classes[0]['pk']}/",
        f"/teach/classes/{classes[0]['pk']}/progress/",
    )

    # Tables.
    failures: list[str] = []
    sign_in = load_for(
        "sign in", sign_in_timings, f"sign in ({len(usernames)} students in 10 s)"
    )
    sign_in.queries = flow_queries["sign in"]
    if sign_in.errors:
        failures.append(f"sign in: {sign_in.errors} errors")
    if sign_in.p95_ms > 3000:
        failures.append(f"sign in: p95 {sign_in.p95_ms:.0f} ms (> 3000)")
    report(
        f"Class sign-in: {args.classes} × {PER_CLASS} students, {where}",
        [sign_in],
        floor,
        [
            f"gunicorn {WORKERS} sync workers, DJANGO_DEBUG=0; asyncio client on the "
            "same 2 cores; every student loads the login page, then posts the form, "
            "at a random moment in a 10 s window; Argon2id hashes.",
            "Targets met." if not failures else "Missed: " + "; ".join(failures),
        ],
    )

    loads = []
    for kind, label in (
        ("sign in", "sign in"),
        ("start", "start the quiz"),
        ("attempt page", "attempt page"),
        ("save", "autosave one answer"),
        ("submit", "submit"),
        ("teacher class page", f"teacher: /teach/classes/{classes[0]['pk']}/"),
        ("teacher progress grid", "teacher: progress grid"),
    ):
        load = load_for(kind, burst_timings, label)
        load.queries = flow_queries.get(kind)
        if kind == "teacher class page":
            load.queries = teacher_queries[f"/teach/classes/{classes[0]['pk']}/"][
                "queries"
            ]
        if kind == "teacher progress grid":
            load.queries = teacher_queries[
                f"/teach/classes/{classes[0]['pk']}/progress/"
            ]["queries"]
        loads.append(load)
    failures = []
    errors = sum(load.errors for load in loads)
    if errors:
        failures.append(f"{errors} errors")
        sample = [
            e for kind in burst_timings.errors for e in burst_timings.errors[kind]
        ]
        failures.append("first: " + "; ".join(sample[:3]))
    if locked:
        failures.append(f'{locked} "database is locked" in the server log')
    if server_errors:
        failures.append(f"{server_errors} server errors in the log")
    for kind, label in (
        ("start", "start the quiz"),
        ("save", "autosave one answer"),
        ("submit", "submit"),
    ):
        load = next(load for load in loads if load.name == label)
        if load.p95_ms > TARGETS_MS[kind]:
            failures.append(f"{kind}: p95 {load.p95_ms:.0f} ms (> {TARGETS_MS[kind]})")
    if wrong_count or still_open:
        failures.append(
            f"{len(wrong_count)} students without exactly one attempt; "
            f"{still_open} open"
        )
    if lost:
        failures.append(f"{len(lost)} acknowledged saves not stored, e.g. {lost[:3]}")
    worst = max(peaks.values()) if peaks else 0
    requests = sum(len(values) for values in burst_timings.ms.values())
    if worst > 150:
        failures.append(f"worker peak RSS {worst:.0f} MB (> 150)")
    report(
        f"Classroom burst: {args.classes} × {PER_CLASS} students on one quiz, {where}",
        loads,
        floor,
        [
            f"{len(usernames)} students sign in and start within 10 s, autosave one "
            "answer every 2-4 s, submit between 20 and 30 s; each class's teacher "
            f"reloads the class page and progress grid every 5 s. Burst took "
            f"{seconds:.0f} s. gunicorn {WORKERS} sync workers, DJANGO_DEBUG=0.",
            f"Afterwards: {graded} graded + {awaiting} awaiting grading (a written "
            f"answer) = {graded + awaiting} attempts for {len(usernames)} students, "
            f"{still_open} left open; {saves_acknowledged} acknowledged saves, "
            f"{saves_acknowledged - len(lost)} stored with their value.",
            f'"database is locked" in the server log: {locked}; server errors: '
            f"{server_errors}.",
            f"CPU during the {seconds:.0f} s burst, of the "
            f"{(os.cpu_count() or 1) * seconds:.0f} s the machine's cores offer: "
            f"gunicorn workers {burst_cpu:.1f} s for {requests} requests "
            f"({burst_cpu * 1000 / max(1, requests):.0f} ms each on average), "
            + (
                f"PostgreSQL at least {database_cpu:.1f} s, "
                if args.db == "postgres"
                else ""
            )
            + f"the load client {client_cpu:.1f} s.",
            "Peak resident memory per worker (VmHWM): "
            + ", ".join(f"{mb:.0f} MB" for mb in sorted(peaks.values())),
            f"Data: {json.dumps(generated['rows'])}. Queries/req from a Django "
            "process with the same settings (the student flow on a throwaway account "
            "after the run).",
            "Targets met." if not failures else "Missed: " + "; ".join(failures),
        ],
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
