"""The live updates of committed transactions, sent together after their requests.

A write's NOTIFYs go out once its COMMIT has succeeded (tenants/transaction.py). Sent
by the request on its own connection, they cost every write a round trip, and
PostgreSQL a transaction, before the caller is answered. The service's `Announcer`
takes them instead: it sends what has gathered since its last statement in one
statement, on a connection of its own, while the requests that wrote are already
answered. Alone, a write's announcements go out at once; under load one statement
carries those of every write that committed while the last one was on its way.

What is lost is what was always lost: a process that stops between COMMIT and the
send loses the wake-up, never the write (subscribers re-read from their `since`;
docs/architecture.md, "Live updates"). Announcements wait in memory up to `limit`;
past it (the database out of reach for long) the newest are dropped and logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from foundation.metrics import LIVE_ANNOUNCE_STATEMENTS, LIVE_ANNOUNCEMENTS
from tenants.connections import PooledConnections
from tenants.listeners import tell_listeners

log = logging.getLogger(__name__)

# The NOTIFYs of committed transactions, in one implicit transaction whose commit does
# not wait for the WAL flush (a crash loses the wake-up, never the write).
ANNOUNCE = (
    "SELECT set_config('synchronous_commit', 'off', true),"
    " count(pg_notify(channel, payload))"
    " FROM unnest(CAST($1 AS text[]), CAST($2 AS text[])) AS announced(channel, payload)"
)
WAITING_LIMIT = 10_000  # announcements held while the database cannot take them
PAYLOAD_LIMIT = 8000  # bytes: PostgreSQL refuses a longer NOTIFY payload


async def send_announcements(
    engine: AsyncEngine, conn: AsyncConnection, announcements: Sequence[tuple[str, str]]
) -> bool:
    """NOTIFYs of transactions that have committed, on `conn` outside any transaction.
    Their writes stand whatever happens here, so a failure (the notification queue
    full, say) is logged, not raised; returns whether they were sent."""
    tell_listeners(engine, conn, ANNOUNCE, [])
    channels, payloads = zip(*announcements, strict=True)
    try:
        await _driver(conn).execute(ANNOUNCE, list(channels), list(payloads))
    except Exception as error:
        log.warning("live announcement not sent: %s", type(error).__name__)
        return False
    return True


class Announcer:
    """Sends the announcements handed to it, gathered, one statement at a time."""

    def __init__(
        self, engine: AsyncEngine, connections: PooledConnections, *, limit: int = WAITING_LIMIT
    ) -> None:
        self.engine = engine
        self.connections = connections
        self.limit = limit
        self._waiting: list[tuple[str, str]] = []
        self._sending: asyncio.Task[None] | None = None

    def send(self, announcements: Sequence[tuple[str, str]]) -> None:
        """Take a committed transaction's announcements; they go out in order. One
        PostgreSQL would refuse is dropped here, so it cannot take others with it."""
        if len(self._waiting) + len(announcements) > self.limit:
            log.warning("live announcements dropped: %d waiting", len(self._waiting))
            LIVE_ANNOUNCEMENTS.labels(outcome="dropped").inc(len(announcements))
            return
        for channel, payload in announcements:
            if len(payload.encode()) < PAYLOAD_LIMIT:
                self._waiting.append((channel, payload))
            else:
                log.warning("live announcement not sent: its payload is too long")
                LIVE_ANNOUNCEMENTS.labels(outcome="dropped").inc()
        if self._sending is None:
            self._sending = asyncio.get_running_loop().create_task(self._send_waiting())

    async def drained(self) -> None:
        """Return once everything handed over so far has been sent (or given up)."""
        while self._sending is not None:
            await asyncio.shield(self._sending)

    async def close(self) -> None:
        """Send what is waiting; called once at shutdown, before the pool closes."""
        await self.drained()

    async def _send_waiting(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._send(batch)
        finally:
            self._sending = None

    async def _send(self, batch: list[tuple[str, str]]) -> None:
        try:
            conn = await self.connections.take()
        except Exception as error:  # the database out of reach: the wake-ups are lost
            log.warning("live announcements not sent: %s", type(error).__name__)
            LIVE_ANNOUNCEMENTS.labels(outcome="dropped").inc(len(batch))
            return
        interrupted = True
        try:
            sent = await send_announcements(self.engine, conn, batch)
            interrupted = False
        finally:
            await self.connections.give_back(conn, interrupted=interrupted)
        LIVE_ANNOUNCE_STATEMENTS.inc()
        LIVE_ANNOUNCEMENTS.labels(outcome="sent" if sent else "dropped").inc(len(batch))


def _driver(conn: AsyncConnection) -> Any:
    """The asyncpg connection under a checked-out SQLAlchemy connection."""
    sync = conn.sync_connection
    assert sync is not None
    return sync.connection.driver_connection
