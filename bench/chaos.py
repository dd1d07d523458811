"""Faults and load (issue #8): each scenario runs gunicorn with production settings,
drives a class of 35 simulated students (bench/chaos_client.py), injects one fault,
then reconciles what the students were told against what the database holds
(bench/chaos_reconcile.py). Prints a table per scenario, appends them to
bench/RESULTS.md under "Chaos", and exits non-zero on any loss.

    .venv/bin/python -m bench.chaos all            # what `make chaos` runs
    .venv/bin/python -m bench.chaos kill-worker    # or one scenario:
        kill-worker        SIGKILL a gunicorn worker mid-burst of 35 submissions
        postgres-down      stop PostgreSQL for 30 s mid-quiz, then start it again
        sqlite-long-write  a backup of a big database and a curriculum load mid-saves
        kill-app           kill -9 gunicorn (master and workers) mid-saves, restart

Needs root for postgres-down (pg_ctlcluster); that scenario always starts PostgreSQL
again, whatever happens. Scratch databases go to /tmp/d2/ (CHAOS_DIR)."""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.chaos_client import PASSWORD, Call, Student
from bench.chaos_reconcile import (
    Reconciliation,
    postgres_fetch,
    reconcile,
    sqlite_fetch,
)
from bench.harness import RESULTS, Server, commit, machine, manage, production_env

STUDENTS = 35
QUIZ = "warnings"
SCRATCH = Path(os.environ.get("CHAOS_DIR", "/tmp/d2"))
PORTS = {"kill-worker": 8211, "postgres-down": 8212, "sqlite-long-write": 8213}
PORTS["kill-app"] = 8214
PG_CLUSTER = ("15", "main")
PG_ADMIN_URL = os.environ.get("CHAOS_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "rwanda_chaos"
OUTAGE_SECONDS = 30


def say(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


@dataclass
class Outcome:
    name: str
    reconciliation: Reconciliation
    facts: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # a fault handled badly

    @property
    def ok(self) -> bool:
        return self.reconciliation.ok and not self.failures


# --- Setting up a class -------------------------------------------------------------

CREATE_STUDENTS = (
    "from accounts.models import User\n"
    f"for n in range({STUDENTS}):\n"
    "    User.objects.create_user(\n"
    f"        username=f'chaos{{n:02d}}', password={PASSWORD!r})\n"
)


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "load_curriculum")
    manage(env, "shell", "-c", CREATE_STUDENTS)


def sqlite_class(name: str, *, filler_mb: int = 0) -> tuple[dict[str, str], Path]:
    SCRATCH.mkdir(parents=True, exist_ok=True)
    path = SCRATCH / f"chaos-{name}.sqlite3"
    for old in SCRATCH.glob(f"chaos-{name}.sqlite3*"):
        old.unlink()
    env = production_env(f"sqlite:///{path}")
    prepare(env)
    if filler_mb:
        fill(path, filler_mb)
    return env, path


def fill(path: Path, megabytes: int) -> None:
    """Make the database big, so that a backup takes seconds: a table the site never
    reads, of incompressible 4 KB rows."""
    import sqlite3

    rows = megabytes * 256
    db = sqlite3.connect(path, timeout=30)
    try:
        db.execute("CREATE TABLE chaos_filler (id INTEGER PRIMARY KEY, data BLOB)")
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            f"WHERE i < {rows}) INSERT INTO chaos_filler (data) "
            "SELECT randomblob(4000) FROM n"
        )
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


def students_for(url: str) -> list[Student]:
    return [Student(url, f"chaos{n:02d}", seed=n) for n in range(STUDENTS)]


def in_parallel(students: list[Student], step: Callable[[Student], None]) -> None:
    failures: list[str] = []

    def run(student: Student) -> None:
        try:
            step(student)
        except Exception as error:  # noqa: BLE001 - reported with the student's name
            failures.append(f"{student.username}: {error!r}")

    threads = [threading.Thread(target=run, args=(s,)) for s in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError("; ".join(failures[:5]))


def begin_quiz(students: list[Student]) -> None:
    """Every student signs in, starts the quiz and answers every question once."""

    def step(student: Student) -> None:
        student.sign_in()
        student.start(QUIZ)
        student.save_everything()

    in_parallel(students, step)


class KeepSaving:
    """Each student changes a random answer every `pace` seconds (randomised) until
    stopped, in their own thread."""

    def __init__(self, students: list[Student], pace: tuple[float, float]):
        self.students, self.pace = students, pace
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(s,)) for s in students]

    def _run(self, student: Student) -> None:
        rng = random.Random(student.username)
        try:
            while not self.stop.is_set():
                student.save_random()
                self.stop.wait(rng.uniform(*self.pace))
        except Exception as error:  # noqa: BLE001 - reported with the student's name
            self.failures.append(f"{student.username}: {error!r}")

    def __enter__(self) -> KeepSaving:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def submit_all(students: list[Student]) -> None:
    """Everyone submits when the teacher says so (a barrier), then presses Submit
    once more: the retry must land on the same results page."""
    ready = threading.Barrier(len(students))

    def step(student: Student) -> None:
        ready.wait(timeout=300)
        student.submit()

    in_parallel(students, step)


