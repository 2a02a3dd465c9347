"""docs/benchmarks.md: a run replaces only its own labelled section and keeps the rest;
target verdicts follow the issue's ratios."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bench.generate import Size
from bench.harness import BenchOptions
from bench.report import Measurement, table, write_report


def run_kwargs(label: str, ours_rps: float) -> dict[str, Any]:
    options = BenchOptions(operations=("4",), concurrency=(1,), label=label)
    return {
        "measurements": [
            Measurement("ours", "4", 1, ours_rps, 4, 9, 4.0, 100, 0),
            Measurement("floor", "4", 1, 500, 1, 3, 1.5, 500, 0),
            Measurement("peer", "4", 1, 200, 2, 6, 2.0, 200, 0),
        ],
        "options": options,
        "started": dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC),
        "commands": {"ours": "uvicorn clngraph.asgi:app"},
        "versions": {"Python": "3.11"},
        "machine": {"CPU": "test"},
        "rows": {"members": 10},
        "load_time": None,
        "problems": [],
        "size": Size(5, 1),
        "embedded": True,
    }


def test_runs_replace_their_own_section_and_keep_prose(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\nHand-written notes.\n\n## Runs\n\n<!-- bench:runs -->\n")
    write_report(page, **run_kwargs("before", 100))
    write_report(page, **run_kwargs("after", 150))
    write_report(page, **run_kwargs("after", 250))
    text = page.read_text()
    assert "Hand-written notes." in text
    assert text.count("<!-- bench:after:begin -->") == 1
    assert text.count("<!-- bench:before:begin -->") == 1
    assert "250 req/s" in text and "150 req/s" not in text and "100 req/s" in text


def test_verdicts_follow_the_targets() -> None:
    slow = "\n".join(
        table(
            run_kwargs("x", 100)["measurements"], BenchOptions(operations=("4",), concurrency=(1,))
        )
    )
    assert "missed (2.67x)" in slow  # mean latency 4.0 vs the floor's 1.5
    assert "req/s ≥1x peer: missed (0.50x)" in slow
    fast = run_kwargs("x", 300)["measurements"]
    fast[0] = Measurement("ours", "4", 1, 300, 2, 4, 2.2, 300, 0)
    text = "\n".join(table(fast, BenchOptions(operations=("4",), concurrency=(1,))))
    assert "latency ≤1.5x floor: met" in text and "req/s ≥1x peer: met" in text


def test_cells_carry_cpu_per_request_when_measured() -> None:
    ms = [Measurement("ours", "4", 1, 300, 2, 4, 2.5, 300, 0, cpu_ms=1.25, db_cpu_ms=0.4)]
    text = "\n".join(table(ms, BenchOptions(operations=("4",), concurrency=(1,))))
    assert "300 req/s · p50 2.0 · p99 4.0 · CPU 1.25+0.40" in text


def test_cpu_accounting_reads_real_processes(admin_url: str) -> None:
    """The harness's CPU figures come from /proc: this process has used some CPU, and
    the test suite's own PostgreSQL (started by `admin_url`) is among the processes
    counted."""
    import os

    from bench.servers import cpu_seconds, database_cpu_seconds

    sum(range(200_000))
    assert cpu_seconds(os.getpid()) > 0
    assert database_cpu_seconds() > 0


def test_rounds_give_medians_and_per_round_ratios() -> None:
    """Three interleaved rounds: each figure is the median over them, each ratio the
    median of the rounds' own ratios (so a round where the whole machine was slow
    does not count against one column only), and the verdict follows that median."""
    rounds = [(300, 150), (200, 250), (330, 300)]  # (ours, peer) req/s per round
    ms = []
    for r, (ours_rps, peer_rps) in enumerate(rounds):
        ms += [
            Measurement("ours", "4", 16, ours_rps, 5, 9, 5.0, ours_rps * 10, 0, round=r),
            Measurement("floor", "4", 16, 600, 2, 4, 2.0, 6000, 0, round=r),
            Measurement("peer", "4", 16, peer_rps, 3, 8, 3.0, peer_rps * 10, 0, round=r),
            Measurement("peer_rls", "4", 16, 100, 9, 20, 9.0, 1000, 0, round=r),
        ]
    options = BenchOptions(operations=("4",), concurrency=(16,), rounds=3)
    [row] = table(ms, options)[2:]
    columns = [c.strip() for c in row.split("|")]
    assert columns[3].startswith("300 req/s (200-330)")
    assert columns[5].startswith("250 req/s (150-300)")
    # per-round ours/peer: 2.00, 0.80, 1.10 -> median 1.10; the ratio of the medians
    # (300/250 = 1.20) would hide that one round went the other way
    assert columns[6].startswith("100 req/s (100-100)")  # peer, RLS only
    assert columns[8] == "1.10 (0.80-2.00)"
    assert columns[9] == "3.00 (2.00-3.30)"  # ours against the RLS-only peer: shown
    assert columns[10] == "2.50 (2.50-2.50)"
    assert "req/s ≥1x peer: met" in columns[11]  # judged against the tuned peer
    assert "latency ≤1.5x floor: missed (2.50x)" in columns[11]


def test_a_single_round_reads_as_before() -> None:
    [row] = table(run_kwargs("x", 100)["measurements"], BenchOptions(operations=("4",)))[2:3]
    assert "| 100 req/s · p50 4.0 · p99 9.0 |" in row and "| 0.50 |" in row
