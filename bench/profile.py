"""Where the time goes in this service: run one operation many times in-process
(the real ASGI app over httpx, the real database) under pyinstrument, and count
the SQL statements each request sends."""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from bench import operations
from bench.database import BenchDatabase
from bench.harness import in_process_app


async def profile_operation(
    db: BenchDatabase,
    fixtures: operations.Fixtures,
    tokens: dict[str, str],
    op: str,
    n: int,
    out: Path,
) -> dict[str, Any]:
    from pyinstrument import Profiler

    app = in_process_app(db)
    token = tokens["national" if op == "2" else "regional"]
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    bodies = operations.bodies(op, "ours", fixtures)
    async with app.router.lifespan_context(app):
        engine = app.state.cln.engine.sync_engine
        statements: list[str] = []

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for body in bodies[:5]:  # warm caches and the pool
                await client.post("/graphql", content=body, headers=headers)
            event.listen(engine, "before_cursor_execute", record)
            response = await client.post("/graphql", content=bodies[0], headers=headers)
            event.remove(engine, "before_cursor_execute", record)
            assert not response.json().get("errors"), response.text
            profiler = Profiler(interval=0.0005, async_mode="enabled")
            started = time.perf_counter()
            with profiler:
                for i in range(n):
                    await client.post("/graphql", content=bodies[i % len(bodies)], headers=headers)
            elapsed = time.perf_counter() - started
            # unprofiled: the median of five rounds, since the machine is shared and noisy
            rounds = []
            for _ in range(5):
                started = time.perf_counter()
                for i in range(n):
                    await client.post("/graphql", content=bodies[i % len(bodies)], headers=headers)
                rounds.append((time.perf_counter() - started) / n)
            plain = statistics.median(rounds)
            # cProfile as well: per-function totals show what pyinstrument's tree spreads
            # over thousands of small per-field frames
            cprof = cProfile.Profile()
            cprof.enable()
            for i in range(n):
                await client.post("/graphql", content=bodies[i % len(bodies)], headers=headers)
            cprof.disable()
    cprof.dump_stats(out.with_suffix(".pstats"))  # for pstats / snakeviz
    buffer = io.StringIO()
    stats = pstats.Stats(cprof, stream=buffer)
    stats.sort_stats("tottime").print_stats(40)
    stats.print_callers("find_spec")
    return {
        "text": profiler.output_text(unicode=True, color=False, show_all=False)
        + f"\n\nWithout a profiler: {1000 * plain:.2f} ms/request (median of 5 rounds)\n\ncProfile, by own time:\n"
        + buffer.getvalue(),
        "op": op,
        "requests": n,
        "ms_per_request": 1000 * elapsed / n,
        "statements": len(statements),
        "sql": statements,
        "profile": str(out),
    }


def run_profiles(
    db: BenchDatabase, fixtures: Any, tokens: dict[str, str], ops: list[str], n: int
) -> None:
    for op in ops:
        out = db.settings.data_dir / f"profile-op{op}.txt"
        result = asyncio.run(profile_operation(db, fixtures, tokens, op, n, out))
        out.write_text(result["text"])
        print(
            f"op {op}: {result['ms_per_request']:.2f} ms/request in-process (under the profiler),"
            f" {result['statements']} SQL statements per request; profile in {out}"
        )
        for s in result["sql"]:
            print("   ", " ".join(s.split())[:160])