def calls(students: list[Student], what: str | None = None) -> list[Call]:
    return [c for s in students for c in s.calls if what is None or c.what == what]


def ms(values: list[float], q: float) -> str:
    if not values:
        return "–"
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return f"{values[index] * 1000:,.0f}"


def latency_line(label: str, chosen: list[Call]) -> str:
    seconds = [c.seconds for c in chosen]
    return (
        f"{label}: {len(chosen)} requests, p50 {ms(seconds, 0.5)} ms, "
        f"p95 {ms(seconds, 0.95)} ms, max {ms(seconds, 1.0)} ms"
    )


def statuses(chosen: list[Call]) -> str:
    counts: dict[str, int] = {}
    for c in chosen:
        key = "network error" if c.status == 0 else str(c.status)
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none"


# --- Scenarios ----------------------------------------------------------------------


def kill_worker() -> Outcome:
    """A gunicorn worker killed (SIGKILL) during a burst of 35 submissions: the cut
    requests are retried, every student has exactly one submitted attempt, and a
    retried submit lands on the first result."""
    env, path = sqlite_class("kill-worker")
    with Server(env, port=PORTS["kill-worker"], workers=3) as server:
        students = students_for(server.url)
        say("kill-worker: 35 students sign in, start and answer")
        begin_quiz(students)
        victims: list[int] = []

        def killer() -> None:
            # The burst takes about a second on this machine; 0.15 s in, every
            # worker is in the middle of a submit.
            time.sleep(0.15)
            victim = server.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            victims.append(victim)

        say("kill-worker: all submit at once; one worker is killed mid-burst")
        thread = threading.Thread(target=killer)
        thread.start()
        submit_all(students)
        thread.join()
        in_parallel(students, Student.resubmit)  # Submit pressed again afterwards
        workers_after = len(server.worker_pids())
    result = reconcile(students, sqlite_fetch(str(path)), sqlite=True)
    submits = calls(students, "submit")
    cut = [c for c in submits if c.status == 0 or c.status >= 500]
    facts = [
        f"Killed worker {victims[0] if victims else '–'} with SIGKILL 0.15 s into "
        f"the burst; gunicorn had {workers_after} workers again afterwards.",
        f"Submit requests: {statuses(submits)}; {len(cut)} cut by the kill and "
        "retried by the client.",
        latency_line("Submit latency (every try)", submits),
    ]
    failures = [] if cut else ["the kill cut no request: the fault was not injected"]
    return Outcome("kill-worker", result, facts, failures)


def pg_ctl(action: str) -> None:
    subprocess.run(["pg_ctlcluster", *PG_CLUSTER, action], check=True)


def postgres_ready(timeout: float = 60) -> bool:
    import psycopg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(f"{PG_ADMIN_URL}/postgres", connect_timeout=2):
                return True
        except psycopg.OperationalError:
            time.sleep(0.5)
    return False


def postgres_class() -> tuple[dict[str, str], str]:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    url = f"{PG_ADMIN_URL}/{PG_DATABASE}"
    env = production_env(url)
    prepare(env)
    return env, url


