"""The harness waits before each measured cell until PostgreSQL runs no query left over
from the one before (bench/settle.py)."""

from __future__ import annotations

import asyncio

import asyncpg

from bench.settle import quiet_database


async def test_waits_for_a_query_still_running_and_not_when_idle(bench_admin_url: str) -> None:
    other = await asyncpg.connect(bench_admin_url)
    try:
        leftover = asyncio.create_task(other.execute("SELECT pg_sleep(0.6)"))
        await asyncio.sleep(0.1)  # the query has started
        waited = await quiet_database(bench_admin_url, poll_s=0.02)
        assert leftover.done() or waited >= 0.4
        await leftover
        assert 0.4 <= waited < 5
        assert await quiet_database(bench_admin_url, poll_s=0.02) < 0.3
    finally:
        await other.close()


async def test_gives_up_after_the_timeout(bench_admin_url: str) -> None:
    other = await asyncpg.connect(bench_admin_url)
    try:
        leftover = asyncio.create_task(other.execute("SELECT pg_sleep(1)"))
        await asyncio.sleep(0.1)
        waited = await quiet_database(bench_admin_url, timeout_s=0.2, poll_s=0.02)
        assert 0.2 <= waited < 0.6
        await leftover
    finally:
        await other.close()
