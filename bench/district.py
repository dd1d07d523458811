"""The district: 50,000 students and about 2.5 million saved answers on PostgreSQL,
generated from a seed, then the teacher pages for one class inside it.

    .venv/bin/python -m bench.district            # generate, then measure
    BENCH_DISTRICT_REUSE=1 .venv/bin/python -m bench.district   # keep the data

Targets: generation under 15 minutes with at most 2 GB peak resident memory (the
generating process, measured with getrusage on the child); grid and item analysis
p95 <= 500 ms and the admin's filtered attempts list p95 <= 1 s for one class."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

from bench.harness import (
    PYTHON,
    ROOT,
    fresh_database,
    prepare,
    production_env,
)
from bench.teacher import measure

DATABASE = "bench_district"
GENERATION_LIMIT_S = 15 * 60
GENERATION_MEMORY_MB = 2048


def generate(env: dict[str, str]) -> tuple[dict, float, float]:
    started = time.monotonic()
    result = subprocess.run(
        [str(PYTHON), "-m", "bench.data", "--scale", "district", "--seed", "1"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "rwanda_edu.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise RuntimeError(f"district generation failed:\n{result.stderr[-3000:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return json.loads(result.stdout.strip().splitlines()[-1]), seconds, peak_mb


def main() -> int:
    reuse = os.environ.get("BENCH_DISTRICT_REUSE") == "1"
    url = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    if reuse:
        env = production_env(f"{url}/{DATABASE}")
        notes = ["Data reused from an earlier generation (BENCH_DISTRICT_REUSE=1)."]
        failures: list[str] = []
    else:
        env = production_env(fresh_database("postgres", DATABASE))
        prepare(env)
        generated, seconds, peak_mb = generate(env)
        rows = generated["rows"]
        failures = []
        if seconds > GENERATION_LIMIT_S:
            failures.append(f"generation {seconds / 60:.1f} min (> 15)")
        if peak_mb > GENERATION_MEMORY_MB:
            failures.append(f"generation peak RSS {peak_mb:.0f} MB (> 2048)")
        notes = [
            f"Generation (seed 1): {seconds / 60:.1f} min wall, "
            f"peak RSS {peak_mb:.0f} MB; "
            f"{rows.get('User', 0):,} users, {rows.get('Classroom', 0):,} classes, "
            f"{rows.get('Attempt', 0):,} attempts, {rows.get('Response', 0):,} "
            f"responses, {rows.get('SectionProgress', 0):,} section progress rows.",
            "Generation targets met."
            if not failures
            else "Generation missed: " + "; ".join(failures),
        ]
        text = "\n".join(
            ["", "## District data generation", *[f"- {n}" for n in notes]]
        )
        print(text)
    status = measure(
        env,
        title="Teacher pages: one class in the district (50,000 students), PostgreSQL",
        where="PostgreSQL",
        page_target_ms=500,
        port=8130,
        extra_notes=notes,
    )
    return 1 if failures or status else 0


if __name__ == "__main__":
    sys.exit(main())