class HealthWatch:
    """Polls /healthz twice a second, recording (time, status)."""

    def __init__(self, url: str):
        self.url, self.seen = url, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=10) as r:
                    status = r.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            self.seen.append((time.monotonic(), status))
            self.stop.wait(0.5)

    def __enter__(self) -> HealthWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def postgres_down() -> Outcome:
    """PostgreSQL stopped for 30 s while a class saves answers: requests fail fast
    with the friendly 503, nothing is half-written, and the same gunicorn serves
    again once PostgreSQL is back, without a restart."""
    env, url = postgres_class()
    failures: list[str] = []
    with Server(env, port=PORTS["postgres-down"], workers=3) as server:
        master = server.process.pid
        students = students_for(server.url)
        say("postgres-down: 35 students sign in, start and answer")
        begin_quiz(students)
        with KeepSaving(students, (2.0, 4.0)) as saving, HealthWatch(server.url) as h:
            time.sleep(8)
            say(f"postgres-down: stopping PostgreSQL for {OUTAGE_SECONDS} s")
            try:
                pg_ctl("stop")  # fast mode: open sessions are cut
                down_at = time.monotonic()
                time.sleep(OUTAGE_SECONDS)
            finally:
                restart_at = time.monotonic()
                pg_ctl("start")  # returns once PostgreSQL accepts connections
                if not postgres_ready():
                    failures.append("PostgreSQL did not come back")
            say("postgres-down: PostgreSQL started again")
            time.sleep(15)
        failures += saving.failures
        say("postgres-down: everyone submits")
        submit_all(students)
        in_parallel(students, Student.resubmit)
        restarted = server.process.pid != master or server.process.poll() is not None
    result = reconcile(students, postgres_fetch(url))
    # The outage proper: from the stop's end to the start's beginning.
    during = [c for c in calls(students) if down_at <= c.at <= restart_at]
    failed = [c for c in during if c.status != 200]
    friendly = [c for c in failed if c.status == 503 and "reach its database" in c.body]
    first_ok = {}
    for s in students:
        after = [c.at for c in s.calls if c.what == "save" and c.status == 200]
        after = [t for t in after if t > restart_at]
        if after:
            first_ok[s.username] = min(after) - restart_at
    healthy_again = next(
        (t - restart_at for t, st in h.seen if t > restart_at and st == 200), None
    )
    facts = [
        f"Outage: {restart_at - down_at:.0f} s from `pg_ctlcluster stop` (fast mode: "
        "open sessions cut) returning to `pg_ctlcluster start` being called.",
        f"Requests answered during the outage: {statuses(during)}.",
        latency_line("Failed requests during the outage", failed),
        f"{len(friendly)} of {len(failed)} failed requests were the friendly 503 "
        "with its sentence.",
        "Recovery without restarting gunicorn: /healthz 200 again "
        f"{healthy_again:.1f} s after `pg_ctlcluster start` was called; every "
        f"student's saves succeeded again within {max(first_ok.values()):.1f} s "
        "(the client retries every 0.25-1 s)."
        if healthy_again is not None and first_ok
        else "Recovery: not observed.",
    ]
    if len(friendly) != len(failed):
        failures.append(f"{len(failed) - len(friendly)} failures were not the 503")
    if failed and float(ms([c.seconds for c in failed], 0.95).replace(",", "")) > 3000:
        failures.append("failed requests were not fast (p95 > 3 s)")
    if restarted:
        failures.append("gunicorn was restarted")
    if len(first_ok) != len(students):
        failures.append("some students never saved again after the outage")
    return Outcome("postgres-down", result, facts, failures)


def sqlite_long_write() -> Outcome:
    """A backup of a big database and a curriculum load while a class saves answers:
    saves wait their turn and succeed."""
    env, path = sqlite_class("sqlite-long-write", filler_mb=400)
    size = path.stat().st_size
    failures: list[str] = []
    windows: dict[str, tuple[float, float]] = {}
    with Server(env, port=PORTS["sqlite-long-write"], workers=3) as server:
        students = students_for(server.url)
        say("sqlite-long-write: 35 students sign in, start and answer")
        begin_quiz(students)
        with KeepSaving(students, (2.0, 4.0)) as saving:
            time.sleep(4)
            for label, args in (
                ("backup", ("backup", str(SCRATCH / f"backup-{os.getpid()}.sqlite3"))),
                ("load_curriculum", ("load_curriculum",)),
            ):
                say(f"sqlite-long-write: manage.py {' '.join(args)} during saves")
                began = time.monotonic()
                try:
                    manage(env, *args)
                except RuntimeError as error:
                    failures.append(f"{label} failed: {error}")
                windows[label] = (began, time.monotonic())
                time.sleep(2)
        failures += saving.failures
        say("sqlite-long-write: everyone submits")
        submit_all(students)
        in_parallel(students, Student.resubmit)
    for copy in SCRATCH.glob("backup-*.sqlite3"):
        copy.unlink()
    result = reconcile(students, sqlite_fetch(str(path)), sqlite=True)
    saves = calls(students, "save")
    facts = [
        f"Database: {size / 1e6:,.0f} MB, most of it a filler table the site never "
        "reads."
    ]
    for label, (began, ended) in windows.items():
        inside = [c for c in saves if began <= c.at - c.seconds <= ended]
        facts.append(
            f"{label}: {ended - began:.1f} s. "
            + latency_line("Saves started meanwhile", inside)
            + f"; answers: {statuses(inside)}."
        )
        if any(c.status != 200 for c in inside):
            failures.append(f"a save failed during {label}")
    facts.append(
        latency_line("All saves (with the first answers, all 35 at once)", saves)
        + f"; answers: {statuses(saves)}."
    )
    return Outcome("sqlite-long-write", result, facts, failures)


