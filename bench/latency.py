"""In-process latency of one reference operation: p50/p90/p99/max over N requests on
the real app and the benchmark database, and the garbage collections that ran.

For A/B comparisons on a noisy machine, run it alternately against two checkouts in
the same minutes (the other one via `PYTHONPATH=<checkout>` with this venv and
`CLN_DATA_DIR` pointing at this checkout's `.data`):

    .venv/bin/python -m bench.latency 1 300
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from typing import Any

import httpx

from bench import operations
from bench.database import bench_settings, resolve
from bench.harness import in_process_app, make_tokens, read_fixtures


async def measure(op: str, n: int) -> str:
    db = resolve(bench_settings())
    fixtures, _ = await read_fixtures(db)
    tokens = await make_tokens(db)
    app = in_process_app(db)
    token = tokens["national" if op == "2" else "regional"]
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    bodies = operations.bodies(op, "ours", fixtures)
    collections: list[int] = []

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for body in bodies[:20]:  # warm caches and the pool
                await client.post("/graphql", content=body, headers=headers)
            gc.callbacks.append(on_gc)
            times = []
            for i in range(n):
                started = time.perf_counter()
                await client.post("/graphql", content=bodies[i % len(bodies)], headers=headers)
                times.append((time.perf_counter() - started) * 1000)
            gc.callbacks.remove(on_gc)
    times.sort()
    return (
        f"op {op}, {n} requests: p50 {times[n // 2]:.2f} ms, p90 {times[int(n * 0.9)]:.2f},"
        f" p99 {times[int(n * 0.99)]:.2f}, max {times[-1]:.2f}, mean"
        f" {statistics.mean(times):.2f}; collections by generation"
        f" {[collections.count(g) for g in range(3)]}"
    )


def main() -> int:
    op, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 300
    print(asyncio.run(measure(op, n)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
