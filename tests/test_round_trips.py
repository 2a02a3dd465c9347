"""What the request transaction sends to PostgreSQL, message by message, read from
asyncpg's own query log on the pool's connections: a savepoint costs no round trip of
its own (it rides with `BEGIN`, its release with the next message), and neither a
release that cannot be sent at `COMMIT` nor a batch cancelled mid-`BEGIN` leaves a
transaction open on a pooled connection."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from resolvers.common.audit import record_audit
from tenants.prepared import prepared
from tenants.scope import TenantScope
from tenants.transaction import TenantDB
from tests.support import app_transaction


def _writer(app: Any, sha: str = "Q31") -> Any:
    return app_transaction(app, (sha,), (sha,))


def _idle_everywhere(app: Any) -> bool:
    """No connection is out of the pool but those the app keeps between requests
    (tenants/connections.py), and none of those has a transaction open."""
    keeper = app.state.cln.connections
    pool = app.state.cln.engine.sync_engine.pool
    drivers = [conn.sync_connection.connection.driver_connection for conn in keeper._idle]
    return pool.checkedout() == keeper.kept and not any(d.is_in_transaction() for d in drivers)


@asynccontextmanager
async def messages(app: Any) -> AsyncIterator[list[str]]:
    """Every message the pool's connections send while the block runs, as the first
    words of each: asyncpg's query log, one entry per query sent on the connection
    (delivered on the loop's next turn). Statements SQLAlchemy runs itself go through
    asyncpg's prepared-statement objects, which that log does not see: the tests here
    use statements that run on the connection (`prepared`, the audit insert)."""
    sent: list[str] = []
    engine = app.state.cln.engine.sync_engine

    def log(record: Any) -> None:
        sent.append(" ".join(record.query.split())[:60])

    def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(log)

    def on_checkin(dbapi_connection: Any, _record: Any) -> None:
        if dbapi_connection is not None:
            dbapi_connection.driver_connection.remove_query_logger(log)

    event.listen(engine, "checkout", on_checkout)
    event.listen(engine.pool, "checkin", on_checkin)
    try:
        yield sent
        await asyncio.sleep(0)
    finally:
        event.remove(engine, "checkout", on_checkout)
        event.remove(engine.pool, "checkin", on_checkin)


async def _audit(db: Any, marker: str) -> None:
    await record_audit(db, sha_code="Q31", action="test", entity_type="Test", entity_id=marker)


async def test_savepoints_ride_with_the_next_message(app: Any) -> None:
    marker = uuid.uuid4().hex[:8]
    async with messages(app) as sent, _writer(app) as db:
        async with db.savepoint():
            await _audit(db, f"{marker}-1")
        async with db.savepoint():
            await _audit(db, f"{marker}-2")
    assert len(sent) == 5, sent  # one message each was BEGIN, 2 SAVEPOINTs, 2 RELEASEs
    assert sent[0].startswith("BEGIN;") and sent[1].startswith("INSERT INTO audit_log")
    assert sent[2].startswith("RELEASE SAVEPOINT cln_savepoint_1; SAVEPOINT cln_savepoint_2")
    assert sent[4] == "RELEASE SAVEPOINT cln_savepoint_2; COMMIT"


async def test_a_waiting_release_goes_before_the_next_statement(app: Any) -> None:
    async with messages(app) as sent, _writer(app) as db:
        async with db.savepoint():
            await _audit(db, uuid.uuid4().hex[:8])
        await db.rows(prepared(text("SELECT 1")))
    assert sent[2] == "RELEASE SAVEPOINT cln_savepoint_1", sent
    assert sent[3] == "SELECT 1" and sent[4] == "COMMIT", sent


async def test_a_release_refused_at_commit_leaves_no_transaction_open(app: Any) -> None:
    """A mutation that swallowed a database error inside its savepoint: the
    transaction is aborted, so `RELEASE ...; COMMIT` fails. The error reaches the
    caller, nothing is committed, and the connection goes back to the pool with its
    transaction rolled back (the next request on it works)."""
    marker = uuid.uuid4().hex[:8]
    engine = app.state.cln.engine
    with pytest.raises(asyncpg.exceptions.InFailedSQLTransactionError):
        async with _writer(app) as db, db.savepoint():
            await _audit(db, f"{marker}-lost")
            with pytest.raises(DBAPIError):
                await db.rows(text("SELECT 1 / 0"))
    assert _idle_everywhere(app)
    for _ in range(engine.sync_engine.pool.size() + 1):  # every pooled connection
        async with _writer(app) as db:
            rows = await db.rows(
                text("SELECT count(*) FROM audit_log WHERE entity_id = :m"),
                {"m": f"{marker}-lost"},
            )
            assert rows[0][0] == 0


@pytest.mark.parametrize("statement", ["SELECT 1", "SELECT pg_sleep(0.05)"])
@pytest.mark.parametrize("turns", range(24))
async def test_a_cancelled_batch_leaves_no_transaction_open(
    app: Any, turns: int, statement: str
) -> None:
    """strawberry's DataLoader cancels a batch's task when every caller waiting on it
    was cancelled (a sibling field failed): in the request's first `BEGIN`, or in its
    statement. Cancelled after each number of loop turns, then the request ends as the
    view ends it: no pooled connection is left with a transaction open (the next
    checkout of it would fail on SQLAlchemy's own BEGIN)."""
    engine = app.state.cln.engine
    db = TenantDB(
        engine,
        TenantScope(frozenset({"Q31"}), frozenset()),
        actor="test",
        statement_timeout_ms=2000,
        mode=app.state.cln.settings.tenancy_mode,
    )
    batch = asyncio.create_task(db.rows(text(statement)))
    for _ in range(turns):
        await asyncio.sleep(0)
    batch.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await batch
    with contextlib.suppress(Exception):  # the connection may still be busy cancelling
        await db.finish(commit=True)
    pool = engine.sync_engine.pool
    assert _idle_everywhere(app)
    held = [await engine.connect() for _ in range(pool.checkedin())]  # every pooled one
    try:
        for conn in held:
            assert (await conn.execute(text("SELECT 1"))).scalar() == 1
    finally:
        for conn in held:
            await conn.close()
