"""Drive one URL with a fixed number of connections for a fixed time, from a separate process.

`wrk` when it is installed (Debian's package; a Lua `done` hook prints the numbers
we need, including p95), else this module run as `python -m legwork.bench.loadgen`,
a small threaded generator. Both print one line `BENCH_JSON {...}` that
`parse_result` reads, so the benchmark does not care which one ran.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

MARKER = "BENCH_JSON "

WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %%d, "duration_us": %%d, "errors": %%d, "status_errors": %%d, '
    .. '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int  # connection errors and timeouts
    status_errors: int  # answers other than 2xx/3xx
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse_result(output: str) -> LoadResult:
    """The numbers from a generator's output; ValueError when it printed none."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            return LoadResult(
                requests=int(data["requests"]),
                seconds=data["duration_us"] / 1e6,
                errors=int(data["errors"]),
                status_errors=int(data["status_errors"]),
                p50_ms=round(data["p50_us"] / 1000, 2),
                p95_ms=round(data["p95_us"] / 1000, 2),
                p99_ms=round(data["p99_us"] / 1000, 2),
            )
    raise ValueError(f"no {MARKER.strip()} line in the load generator's output: {output[-500:]!r}")


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_script(method: str, body: str, headers: dict[str, str]) -> str:
    lines = [f"wrk.method = {json.dumps(method)}"]
    if body:
        lines.append(f"wrk.body = {json.dumps(body)}")
    for name, value in headers.items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    return "\n".join(lines) + WRK_DONE % MARKER


def run_load(
    url: str,
    *,
    connections: int,
    seconds: float,
    method: str = "GET",
    body: str = "",
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Load `url` from a separate process: wrk if installed, else this module's generator."""
    headers = headers or {}
    if wrk_available():
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "bench.lua"
            script.write_text(wrk_script(method, body, headers))
            command = [
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                url,
            ]
            done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)  # noqa: S603
    else:
        command = [sys.executable, "-m", "legwork.bench.loadgen", url, "-c", str(connections), "-d", str(seconds)]
        command += ["-X", method, "--body", body]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)  # noqa: S603
    return parse_result(done.stdout + done.stderr)


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def _generate(url: str, connections: int, seconds: float, method: str, body: str, headers: dict[str, str]) -> str:
    """The fallback generator: one thread per connection, keep-alive when the server allows it."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    counts = {"errors": 0, "status_errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    payload = body.encode() if body else None
    if payload:
        headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=10)
        mine: list[float] = []
        errors = status_errors = 0
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                conn.request(method, target, body=payload, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - began)
            if response.status >= 400:
                status_errors += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            counts["errors"] += errors
            counts["status_errors"] += status_errors

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    result = {
        "requests": len(latencies),
        "duration_us": int(elapsed * 1e6),
        **counts,
        **{f"p{p}_us": int(percentile(latencies, p) * 1e6) for p in (50, 95, 99)},
    }
    return MARKER + json.dumps(result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("-c", "--connections", type=int, default=8)
    parser.add_argument("-d", "--seconds", type=float, default=5)
    parser.add_argument("-X", "--method", default="GET")
    parser.add_argument("--body", default="")
    parser.add_argument("-H", "--header", action="append", default=[])
    args = parser.parse_args(argv)
    headers = dict(header.split(": ", 1) for header in args.header)
    print(_generate(args.url, args.connections, args.seconds, args.method, args.body, headers))  # noqa: T201


if __name__ == "__main__":
    main()
