"""Statements run to their end even when their caller is cancelled (see
tenants/transaction.py for why: a statement interrupted half way leaves the
connection busy and a cancel request in flight)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def run_to_the_end(statement: Awaitable[T]) -> T:
    """`await statement`, except that cancelling the caller waits for the statement to
    end before the cancellation goes on: a statement interrupted half way leaves
    asyncpg cancelling it on the server, its transaction aborted and the connection
    busy, and the request's COMMIT then failed or closed it."""
    task = asyncio.ensure_future(statement)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        while not task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait([task])
        if not task.cancelled():
            task.exception()  # retrieved: the caller was cancelled, it goes unreported
        raise
