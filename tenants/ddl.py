"""DDL on tables the API is serving: short transactions, a lock timeout, and retries.

Attaching or detaching a partition needs a lock on the parent table. Waiting for it
behind a long query would queue every later query of every region behind the DDL;
with `lock_timeout` the DDL gives up quickly instead, lets the traffic through,
and tries again a little later.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from foundation.settings import Settings
from tenants.admin import owner_transaction

T = TypeVar("T")
LOCK_TIMEOUT_MS = 200
ATTEMPTS = 30
LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK = "40P01"


def sqlstate(error: DBAPIError) -> str | None:
    orig: Any = error.orig
    for candidate in (orig, getattr(orig, "__cause__", None)):
        state = getattr(candidate, "sqlstate", None)
        if state:
            return str(state)
    return None


async def with_lock_retries(
    engine: AsyncEngine,
    settings: Settings,
    step: Callable[[AsyncConnection], Awaitable[T]],
    *,
    attempts: int = ATTEMPTS,
) -> T:
    """Run `step` in its own owner transaction, retrying when a lock is not granted in time."""
    for attempt in range(attempts):
        try:
            async with owner_transaction(engine, settings, lock_timeout_ms=LOCK_TIMEOUT_MS) as conn:
                return await step(conn)
        except DBAPIError as error:
            if sqlstate(error) not in (LOCK_NOT_AVAILABLE, DEADLOCK) or attempt == attempts - 1:
                raise
            await asyncio.sleep(min(0.02 * 2**attempt, 0.5) * (0.5 + random.random()))
    raise AssertionError("unreachable")
