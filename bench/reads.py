"""Reads: lesson and source pages under 32 connections against the floor, and what a
first and a repeat visit of a lesson page transfer.

    .venv/bin/python -m bench.reads

Targets (issue #7): lesson and source pages at least 50% of the floor's requests/s with
p99 at most 100 ms; a repeat visit fetches 0 bytes of static files; a first visit of a
lesson page transfers at most 250 KB."""

from __future__ import annotations

import sys

from bench.harness import (
    OUT,
    Server,
    manage,
    probe,
    production_env,
    queries_per_request,
    report,
    wrk,
)

LESSON = "/lessons/warnings/"
SOURCE = "/sources/dallaire-cable-january-1994/"


def transferred_bytes(url: str) -> tuple[int, int, int]:
    """Bytes on the wire for a first visit, and static bytes on a repeat visit, as
    Chromium counts them (encodedDataLength, so compressed sizes)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        page = browser.new_page()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda event: urls.__setitem__(event["requestId"], event["request"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda event: sizes.__setitem__(
                event["requestId"], int(event["encodedDataLength"])
            ),
        )
        page.goto(url, wait_until="networkidle")
        first = sum(sizes.values())
        first_static = sum(
            size for rid, size in sizes.items() if "/static/" in urls[rid]
        )
        urls.clear()
        sizes.clear()
        page.goto(url, wait_until="networkidle")
        repeat_static = sum(
            size for rid, size in sizes.items() if "/static/" in urls.get(rid, "")
        )
        browser.close()
    return first, first_static, repeat_static


def main() -> int:
    database = OUT / "reads.sqlite3"
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    env = production_env(f"sqlite:///{database}")
    manage(env, "migrate", "--noinput")
    manage(env, "load_curriculum")
    manage(env, "collectstatic", "--noinput")
    queries = queries_per_request(env, [LESSON, SOURCE])
    cookie = {
        "Cookie": f"sessionid={probe(env, 'session', 'bench_reader')['sessionid']}"
    }
    signed_in = probe(env, "queries", "bench_reader", LESSON, SOURCE)

    with Server(env) as server:
        wrk(f"{server.url}/bench/floor", "warm-up", seconds=2)
        floor = wrk(f"{server.url}/bench/floor", "floor (trivial view)", server=server)
        lesson = wrk(f"{server.url}{LESSON}", f"lesson page {LESSON}", server=server)
        source = wrk(f"{server.url}{SOURCE}", f"source page {SOURCE}", server=server)
        student_loads = [
            wrk(f"{server.url}{path}", f"{label}, signed-in student", server=server,
                headers=cookie)
            for label, path in (("lesson page", LESSON), ("source page", SOURCE))
        ]  # fmt: skip
        for load, path in zip(student_loads, (LESSON, SOURCE), strict=True):
            load.queries = signed_in[path]["queries"]
        lesson.queries, source.queries = queries[LESSON], queries[SOURCE]
        first, first_static, repeat_static = transferred_bytes(f"{server.url}{LESSON}")

    failures = []
    for load in (lesson, source):
        if load.rps < 0.5 * floor.rps:
            failures.append(f"{load.name}: {load.rps / floor.rps:.2f} × floor (< 0.50)")
        if load.p99_ms > 100:
            failures.append(f"{load.name}: p99 {load.p99_ms:.0f} ms (> 100)")
        if load.errors:
            failures.append(f"{load.name}: {load.errors} errors")
    if first > 250 * 1024:
        failures.append(f"first visit {first / 1024:.0f} KB (> 250)")
    if repeat_static:
        failures.append(f"repeat visit fetched {repeat_static} static bytes (> 0)")
    notes = [
        "32 connections, 10 s each, wrk on the same 2 cores as gunicorn (2 workers), "
        "SQLite, DJANGO_DEBUG=0. A visitor without cookies gets the whole page from "
        "the cache (0 queries); a signed-in student gets the cached content fragments "
        "around their own progress (session, user, lesson, sections, progress); "
        "the signed-in rows are shown for their cost, not held to the floor target.",
        f"First visit of {LESSON}: {first / 1024:.0f} KB transferred "
        f"({first_static / 1024:.0f} KB of it static); repeat visit: "
        f"{repeat_static} bytes of static files.",
        "Targets met." if not failures else "Missed: " + "; ".join(failures),
    ]
    report(
        "Reads: lesson and source pages", [lesson, source, *student_loads], floor, notes
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
