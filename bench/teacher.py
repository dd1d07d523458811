"""Teacher pages under load, signed in: the class page, the progress grid, a quiz's
item analysis and the admin's attempts list filtered to the class.

    .venv/bin/python -m bench.teacher     # classroom data (35 students), SQLite

bench.district runs the same measurement on one class of the district data set on
PostgreSQL. wrk sends the teacher's session cookie (-H); queries per request are
counted in a Django process with the same settings and the same teacher.
Targets: grid and item analysis p95 <= 300 ms on SQLite, <= 500 ms in the district;
admin attempts list p95 <= 1 s; queries per request the same at every scale."""

from __future__ import annotations

import json
import sys

from bench.harness import (
    Load,
    Server,
    fresh_database,
    prepare,
    probe,
    production_env,
    report,
    run_module,
    wrk,
)

QUIZ = "warnings"
CONNECTIONS = 2  # as many as gunicorn workers: p95 is close to the service time


def pages(pk: int) -> list[tuple[str, str, int]]:
    """(label, path, p95 target in ms on SQLite) for one class."""
    return [
        ("class page", f"/teach/classes/{pk}/", 300),
        ("progress grid", f"/teach/classes/{pk}/progress/", 300),
        ("item analysis", f"/teach/classes/{pk}/quizzes/{QUIZ}/", 300),
        ("admin attempts, filtered", f"/admin/quizzes/attempt/?classroom={pk}", 1000),
    ]


def measure(
    env: dict[str, str],
    *,
    title: str,
    where: str,
    page_target_ms: int,
    port: int,
    extra_notes: list[str],
) -> int:
    classes = probe(env, "classes")["classes"]
    # The class in the middle: neither the first rows nor the last in any index.
    chosen = classes[len(classes) // 2]
    teacher, pk = chosen["teacher"], chosen["pk"]
    targets = pages(pk)
    queries = probe(env, "queries", teacher, *[path for _, path, _ in targets])
    cookie = probe(env, "session", teacher)["sessionid"]
    loads: list[Load] = []
    failures: list[str] = []
    with Server(env, port=port, workers=2) as server:
        wrk(f"{server.url}/bench/floor", "warm-up", seconds=2)
        floor = wrk(
            f"{server.url}/bench/floor",
            "floor (trivial view)",
            seconds=5,
            server=server,
        )
        for label, path, target in targets:
            if queries[path]["status"] != 200:
                failures.append(f"{label}: {path} answers {queries[path]['status']}")
                continue
            load = wrk(
                f"{server.url}{path}",
                f"{label} {path}",
                connections=CONNECTIONS,
                seconds=10,
                headers={"Cookie": f"sessionid={cookie}"},
                server=server,
            )
            load.queries = queries[path]["queries"]
            loads.append(load)
            limit = target if target == 1000 else page_target_ms
            if load.p95_ms > limit:
                failures.append(f"{label}: p95 {load.p95_ms:.0f} ms (> {limit})")
            if load.errors:
                failures.append(f"{label}: {load.errors} errors")
    report(
        title,
        loads,
        floor,
        [
            f"{CONNECTIONS} connections, 10 s each, signed in as the class's teacher "
            f"({teacher}, class {pk} of {len(classes)}, {len(chosen['students'])} "
            f"students); gunicorn 2 workers, {where}, DJANGO_DEBUG=0.",
            *extra_notes,
            "Targets met." if not failures else "Missed: " + "; ".join(failures),
        ],
    )
    return 1 if failures else 0


def main() -> int:
    env = production_env(fresh_database("sqlite", "bench_teacher"))
    prepare(env)
    generated = json.loads(
        run_module(env, "bench.data", "--scale", "classroom", "--seed", "1")
        .strip()
        .splitlines()[-1]
    )
    return measure(
        env,
        title="Teacher pages: a class of 35, SQLite",
        where="SQLite",
        page_target_ms=300,
        port=8120,
        extra_notes=[
            f"Data (classroom scale, seed 1): {json.dumps(generated['rows'])}."
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
