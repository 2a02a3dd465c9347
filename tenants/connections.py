"""Where a request transaction takes its connection from, and where it goes afterwards.

`PooledConnections` checks a connection out of SQLAlchemy's pool for each transaction
and back in after it. `KeptConnections` keeps a few connections checked out between
requests instead: a checkout and checkin through the async pool cost two greenlet
hops and the pool's bookkeeping (`python -m bench.db_overhead`, docs/benchmarks.md).
A connection is kept only in the state a
fresh checkout has: no transaction open on the server, none begun in SQLAlchemy, not
invalidated, its driver connected. Past `size` kept connections, or once a connection
has been kept for the pool's recycle age, it goes back to the pool (which renews it on
a later checkout). Kept connections count as checked out for the pool, so `size` stays
below the pool's size: other users of the engine (health checks, the SHA registry,
token checks) still find connections there.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from foundation.db import POOL_RECYCLE_S
from foundation.settings import Settings

_KEPT_SINCE = "cln.kept_since"  # in the DBAPI connection's info: when it was first kept


class PooledConnections:
    """A connection from the pool per transaction, returned (or discarded) after it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def take(self) -> AsyncConnection:
        return await self.engine.connect()

    async def give_back(self, conn: AsyncConnection, *, interrupted: bool) -> None:
        """Return the connection to the pool, or discard it when a control message was
        interrupted (cancelled in BEGIN or COMMIT: the server may have run it, and
        asyncpg may not know yet), a transaction is still open on it, or its driver is
        disconnected. SQLAlchemy's reset on return knows nothing of a transaction begun
        by hand, so the next checkout would find it open ("cannot use
        Connection.transaction() in a manually started transaction"). strawberry's
        DataLoader cancels a batch's task when every caller waiting on it was
        cancelled, which can land in the middle of the first BEGIN."""
        driver = _driver(conn)
        if driver is not None and (interrupted or driver.is_closed() or driver.is_in_transaction()):
            await conn.invalidate()
        await conn.close()

    @property
    def kept(self) -> int:
        """How many connections are kept checked out between transactions: none here."""
        return 0

    async def close(self) -> None:
        """Nothing is kept here."""


class KeptConnections(PooledConnections):
    """Up to `size` connections kept checked out between transactions (see above)."""

    def __init__(self, engine: AsyncEngine, *, size: int, recycle_s: float) -> None:
        super().__init__(engine)
        self.size = size
        self.recycle_s = recycle_s
        self._idle: list[AsyncConnection] = []
        self._closed = False

    @property
    def kept(self) -> int:
        """How many connections are kept right now (not `__len__`: an empty keeper
        must not read as false where a keeper is optional)."""
        return len(self._idle)

    async def take(self) -> AsyncConnection:
        while self._idle:
            conn = self._idle.pop()  # the most recently used: its caches are warm
            driver = _driver(conn)
            if driver is not None and not driver.is_closed():
                return conn
            await super().give_back(conn, interrupted=False)  # lost while kept
        conn = await self.engine.connect()
        assert conn.sync_connection is not None  # checked out: it has one
        conn.sync_connection.info.setdefault(_KEPT_SINCE, time.monotonic())
        return conn

    async def give_back(self, conn: AsyncConnection, *, interrupted: bool) -> None:
        driver = _driver(conn)
        if (
            self._closed
            or interrupted
            or driver is None
            or driver.is_closed()
            or driver.is_in_transaction()
            or len(self._idle) >= self.size
            or self._too_old(conn)
        ):
            await super().give_back(conn, interrupted=interrupted)
            return
        if conn.in_transaction():
            # SQLAlchemy's own bookkeeping of a transaction that COMMIT or ROLLBACK
            # already ended on the driver: nothing is sent (see TenantDB.finish)
            await conn.rollback()
        self._idle.append(conn)

    def _too_old(self, conn: AsyncConnection) -> bool:
        """Kept for the recycle age; its clock starts again when it is next taken."""
        sync = conn.sync_connection
        assert sync is not None  # _driver found one
        since = sync.info.get(_KEPT_SINCE)
        if since is None or time.monotonic() - since < self.recycle_s:
            return False
        del sync.info[_KEPT_SINCE]
        return True

    async def close(self) -> None:
        """Return every kept connection to the pool (at shutdown, before the engine is
        disposed); later ones are not kept."""
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()


def _driver(conn: AsyncConnection) -> Any:
    """The asyncpg connection under `conn`, or None when SQLAlchemy no longer holds one
    (closed or invalidated)."""
    sync = conn.sync_connection
    if sync is None or sync.closed or sync.invalidated:
        return None
    return sync.connection.driver_connection


def kept_connections(engine: AsyncEngine, settings: Settings) -> KeptConnections:
    """The request transactions' connections: four fifths of the pool (rounded down)
    kept checked out between requests (tenants/connections.py), the rest left to the
    engine's other users; a pool of one keeps none."""
    size = settings.pool_size * 4 // 5
    return KeptConnections(engine, size=size, recycle_s=POOL_RECYCLE_S)
