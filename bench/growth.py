"""How cost grows (`cln-graph bench --growth`): latency, CPU and SQL statements per
request against page size and against dataset scale, memory of one worker under
sustained load, and throughput with one and two workers. Writes a table section of
docs/benchmarks.md (label `growth`) and a plot, docs/benchmarks-growth.png.

* Page size and scale are measured in-process (bench/cpu.py's ASGI calls: no HTTP
  client in the figures), one request at a time: mean and p50 latency, the process's
  CPU per request, and the statements each request sent (counted by the engine's
  `before_cursor_execute` event, which prepared statements announce too).
* Each scale has its own database on the benchmark server (`cln_bench` at scale 1,
  `cln_bench_s<scale>` otherwise), generated once, so going from 0.1 to 4 and back
  never reloads scale 1.
* Memory: the production server command (one uvicorn worker) under the directory page
  at concurrency 16 for the whole duration; VmRSS sampled twice a second.
* Throughput: the same server with 1 and then 2 workers, unpinned (two workers on one
  pinned core would measure nothing), the directory page and the node lookup at c=16.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench import operations, servers
from bench.cpu import call
from bench.database import BenchDatabase, bench_settings, prepare_and_generate, resolve
from bench.generate import Size
from foundation.settings import PROJECT_ROOT

PAGE_SIZES = (10, 100, 500)
PAGE_OPS = ("1", "3")  # the two pages, at `first:` 10, 100 and 500
SCALE_OPS = ("1", "2", "3", "4", "5")
PLOT = PROJECT_ROOT / "docs" / "benchmarks-growth.png"


@dataclass(frozen=True)
class Point:
    op: str
    scale: float
    page: int | None  # `first:` when the page size was varied
    mean_ms: float
    p50_ms: float
    cpu_ms: float
    statements: int


@dataclass
class GrowthResult:
    pages: list[Point] = field(default_factory=list)
    scales: list[Point] = field(default_factory=list)
    memory: dict[str, float] = field(default_factory=dict)
    throughput: list[tuple[int, str, float]] = field(default_factory=list)  # workers, op, rps
    notes: list[str] = field(default_factory=list)


def database_for(scale: float) -> str:
    return "cln_bench" if scale == 1 else f"cln_bench_s{scale:g}".replace(".", "_")


def _bodies(op: str, fixtures: operations.Fixtures, first: int | None) -> list[bytes]:
    query = operations.query_text("ours", op)
    out = []
    for v in operations.variables(op, "ours", fixtures):
        if first is not None:
            v = {**v, "first": first}
        out.append(json.dumps({"query": query, "variables": v}).encode())
    return out


async def _measure(
    app: Any, headers: list[tuple[bytes, bytes]], bodies: list[bytes], n: int
) -> tuple[float, float, float, int]:
    """(mean ms, p50 ms, CPU ms per request, statements of one request), one at a time."""
    engine = app.state.cln.engine.sync_engine
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    for body in bodies[:5]:
        await call(app, body, headers)
    event.listen(engine, "before_cursor_execute", count)
    try:
        status = await call(app, bodies[0], headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    if status != 200:
        raise RuntimeError(f"status {status}")
    statements = len(seen)
    times = []
    cpu = time.process_time()
    for i in range(n):
        started = time.perf_counter()
        await call(app, bodies[i % len(bodies)], headers)
        times.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / n
    return statistics.mean(times), statistics.median(times), cpu_ms, statements


async def measure_scale(
    db: BenchDatabase, scale: float, requests: int, with_pages: bool
) -> tuple[list[Point], list[Point]]:
    from bench.harness import in_process_app, make_tokens, read_fixtures

    fixtures, _ = await read_fixtures(db)
    tokens = await make_tokens(db)
    app = in_process_app(db)
    pages: list[Point] = []
    scales: list[Point] = []
    async with app.router.lifespan_context(app):
        for op in SCALE_OPS:
            token = tokens["national" if op == "2" else "regional"]
            headers = [
                (b"authorization", f"Bearer {token}".encode()),
                (b"content-type", b"application/json"),
                (b"host", b"bench"),
            ]
            n = max(requests // 10, 5) if op == "2" else requests
            figures = await _measure(app, headers, _bodies(op, fixtures, None), n)
            scales.append(Point(op, scale, None, *figures))
            print(f"  scale {scale:g} op {op}: {_point_text(scales[-1])}", flush=True)
            if with_pages and op in PAGE_OPS:
                for first in PAGE_SIZES:
                    figures = await _measure(app, headers, _bodies(op, fixtures, first), requests)
                    pages.append(Point(op, scale, first, *figures))
                    print(f"  page {first} op {op}: {_point_text(pages[-1])}", flush=True)
    return pages, scales


def _point_text(p: Point) -> str:
    return (
        f"mean {p.mean_ms:.2f} ms, p50 {p.p50_ms:.2f} ms, CPU {p.cpu_ms:.2f} ms/request,"
        f" {p.statements} statements"
    )


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory_under_load(db: BenchDatabase, duration: int) -> dict[str, float]:
    """RSS of one worker (MB) after warm-up, at its highest and at the end of `duration`
    seconds of directory pages at concurrency 16."""
    from bench.harness import load, make_tokens, read_fixtures

    fixtures, _ = asyncio.run(read_fixtures(db))
    token = asyncio.run(make_tokens(db))["regional"]
    server = servers.ours(db.admin_url, db.settings.data_dir, 1)
    node = _node()
    state = _LoadState(node)
    logs = db.settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with servers.running(server, [], logs / "growth-memory.log") as (base, pid):
        url = base + "/graphql"
        headers = {"authorization": f"Bearer {token}"}
        bodies = operations.bodies("1", "ours", fixtures)
        load(state, url, headers, bodies, 16, 3)  # warm-up
        start = _rss_mb(pid)
        samples: list[float] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                samples.append(_rss_mb(pid))
                stop.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        r = load(state, url, headers, bodies, 16, duration)
        stop.set()
        sampler.join()
        end = _rss_mb(pid)
    return {
        "after_warmup_mb": start,
        "peak_mb": max(samples or [end]),
        "end_mb": end,
        "requests": float(r["requests"]),
        "seconds": float(duration),
    }


def throughput(db: BenchDatabase, duration: int) -> list[tuple[int, str, float]]:
    from bench.harness import load, make_tokens, read_fixtures

    fixtures, _ = asyncio.run(read_fixtures(db))
    token = asyncio.run(make_tokens(db))["regional"]
    state = _LoadState(_node())
    logs = db.settings.data_dir / "logs"
    out = []
    for workers in (1, 2):
        server = servers.ours(db.admin_url, db.settings.data_dir, workers)
        with servers.running(server, [], logs / f"growth-workers{workers}.log") as (base, _):
            for op in ("1", "4"):
                bodies = operations.bodies(op, "ours", fixtures)
                headers = {"authorization": f"Bearer {token}"}
                load(state, base + "/graphql", headers, bodies, 16, 2)
                r = load(state, base + "/graphql", headers, bodies, 16, duration)
                out.append((workers, op, float(r["rps"])))
                print(f"  workers {workers} op {op}: {r['rps']:.0f} req/s", flush=True)
    return out


@dataclass
class _LoadState:
    """What `bench.harness.load` reads of its run state: the Node project."""

    node: Any


def _node() -> Any:
    from clngraph.nodejs import ensure_node_project

    return ensure_node_project("bench")


def run_growth(
    scales: list[float], requests: int, duration: int, output: Path | None, seed: int
) -> int:
    result = GrowthResult()
    base = bench_settings()
    for scale in sorted(scales):
        db = resolve(base, database=database_for(scale))
        size = Size.at_scale(scale)
        print(f"growth: scale {scale:g} ({size.members_per_sha * 10:,} members)", flush=True)
        t0 = time.monotonic()
        generated = asyncio.run(prepare_and_generate(db, size, seed=seed))
        if generated is not None:
            result.notes.append(f"scale {scale:g} generated in {time.monotonic() - t0:.0f} s")
        pages, points = asyncio.run(measure_scale(db, scale, requests, with_pages=scale == 1))
        result.pages += pages
        result.scales += points
    main_db = resolve(base, database=database_for(1 if 1 in scales else sorted(scales)[-1]))
    if duration > 0:
        print("growth: memory of one worker under load", flush=True)
        result.memory = memory_under_load(main_db, duration)
        print("growth: throughput with 1 and 2 workers", flush=True)
        result.throughput = throughput(main_db, duration)
    from bench.growth_report import plot, write_growth

    plot(result, PLOT)
    path = output or PROJECT_ROOT / "docs" / "benchmarks.md"
    write_growth(path, result, scales=scales, requests=requests, duration=duration)
    print(f"wrote {path} and {PLOT}")
    return 0
