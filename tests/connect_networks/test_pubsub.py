"""The LISTEN broker: notifications reach local subscribers only after commit, and a
lost LISTEN connection is reopened."""

from __future__ import annotations

import asyncio

import asyncpg

from foundation.db import api_url, libpq_url
from foundation.settings import Settings
from tenants.pubsub import Broker

GUARD_S = 30.0  # only stops a broken test from hanging
CHANNEL = "cln_test_broker"


async def _reopened(broker: Broker) -> None:
    await broker.lost.wait()
    await broker.connected.wait()


async def test_notifications_arrive_after_commit_and_survive_reconnect(
    admin_url: str, settings: Settings
) -> None:
    broker = Broker(libpq_url(api_url(settings, admin_url)))
    admin = await asyncpg.connect(admin_url)
    try:
        async with broker.subscribe(CHANNEL) as queue:
            async with admin.transaction():
                await admin.execute("SELECT pg_notify($1, '{\"n\": 1}')", CHANNEL)
                rolled_back = admin.transaction()
            await rolled_back.start()
            await admin.execute("SELECT pg_notify($1, '{\"n\": 2}')", CHANNEL)
            await rolled_back.rollback()
            await admin.execute("SELECT pg_notify($1, '{\"n\": 3}')", CHANNEL)
            assert await asyncio.wait_for(queue.get(), GUARD_S) == {"n": 1}
            assert await asyncio.wait_for(queue.get(), GUARD_S) == {"n": 3}

            old_pid = broker.server_pid
            assert old_pid is not None
            await admin.execute("SELECT pg_catalog.pg_terminate_backend($1::integer)", old_pid)
            await asyncio.wait_for(_reopened(broker), GUARD_S)
            assert broker.server_pid not in (None, old_pid)
            await admin.execute("SELECT pg_notify($1, '{\"n\": 4}')", CHANNEL)
            assert await asyncio.wait_for(queue.get(), GUARD_S) == {"n": 4}
    finally:
        await admin.close()
        await broker.close()
    assert broker.server_pid is None
