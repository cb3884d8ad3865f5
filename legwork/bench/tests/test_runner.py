from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from legwork.accounts.models import User
from legwork.bench import loadgen, runner
from legwork.bench.seed import client_email, coach_email
from legwork.homework.models import ProgressEntry

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:41234/today/
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.01ms    3.10ms  40.00ms   80.00%
  4000 requests in 5.00s, 40.00MB read
Requests/sec:    800.00
BENCH_JSON {"requests": 4000, "duration_us": 5000000, "errors": 1, "status_errors": 2, \
"p50_us": 11500, "p95_us": 19250, "p99_us": 30000}
"""


def test_it_reads_the_numbers_from_the_load_generators_output() -> None:
    result = loadgen.parse_result(WRK_OUTPUT)

    assert result.requests == 4000
    assert result.rps == 800
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (11.5, 19.25, 30.0)
    assert (result.errors, result.status_errors) == (1, 2)


def test_it_says_so_when_the_load_generator_printed_no_numbers() -> None:
    with pytest.raises(ValueError, match="BENCH_JSON"):
        loadgen.parse_result("unable to connect to 127.0.0.1:1 Connection refused")


def test_its_wrk_script_sends_the_method_body_and_headers() -> None:
    script = loadgen.wrk_script("POST", "a=1&b=2", {"Cookie": "sessionid=x", "X-CSRFToken": "t"})

    assert 'wrk.method = "POST"' in script
    assert 'wrk.body = "a=1&b=2"' in script
    assert 'wrk.headers["Cookie"] = "sessionid=x"' in script
    assert "BENCH_JSON " in script
    assert "latency:percentile(95)" in script


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str, str]] = []  # noqa: RUF012

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.seen.append((self.command, self.headers.get("Cookie", ""), body))
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


def test_the_python_generator_loads_a_real_server_and_counts_bad_answers() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        good = loadgen.parse_result(loadgen._generate(f"{base}/ok", 2, 0.3, "POST", "a=1", {"Cookie": "c=1"}))
        bad = loadgen.parse_result(loadgen._generate(f"{base}/missing", 1, 0.2, "POST", "a=1", {}))
    finally:
        server.shutdown()

    assert good.requests > 0
    assert good.status_errors == 0
    assert ("POST", "c=1", "a=1") in _Handler.seen
    assert bad.requests > 0
    assert bad.status_errors == bad.requests


def test_it_writes_a_run_as_json_named_by_time_size_and_database(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        {"name": "coach home", "rps": 300.0, "p95_ms": 20.0, "queries": 5, "solo_p95_ms": 9.0},
        {"name": "trivial view", "rps": 600.0, "p95_ms": 8.0, "queries": 2, "solo_p95_ms": 3.0},
        {"name": "brief", "rps": None, "note": "its URL name does not resolve yet"},
    ]
    runner.add_ratios(rows)
    when = dt.datetime(2026, 11, 27, 1, 2, 3, tzinfo=dt.UTC)

    path = runner.write_results({"size": "small", "endpoints": rows}, tmp_path, size="small", db="sqlite", when=when)

    assert path.name == "20261127T010203Z-small-sqlite.json"
    saved = json.loads(path.read_text())
    assert saved["endpoints"][0]["vs_trivial"] == 0.5
    assert saved["endpoints"][1]["vs_trivial"] == 1.0
    table = "\n".join(runner.format_table(rows))
    assert "coach home" in table
    assert "0.50" in table
    assert "brief            skipped: its URL name does not resolve yet" in table
    markdown = runner.markdown_table(rows)
    assert markdown[2] == "| coach home | 300 | – | 20 | – | 9 | – | 5 | 0.5 |"


def test_it_compares_with_the_last_run_of_the_other_size_on_the_same_database(tmp_path: Path) -> None:
    old = {"size": "small", "coaches": 100, "endpoints": [{"name": "coach home", "rps": 1.0, "queries": 5}]}
    runner.write_results(old, tmp_path, size="small", db="postgresql", when=dt.datetime(2026, 11, 27, tzinfo=dt.UTC))
    other_db = {"size": "small", "endpoints": []}
    runner.write_results(other_db, tmp_path, size="small", db="sqlite", when=dt.datetime(2026, 11, 28, tzinfo=dt.UTC))

    earlier = runner.previous_run(tmp_path, size="large", db="postgresql")

    assert earlier == old
    assert runner.previous_run(tmp_path, size="small", db="postgresql") is None
    assert runner.previous_run(tmp_path, size="large", db="postgresql", pgoptions="-c jit=off") is None
    lines = runner.growth_lines([{"name": "coach home", "rps": 2.0, "queries": 5}], old)
    assert "coach home       queries 5 → 5" in lines[1]


@pytest.mark.django_db
def test_it_finds_each_endpoint_and_counts_its_queries_as_the_signed_in_person() -> None:
    call_command("seed_scale", coaches=1)
    coach = User.objects.get(email=coach_email(0))
    client = User.objects.get(email=client_email(0, 0))
    csrf = "a" * 32
    visitors = {"coach": runner.sign_in(coach, csrf), "client": runner.sign_in(client, csrf)}

    endpoints = {endpoint.name: endpoint for endpoint in runner.endpoints_for(coach, client)}

    for name in ("client home", "coach home", "progress POST", "trivial view"):
        endpoint = endpoints[name]
        measured = runner.probe(endpoint, visitors.get(endpoint.role or ""), repeat=1)
        assert measured.status == 200, name
        assert measured.queries is not None
        assert measured.queries > 0
        assert measured.ms is not None
    assert "sessionid=" in visitors["coach"].cookie
    assert runner.probe(endpoints["raw WSGI"], None) == runner.Probe(queries=0, status=200)
    assert ProgressEntry.objects.filter(note=runner.BENCH_NOTE).exists()  # the POST really logged progress
    missing = runner.Endpoint("missing", "/no-such-page/", role="coach")
    assert runner.probe(missing, visitors["coach"], repeat=1).status == 404


def test_a_page_that_never_answered_in_time_has_no_latency_rather_than_zero() -> None:
    stuck = loadgen.LoadResult(requests=0, seconds=5, errors=0, status_errors=0, p50_ms=0, p95_ms=0, p99_ms=0)
    endpoint = runner.Endpoint("coach home", "/coach/", role="coach")

    row = runner.endpoint_result(endpoint, stuck, stuck, runner.Probe(queries=6, status=200, ms=300.0, db_ms=290.0))

    assert row["rps"] == 0
    assert "p95_ms" not in row
    assert "solo_p95_ms" not in row
    assert row["note"] == "no request finished within the run"
    assert "–" in runner.format_table([row])[2]