def kill_app() -> Outcome:
    """kill -9 of the whole app (gunicorn master and workers) while a class saves:
    after a restart every acknowledged save is there and the file is intact."""
    env, path = sqlite_class("kill-app")
    port = PORTS["kill-app"]
    first = Server(env, port=port, workers=3).__enter__()
    second = None
    failures: list[str] = []
    try:
        students = students_for(first.url)
        say("kill-app: 35 students sign in, start and answer")
        begin_quiz(students)
        with KeepSaving(students, (0.0, 0.2)) as saving:
            time.sleep(5)
            pids = [first.process.pid, *first.worker_pids()]
            say(f"kill-app: kill -9 {' '.join(map(str, pids))}")
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            killed_at = time.monotonic()
            first.process.wait()
            acked_before = sum(1 for s in students for a in s.acks if a.at <= killed_at)
            time.sleep(2)
            say("kill-app: restarting gunicorn on the same database")
            # A class retrying against the port queues ahead of the health check.
            second = Server(env, port=port, workers=3, boot_timeout=180).__enter__()
            back_at = time.monotonic()
            time.sleep(5)
        failures += saving.failures
        say("kill-app: everyone submits")
        submit_all(students)
        in_parallel(students, Student.resubmit)
    finally:
        for server in (second, first):
            if server is not None:
                server.__exit__(None, None, None)
    result = reconcile(students, sqlite_fetch(str(path)), sqlite=True)
    saves = calls(students, "save")
    cut = [c for c in saves if c.status == 0 and killed_at - 1 <= c.at <= back_at]
    facts = [
        f"{acked_before} saves acknowledged before the kill; gunicorn back "
        f"{back_at - killed_at:.1f} s after it.",
        f"{len(cut)} save requests cut or refused while it was down, retried by the "
        "clients.",
        latency_line("All saves", saves) + f"; answers: {statuses(saves)}.",
    ]
    if not cut:
        failures.append("the kill cut no request: the fault was not injected")
    return Outcome("kill-app", result, facts, failures)


SCENARIOS: dict[str, Callable[[], Outcome]] = {
    "kill-worker": kill_worker,
    "postgres-down": postgres_down,
    "sqlite-long-write": sqlite_long_write,
    "kill-app": kill_app,
}


# --- Report -------------------------------------------------------------------------


def report(outcomes: list[Outcome]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "\n## Chaos",
        f"{stamp}, commit {commit()}, {machine()}; {STUDENTS} simulated students, "
        "gunicorn with 3 sync workers, DJANGO_DEBUG=0.",
    ]
    for outcome in outcomes:
        verdict = "zero lost" if outcome.ok else "LOSS OR FAILURE"
        lines += ["", f"### {outcome.name}: {verdict}", ""]
        lines += outcome.reconciliation.table()
        lines += [""] + [f"- {fact}" for fact in outcome.facts]
        lines += [f"- FAILED: {f}" for f in outcome.failures]
        lines += [f"- PROBLEM: {p}" for p in outcome.reconciliation.problems[:10]]
    text = "\n".join(lines)
    print(text)
    with RESULTS.open("a") as results:
        results.write(text + "\n")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__)
    parser.add_argument("scenario", choices=[*SCENARIOS, "all"])
    chosen = parser.parse_args(argv).scenario
    names = list(SCENARIOS) if chosen == "all" else [chosen]
    outcomes = []
    for name in names:
        say(f"=== {name}")
        began = time.monotonic()
        try:
            outcome = SCENARIOS[name]()
        except Exception as error:  # noqa: BLE001 - one broken scenario is reported
            outcome = Outcome(name, Reconciliation(), failures=[repr(error)])
        outcome.facts.append(f"Scenario took {time.monotonic() - began:.0f} s.")
        outcomes.append(outcome)
    report(outcomes)
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
