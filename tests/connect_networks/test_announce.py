"""Live updates are announced after the commit (`TenantDB.announce`): the write's own
transaction sends no NOTIFY (PostgreSQL would serialise its commit with every other
notifying one), a rollback or a rolled-back savepoint announces nothing, and an
announcement that fails after the commit leaves the write standing."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import create_async_engine

from foundation.db import api_url, libpq_url
from foundation.settings import Settings
from resolvers.common.audit import record_audit
from tenants.announcer import ANNOUNCE, Announcer
from tenants.connections import PooledConnections
from tenants.pubsub import Broker
from tests.connect_networks.conftest import add_post, create_forum, new_member, start_thread
from tests.support import GraphQLClient, SqlLog, app_transaction
from tests.test_round_trips import messages

GUARD_S = 30.0  # only stops a broken test from hanging
CHANNEL = "cln_test_announce"


def _payload(n: str) -> str:
    return json.dumps({"n": n})


async def _next(queue: asyncio.Queue[dict[str, Any]]) -> Any:
    return (await asyncio.wait_for(queue.get(), GUARD_S))["n"]


async def _audit(db: Any, marker: str) -> None:
    await record_audit(db, sha_code="Q31", action="test", entity_type="Test", entity_id=marker)


def _writer(app: Any) -> Any:
    return app_transaction(app, ("Q31",), ("Q31",))


@asynccontextmanager
async def _listening(settings: Settings, admin_url: str) -> AsyncIterator[Any]:
    """The test channel's queue, through the service's own LISTEN broker."""
    broker = Broker(libpq_url(api_url(settings, admin_url)))
    try:
        async with broker.subscribe(CHANNEL) as queue:
            yield queue
    finally:
        await broker.close()


async def test_the_notify_follows_the_commit_in_a_message_of_its_own(
    app: Any, admin_url: str, settings: Settings
) -> None:
    async with _listening(settings, admin_url) as queue:
        async with messages(app) as sent, _writer(app) as db:
            await _audit(db, uuid.uuid4().hex)
            db.announce(CHANNEL, _payload("committed"))
        assert await _next(queue) == "committed"
    assert len(sent) == 4 and sent[0].startswith("BEGIN") and sent[2] == "COMMIT", sent
    assert ANNOUNCE.startswith(sent[3]), sent


async def test_a_post_and_its_followers_notification_notify_after_the_commit(
    gql: GraphQLClient, member_token: Any, sql_log: SqlLog
) -> None:
    """`addForumPost` tells the live feed and the thread's author (a follower): two
    NOTIFYs, sent by the service's announcer after the request, none in the write."""
    author = await new_member(gql, "Q31")
    replier = await new_member(gql, "Q31")
    forum = await create_forum(gql, "Q31")
    thread = await start_thread(gql, member_token(author), forum["id"])
    sql_log.clear()
    sent, statements = _announced(), _statements()
    posted = await add_post(gql, member_token(replier), thread["thread"]["id"], "A reply")
    assert posted["__typename"] == "PostPayload", posted
    assert ANNOUNCE in sql_log.statements[-1], sql_log.statements
    assert not any("pg_notify" in s for s in sql_log.statements[:-1]), sql_log.statements
    # by the service's announcer, in one statement (the test client waits for it)
    assert (_announced() - sent, _statements() - statements) == (2, 1)


def _announced() -> float:
    return REGISTRY.get_sample_value("cln_live_announcements_total", {"outcome": "sent"}) or 0.0


def _statements() -> float:
    return REGISTRY.get_sample_value("cln_live_announce_statements_total") or 0.0


async def test_the_announcer_sends_what_gathered_in_one_statement(
    app: Any, admin_url: str, settings: Settings, sql_log: SqlLog
) -> None:
    """Announcements handed over while a statement is on its way go out together in
    the next one, in the order they came; so do those handed over in one turn."""
    state = app.state.cln
    announcer = Announcer(state.engine, state.connections)
    async with _listening(settings, admin_url) as queue:
        sql_log.clear()
        announcer.send([(CHANNEL, _payload("1"))])
        await asyncio.sleep(0)  # its statement is on its way
        announcer.send([(CHANNEL, _payload("2"))])
        announcer.send([(CHANNEL, _payload("3")), (CHANNEL, _payload("4"))])
        await announcer.drained()
        announcer.send([(CHANNEL, _payload("5"))])
        announcer.send([(CHANNEL, _payload("6"))])
        await announcer.close()
        assert [await _next(queue) for _ in range(6)] == ["1", "2", "3", "4", "5", "6"]
    assert sql_log.statements == [ANNOUNCE] * 3, sql_log.statements


async def test_the_announcer_drops_what_postgresql_would_refuse_and_sends_the_rest(
    app: Any, admin_url: str, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    state = app.state.cln
    announcer = Announcer(state.engine, state.connections)
    async with _listening(settings, admin_url) as queue:
        with caplog.at_level(logging.WARNING, logger="tenants.announcer"):
            announcer.send([(CHANNEL, "x" * 9000), (CHANNEL, _payload("sent"))])
            await announcer.close()
        assert await _next(queue) == "sent"
    assert "payload is too long" in caplog.text


async def test_the_announcer_out_of_reach_of_the_database_logs_and_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none")
    announcer = Announcer(engine, PooledConnections(engine))
    try:
        with caplog.at_level(logging.WARNING, logger="tenants.announcer"):
            announcer.send([(CHANNEL, _payload("lost"))])
            await asyncio.wait_for(announcer.close(), GUARD_S)
        assert "live announcements not sent" in caplog.text
        announcer.send([(CHANNEL, _payload("lost too"))])  # a later send starts again
        await asyncio.wait_for(announcer.drained(), GUARD_S)
    finally:
        await engine.dispose()


async def test_a_rollback_and_a_failed_savepoint_announce_nothing(
    app: Any, admin_url: str, settings: Settings
) -> None:
    async with _listening(settings, admin_url) as queue:
        with pytest.raises(RuntimeError):
            async with _writer(app) as db:
                await _audit(db, uuid.uuid4().hex)
                db.announce(CHANNEL, _payload("rolled back"))
                raise RuntimeError("the request failed")
        async with _writer(app) as db:
            with pytest.raises(RuntimeError):
                async with db.savepoint():
                    await _audit(db, uuid.uuid4().hex)
                    db.announce(CHANNEL, _payload("its savepoint rolled back"))
                    raise RuntimeError("the mutation failed")
            async with db.savepoint():
                await _audit(db, uuid.uuid4().hex)
                db.announce(CHANNEL, _payload("its savepoint released"))
        # NOTIFYs reach a listener in commit order: nothing came before this one
        assert await _next(queue) == "its savepoint released"
        assert queue.empty()


async def test_a_failed_announcement_leaves_the_write_standing(
    app: Any, admin_url: str, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    marker = uuid.uuid4().hex
    with caplog.at_level(logging.WARNING, logger="tenants.announcer"):
        async with _writer(app) as db:
            await _audit(db, marker)
            db.announce(CHANNEL, "x" * 9000)  # PostgreSQL refuses payloads over 8000 bytes
    assert "live announcement not sent" in caplog.text
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        assert await conn.fetchval("SELECT count(*) FROM audit_log WHERE entity_id = $1", marker)
    finally:
        await conn.close()
