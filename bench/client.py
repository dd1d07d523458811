"""A small asyncio HTTP/1.1 client for the scripted classroom flows: one browser's
cookies, form posts, no redirects followed, latency of every request recorded.

Standard library only. gunicorn's sync workers close the connection after each
response, so every request opens its own connection (as a browser would have to).
Reading the attempt page and choosing answers is bench/quiz_page.py's."""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from dataclasses import dataclass, field


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
