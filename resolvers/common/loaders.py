"""DataLoader base: one instance per request, batching every load of a tick into one query."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any, Generic, TypeVar

from strawberry.dataloader import DataLoader, DefaultCache

from resolvers.common.context import Context
from resolvers.common.rows import Columns

K = TypeVar("K")
V = TypeVar("V")


class RequestLoader(DataLoader[K, V], Generic[K, V]):
    """Subclasses implement `load_batch`; keys are deduplicated by the DataLoader."""

    def __init__(self, ctx: Context) -> None:
        cache: DefaultCache[K, V] = DefaultCache()
        super().__init__(load_fn=self._load, cache_map=cache)
        self.ctx = ctx
        # the cache's own dict, keyed by the keys themselves (no `cache_key_fn`): `now`
        # reads it without `DefaultCache.get`'s two Python calls
        self._futures = cache.cache_map

    async def _load(self, keys: list[K]) -> Sequence[V]:
        return await self.load_batch(keys)

    async def load_batch(self, keys: list[K]) -> Sequence[V]:
        raise NotImplementedError

    def now(self, key: K) -> V | Awaitable[V]:
        """The value itself when this request has already loaded `key` (a list resolver
        prefetched it: see resolvers/common/lookahead.py), so a per-item resolver need
        not await; otherwise the awaitable `load` gives."""
        future = self._futures.get(key)
        if (
            future is not None
            and future.done()
            and not future.cancelled()
            and future.exception() is None
        ):
            return future.result()
        return self.load(key)

    def prime(self, key: K, value: V, force: bool = False) -> None:
        """`DataLoader.prime`, the cache's dict written directly (a members page primes
        each member's organisation); with a batch still to dispatch, strawberry's, which
        also answers a pending load of `key` from it."""
        batch = self.batch
        if batch is not None and not batch.dispatched:
            super().prime(key, value, force)
        elif force or key not in self._futures:
            future: asyncio.Future[V] = asyncio.Future(loop=self.loop)
            future.set_result(value)
            self._futures[key] = future


def group_by_columns(rows: Sequence[Any], *names: str) -> dict[Any, list[Any]]:
    """Rows grouped by the values of the named columns (a tuple for two or more), read
    by position (resolvers/common/rows.py): a SQLAlchemy Row's attributes cost ten
    times more, which a page's few hundred rows feel."""
    key_of = Columns(*names)
    grouped: dict[Any, list[Any]] = {}
    for row in rows:
        grouped.setdefault(key_of(row), []).append(row)
    return grouped
