"""Wait, before a measured cell, until PostgreSQL runs no query of an earlier one.

The load generator stops after its duration, but a server may still have queries in
flight at PostgreSQL: PostGraphile's national dashboard at c=16 leaves seconds of them.
Without a wait they ran during the next cell (in rounds after the first, which have no
warm-up), and their CPU and the latency they caused were charged to whichever server
came next: this service's wide page at c=1 showed 6-8 ms of PostgreSQL CPU a request
instead of 1.2 (runs `round8` and `round10`).
"""

from __future__ import annotations

import asyncio
import time

import asyncpg

BUSY_SQL = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
)


async def quiet_database(admin_url: str, timeout_s: float = 120.0, poll_s: float = 0.1) -> float:
    """Seconds waited until no other client's query was running (at most `timeout_s`)."""
    conn = await asyncpg.connect(admin_url)
    try:
        started = time.monotonic()
        for _ in range(max(1, int(timeout_s / poll_s))):  # polling: nothing to notify us
            if not await conn.fetchval(BUSY_SQL):
                break
            await asyncio.sleep(poll_s)
        return time.monotonic() - started
    finally:
        await conn.close()


def wait_for_quiet_database(admin_url: str) -> float:
    """`quiet_database` for the harness, which is not async."""
    return asyncio.run(quiet_database(admin_url))
