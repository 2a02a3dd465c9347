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

from foundation.db import api_url, libpq_url
from foundation.settings import Settings
from resolvers.common.audit import record_audit
from tenants.pubsub import Broker
from tenants.transaction import ANNOUNCE
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
    NOTIFYs, both in the one statement after COMMIT, none in the write."""
    author = await new_member(gql, "Q31")
    replier = await new_member(gql, "Q31")
    forum = await create_forum(gql, "Q31")
    thread = await start_thread(gql, member_token(author), forum["id"])
    sql_log.clear()
    posted = await add_post(gql, member_token(replier), thread["thread"]["id"], "A reply")
    assert posted["__typename"] == "PostPayload", posted
    assert ANNOUNCE in sql_log.statements[-1], sql_log.statements
    assert not any("pg_notify" in s for s in sql_log.statements[:-1]), sql_log.statements


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
    with caplog.at_level(logging.WARNING, logger="tenants.transaction"):
        async with _writer(app) as db:
            await _audit(db, marker)
            db.announce(CHANNEL, "x" * 9000)  # PostgreSQL refuses payloads over 8000 bytes
    assert "live announcement not sent" in caplog.text
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        assert await conn.fetchval("SELECT count(*) FROM audit_log WHERE entity_id = $1", marker)
    finally:
        await conn.close()
