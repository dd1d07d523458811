"""The pieces every benchmark shares: a real gunicorn with production settings, wrk for
plain reads, query counting, and the results table appended to bench/RESULTS.md.

Every throughput figure is reported beside the floor (a trivial view through the same
gunicorn, middleware and settings) measured in the same run, because wrk shares the
machine's cores with the server: ratios are comparable across runs, absolute figures
are not."""

from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
RESULTS = ROOT / "bench" / "RESULTS.md"
OUT = ROOT / "bench" / "out"


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_BENCH_FLOOR="1",
        DATABASE_URL=database_url,
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


class Server:
    """gunicorn serving the site on loopback with production settings."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        port: int = 8100,
        workers: int = 2,
        boot_timeout: float = 30,
    ):
        self.env, self.port, self.workers = env, port, workers
        self.boot_timeout = boot_timeout  # seconds to wait for /healthz
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        OUT.mkdir(parents=True, exist_ok=True)
        log = open(OUT / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115 - closed on exit
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "rwanda_edu.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.boot_timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not become healthy; see {log.name}")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        return [int(pid) for pid in children]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far: unlike latency,
        it does not grow when other programs crowd the machine."""
        return cpu_seconds_of(self.worker_pids())

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class Load:
    """One measured load: what wrk (or a scripted client) reported."""

    name: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    queries: int | None = None
    bytes: int = 0
    cpu_ms: float | None = None  # the server's CPU time per request

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(
    url: str,
    name: str,
    *,
    connections: int = 32,
    seconds: int = 10,
    headers: dict[str, str] | None = None,
    server: Server | None = None,
) -> Load:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk_report.lua"),
    ]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    cpu_before = server.cpu_seconds() if server else 0.0
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    cpu = server.cpu_seconds() - cpu_before if server else None
    line = next(row for row in output.splitlines() if row.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    return Load(
        name=name,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["socket_errors"] + data["non2xx"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        bytes=data["bytes"],
        cpu_ms=cpu * 1000 / data["requests"]
        if cpu is not None and data["requests"]
        else None,
    )


def queries_per_request(env: dict[str, str], paths: list[str]) -> dict[str, int]:
    """Queries each path costs, counted in a Django process with the same settings."""
    script = (
        "import json, sys, django\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        'client = Client(HTTP_HOST="127.0.0.1")\n'
        "out = {}\n"
        "for path in sys.argv[1:]:\n"
        "    client.get(path)\n"
        "    with CaptureQueriesContext(connection) as ctx:\n"
        "        response = client.get(path)\n"
        "    assert response.status_code == 200, (path, response.status_code)\n"
        "    out[path] = len(ctx.captured_queries)\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run(
        [str(PYTHON), "-c", script, *paths],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "rwanda_edu.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> str:
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    python = sys.version.split()[0]
    return f"{platform.machine()}, {os.cpu_count()} cores{memory}, Python {python}"


def commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()


def report(title: str, loads: list[Load], floor: Load | None, notes: list[str]) -> str:
    """Print the table and append it, with date and commit, to bench/RESULTS.md."""
    rows = [
        "| load | req/s | × floor | p50 ms | p95 ms | p99 ms | errors | queries/req "
        "| server CPU ms/req |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for load in ([floor] if floor else []) + loads:
        ratio = f"{load.rps / floor.rps:.2f}" if floor and floor.rps else "–"
        rows.append(
            f"| {load.name} | {load.rps:,.0f} | {ratio} | {load.p50_ms:.1f} | "
            f"{load.p95_ms:.1f} | {load.p99_ms:.1f} | {load.errors} | "
            f"{'–' if load.queries is None else load.queries} | "
            f"{'–' if load.cpu_ms is None else f'{load.cpu_ms:.1f}'} |"
        )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [f"\n## {title}", f"{stamp}, commit {commit()}, {machine()}", "", *rows, ""]
        + [f"- {note}" for note in notes]
    )
    print(text)
    with RESULTS.open("a") as results:
        results.write(text + "\n")
    return text


def cpu_seconds_of(pids: list[int]) -> float:
    """CPU time (user + system) used so far by the processes `pids`, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def postgres_pids() -> list[int]:
    """The local PostgreSQL server's processes (its backends do the queries' work)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/comm"):
        try:
            if stat.read_text().strip().startswith("postgres"):
                pids.append(int(stat.parent.name))
        except OSError:
            continue
    return pids


def fresh_database(engine: str, name: str) -> str:
    """A new empty database for one scenario: a file under bench/out/ on SQLite, a
    dropped and recreated database on the local PostgreSQL (user postgres, trust)."""
    OUT.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    for sql in (
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
    ):
        subprocess.run(
            ["psql", f"{url}/postgres", "-q", "-c", sql],
            check=True,
            capture_output=True,
        )
    return f"{url}/{name}"


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "load_curriculum")
    manage(env, "collectstatic", "--noinput")


def run_module(env: dict[str, str], module: str, *args: str) -> str:
    """`python -m module args` with the scenario's settings; its stdout."""
    result = subprocess.run(
        [str(PYTHON), "-m", module, *args],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "rwanda_edu.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{module} {' '.join(args)} failed:\n{result.stderr[-3000:]}"
        )
    return result.stdout


def probe(env: dict[str, str], *args: str):
    """One bench.probe command's JSON answer."""
    return json.loads(run_module(env, "bench.probe", *args).strip().splitlines()[-1])


def peak_rss_mb(pids: list[int]) -> dict[int, float]:
    """Each process's peak resident set (VmHWM), in MB."""
    out = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out[pid] = int(line.split()[1]) / 1024
        except OSError:
            pass
    return out
