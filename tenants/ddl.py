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
# Citus takes a lock on a distributed or reference table on every node; when a worker's
# lock_timeout fires first, the coordinator reports its own generic error (XX000) for
# the worker's connection instead of the worker's 55P03 (seen once in a full run on the
# test cluster). A worker that is really down fails every attempt the same way, so the
# retries end with it.
CITUS_REMOTE_FAILURE = "failure on connection marked as essential"


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
            if not _lock_not_granted(error, settings) or attempt == attempts - 1:
                raise
            await asyncio.sleep(min(0.02 * 2**attempt, 0.5) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def _lock_not_granted(error: DBAPIError, settings: Settings) -> bool:
    """Whether the step failed for a lock it could not get in time (or a deadlock)."""
    if sqlstate(error) in (LOCK_NOT_AVAILABLE, DEADLOCK):
        return True
    return settings.tenancy_mode == "citus" and CITUS_REMOTE_FAILURE in str(error.orig)
