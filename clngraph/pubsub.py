"""Live-update fan-out through PostgreSQL LISTEN/NOTIFY.

Writers call :func:`notify` in the transaction of the change, so a notification is
delivered only if the change commits (and in commit order). Each API process keeps
one LISTEN connection (as the API role) and hands every notification to its local
subscribers' queues; any process can therefore serve any subscriber. Payloads carry
only ids and the SHA code: subscribers re-read the row in their own tenant
transaction, so RLS decides what they see.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from sqlalchemy import func, select

from tenants.transaction import TenantDB

log = logging.getLogger("clngraph.pubsub")
QUEUE_SIZE = 1000
BROKER_KEY = "pubsub.broker"


async def notify(db: TenantDB, channel: str, payload: dict[str, str]) -> None:
    """Queue a notification in the request transaction (sent at commit)."""
    await db.rows(select(func.pg_notify(channel, json.dumps(payload, separators=(",", ":")))))


class Broker:
    """One LISTEN connection per process, shared by every local subscriber."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._conn: asyncpg.Connection | None = None
        self._queues: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {}
        self._lock = asyncio.Lock()

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self.dsn)
            self._conn.add_termination_listener(self._on_terminate)
            for channel in self._queues:
                await self._conn.add_listener(channel, self._on_notify)
        return self._conn

    def _on_terminate(self, conn: Any) -> None:
        log.warning("LISTEN connection lost; it reopens on the next subscription")

    def _on_notify(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        try:
            event = json.loads(payload)
        except ValueError:
            log.warning("ignored a malformed notification on %s", channel)
            return
        for queue in list(self._queues.get(channel, ())):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                log.warning("a slow subscriber on %s dropped a notification", channel)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        """A queue that receives every notification on `channel` while the block runs.

        The LISTEN is in place when the block starts, so nothing committed after
        that point is missed.
        """
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        async with self._lock:
            conn = await self._connection()
            if channel not in self._queues:
                self._queues[channel] = set()
                await conn.add_listener(channel, self._on_notify)
            self._queues[channel].add(queue)
        try:
            yield queue
        finally:
            async with self._lock:
                waiting = self._queues.get(channel)
                if waiting is not None:
                    waiting.discard(queue)
                    if not waiting:
                        del self._queues[channel]
                        if self._conn is not None and not self._conn.is_closed():
                            await self._conn.remove_listener(channel, self._on_notify)

    async def close(self) -> None:
        async with self._lock:
            conn, self._conn = self._conn, None
            self._queues.clear()
        if conn is not None and not conn.is_closed():
            conn.remove_termination_listener(self._on_terminate)
            await conn.close()


async def broker_for(state: Any) -> Broker:
    """The process's broker, created on first use from the API engine's URL."""
    broker: Broker | None = state.extras.get(BROKER_KEY)
    if broker is None:
        url = state.engine.url.render_as_string(hide_password=False)
        broker = Broker(url.replace("postgresql+asyncpg://", "postgresql://", 1))
        state.extras[BROKER_KEY] = broker
    return broker


async def close_broker(state: Any) -> None:
    broker: Broker | None = state.extras.pop(BROKER_KEY, None)
    if broker is not None:
        await broker.close()
