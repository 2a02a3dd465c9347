"""Concurrent fetches of one resolver, structured: none outlives the resolver.

`asyncio.gather` raises the first failure and leaves the siblings running; the
request transaction could then end (COMMIT) under a statement still in flight. A
TaskGroup cancels the siblings and waits for them before the error goes on (a
statement already sent finishes first: tenants/transaction.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def gather_structured(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Every result in order; on a failure the others are cancelled and awaited, and
    the first error is raised as itself (a typed GraphQL error stays typed)."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_awaited(a)) for a in awaitables]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable
