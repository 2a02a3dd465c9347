"""Connections kept checked out between request transactions (tenants/connections.py):
reused as a fresh checkout would be, never with a transaction or a tenant context left
on them, bounded, renewed at the pool's recycle age, and all returned at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from tenants.connections import KeptConnections, kept_connections
from tenants.prepared import prepared
from tenants.scope import TenantScope
from tenants.transaction import TenantDB

READ_SHAS = prepared(text("SELECT current_setting('app.read_shas', true) AS shas"))


@contextlib.asynccontextmanager
async def kept(app: Any, size: int = 2, recycle_s: float = 3600) -> AsyncIterator[KeptConnections]:
    connections = KeptConnections(app.state.cln.engine, size=size, recycle_s=recycle_s)
    try:
        yield connections
    finally:
        await connections.close()


def request_db(app: Any, connections: KeptConnections, sha: str = "Q31") -> TenantDB:
    return TenantDB(
        app.state.cln.engine,
        TenantScope(frozenset({sha}), frozenset({sha})),
        actor="test",
        statement_timeout_ms=2000,
        mode=app.state.cln.settings.tenancy_mode,
        connections=connections,
    )


def driver_of(db: TenantDB) -> Any:
    return db._driver


async def test_the_next_request_reuses_the_connection_with_only_its_own_context(app: Any) -> None:
    async with kept(app) as connections:
        first = request_db(app, connections, "Q31")
        assert (await first.rows(READ_SHAS))[0][0] == "Q31"
        driver = driver_of(first)
        await first.finish(commit=True)
        assert connections.kept == 1
        assert not driver.is_in_transaction()
        # outside a transaction the local setting is gone
        assert await driver.fetchval("SELECT current_setting('app.read_shas', true)") in ("", None)

        second = request_db(app, connections, "Q32")
        assert (await second.rows(READ_SHAS))[0][0] == "Q32"
        assert driver_of(second) is driver
        await second.finish(commit=True)


async def test_a_statement_sqlalchemy_ran_leaves_no_sqlalchemy_transaction(app: Any) -> None:
    async with kept(app) as connections:
        db = request_db(app, connections)
        assert (await db.rows(text("SELECT 1 AS one")))[0].one == 1  # SQLAlchemy's own
        conn = db._conn
        assert conn is not None and conn.in_transaction()
        await db.finish(commit=True)
        assert connections.kept == 1 and not conn.in_transaction()
        again = request_db(app, connections)
        assert (await again.rows(text("SELECT 2 AS two")))[0].two == 2
        assert again._conn is conn
        await again.finish(commit=False)


async def test_a_connection_left_in_a_transaction_is_not_kept(app: Any) -> None:
    async with kept(app) as connections:
        db = request_db(app, connections)
        await db.rows(READ_SHAS)
        conn = db._conn
        assert conn is not None
        await connections.give_back(conn, interrupted=False)  # without COMMIT
        assert connections.kept == 0
        assert conn.closed


async def test_a_cancelled_statement_ends_before_the_commit_and_the_connection_is_kept(
    app: Any,
) -> None:
    """Cancelling a statement's caller waits for the statement (tenants/transaction.py):
    COMMIT finds the connection idle, and it is kept, in a fresh checkout's state."""
    async with kept(app) as connections:
        db = request_db(app, connections)
        batch = asyncio.create_task(db.rows(text("SELECT pg_sleep(0.05)")))
        for _ in range(10):
            await asyncio.sleep(0)
        batch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await batch
        driver = driver_of(db)
        await db.finish(commit=True)
        assert connections.kept == 1
        assert not driver.is_closed() and not driver.is_in_transaction()
        again = request_db(app, connections)
        assert (await again.rows(READ_SHAS))[0][0] == "Q31"
        await again.finish(commit=True)


async def test_no_more_than_size_are_kept(app: Any) -> None:
    async with kept(app, size=2) as connections:
        dbs = [request_db(app, connections) for _ in range(3)]
        for db in dbs:
            await db.rows(READ_SHAS)
        assert len({id(driver_of(db)) for db in dbs}) == 3
        for db in dbs:
            await db.finish(commit=True)
        assert connections.kept == 2


async def test_a_connection_past_the_recycle_age_goes_back_to_the_pool(app: Any) -> None:
    async with kept(app, recycle_s=0) as connections:
        db = request_db(app, connections)
        await db.rows(READ_SHAS)
        await db.finish(commit=True)
        assert connections.kept == 0


async def test_a_connection_lost_while_kept_is_not_handed_out(app: Any) -> None:
    async with kept(app) as connections:
        db = request_db(app, connections)
        await db.rows(READ_SHAS)
        lost = driver_of(db)
        await db.finish(commit=True)
        lost.terminate()  # as when the server goes away
        again = request_db(app, connections)
        assert (await again.rows(READ_SHAS))[0][0] == "Q31"
        assert driver_of(again) is not lost
        await again.finish(commit=True)


async def test_close_returns_every_kept_connection_and_keeps_no_more(app: Any) -> None:
    pool = app.state.cln.engine.sync_engine.pool
    async with kept(app) as connections:
        db = request_db(app, connections)
        await db.rows(READ_SHAS)
        await db.finish(commit=True)
        assert connections.kept == 1
        out = pool.checkedout()
        await connections.close()
        assert connections.kept == 0 and pool.checkedout() == out - 1
        late = request_db(app, connections)
        await late.rows(READ_SHAS)
        await late.finish(commit=True)
        assert connections.kept == 0 and pool.checkedout() == out - 1


@pytest.mark.parametrize("sha", ["Q31", "Q32"])
async def test_the_app_serves_requests_on_kept_connections(app: Any, gql: Any, sha: str) -> None:
    """The view's transactions use the app's kept connections (so every HTTP test in the
    suite runs on them), each request with its own region only."""
    data = await gql.data(
        "query { members(first: 3) { nodes { shaCode } } }", as_role=("member", sha)
    )
    nodes = data["members"]["nodes"]
    assert nodes and all(n["shaCode"] == sha for n in nodes)
    assert app.state.cln.connections.kept >= 1


@pytest.mark.parametrize(("pool_size", "kept_size"), [(20, 16), (5, 4), (4, 3), (1, 0)])
async def test_a_fifth_of_the_pool_is_left_to_the_engines_other_users(
    app: Any, pool_size: int, kept_size: int
) -> None:
    settings = dataclasses.replace(app.state.cln.settings, pool_size=pool_size)
    connections = kept_connections(app.state.cln.engine, settings)
    assert connections.size == kept_size
    await connections.close()
