"""Live-update fan-out through PostgreSQL LISTEN/NOTIFY.

Writers queue a NOTIFY in the transaction of the change; it is sent once
that transaction has committed (`TenantDB.announce`), so a notification is delivered
only if the change stands. Each API process keeps
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

log = logging.getLogger("tenants.pubsub")
QUEUE_SIZE = 1000
BROKER_KEY = "pubsub.broker"


class Broker:
    """One LISTEN connection per process, shared by every local subscriber.

    If the connection drops, it is reopened in the background (with back-off) and
    every channel listened again; posts committed meanwhile are not replayed here,
    which is what the subscription's `since` argument is for.
    """

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._conn: asyncpg.Connection | None = None
        self._queues: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {}
        self._lock = asyncio.Lock()
        self._closing = False
        self._reconnect_task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        self.lost = asyncio.Event()

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            self.connected.clear()
            conn = await asyncpg.connect(self.dsn)
            conn.add_termination_listener(self._on_terminate)
            for channel in self._queues:
                await conn.add_listener(channel, self._on_notify)
            self._conn = conn
            self.lost.clear()
            self.connected.set()
        return self._conn

    @property
    def server_pid(self) -> int | None:
        """The backend pid of the LISTEN connection, while it is open."""
        conn = self._conn
        return None if conn is None or conn.is_closed() else int(conn.get_server_pid())

    def _on_terminate(self, conn: Any) -> None:
        self.connected.clear()
        self.lost.set()
        if self._closing or self._reconnect_task is not None:
            return
        log.warning("LISTEN connection lost; reopening it")
        self._reconnect_task = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self, first_delay_s: float = 0.2, max_delay_s: float = 30.0) -> None:
        delay = first_delay_s
        try:
            while not self._closing:
                try:
                    async with self._lock:
                        if self._queues:
                            await self._connection()
                    return
                except (OSError, asyncpg.PostgresError) as exc:
                    log.warning("LISTEN reconnect failed: %s", type(exc).__name__)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, max_delay_s)
        finally:
            self._reconnect_task = None

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
        self._closing = True
        task = self._reconnect_task
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
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
