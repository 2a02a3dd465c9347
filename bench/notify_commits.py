"""Commits per second of 16 concurrent transactions that each insert one row, with and
without a NOTIFY (the same round trips either way: `SELECT pg_notify(...)` against
`SELECT 1`), alternating, 5 s each, on the benchmark server. PostgreSQL serialises the
commits of transactions that sent NOTIFY, which is what `addForumPost` (two NOTIFYs a
post) met at c=16 (docs/benchmarks.md, issue 27's second session). The third column is
what the service does now (tenants/transaction.py, `announce`): the transaction sends
no NOTIFY, and the NOTIFY follows its commit in a transaction of its own that does not
wait for a WAL flush:

    .venv/bin/python -m bench.notify_commits 3
"""

from __future__ import annotations

import asyncio
import sys
import time

import asyncpg

from bench.database import bench_settings, resolve

CONNECTIONS = 16
SECONDS = 5


MODES = {
    "without": "without NOTIFY         ",
    "within": "NOTIFY in the write    ",
    "after": "NOTIFY after the commit",
}
AFTER_COMMIT = "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)"


async def _worker(url: str, mode: str, stop: float, counts: list[int]) -> None:
    conn = await asyncpg.connect(url)
    done = 0
    try:
        while time.monotonic() < stop:
            async with conn.transaction():
                await conn.execute("INSERT INTO public.bench_notify_probe (x) VALUES (1)")
                if mode == "within":
                    await conn.execute("SELECT pg_notify('bench_probe', 'x')")
                else:
                    await conn.execute("SELECT 1")
            if mode == "after":
                await conn.execute(AFTER_COMMIT, "bench_probe", "x")
            done += 1
    finally:
        counts.append(done)
        await conn.close()


async def measure(pairs: int) -> None:
    db = resolve(bench_settings())
    conn = await asyncpg.connect(db.admin_url)
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS public.bench_notify_probe (id bigserial PRIMARY KEY, x int)"
    )
    try:
        for _ in range(pairs):
            for mode, label in MODES.items():
                counts: list[int] = []
                stop = time.monotonic() + SECONDS
                await asyncio.gather(
                    *(_worker(db.admin_url, mode, stop, counts) for _ in range(CONNECTIONS))
                )
                print(f"{label} {sum(counts) / SECONDS:7.0f} commits/s", flush=True)
    finally:
        await conn.execute("DROP TABLE public.bench_notify_probe")
        await conn.close()


if __name__ == "__main__":
    asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
