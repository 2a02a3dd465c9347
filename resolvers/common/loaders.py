"""DataLoader base: one instance per request, batching every load of a tick into one query."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Sequence
from typing import Any, Generic, TypeVar, cast

from strawberry.dataloader import DataLoader, DefaultCache, get_current_batch

from clngraph.tracing import active_tracer
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
        tracer = active_tracer()
        if tracer is None:
            return await self.load_batch(keys)
        name = type(self).__name__
        attributes: dict[str, str | int] = {"cln.loader": name, "cln.batch.size": len(keys)}
        with tracer.start_as_current_span(f"dataloader {name}", attributes=attributes):
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

    async def load_all(self, keys: Iterable[K]) -> None:
        """`await self.load_many(keys)` for a caller that wants the values in the cache,
        not in a list (a page's prefetcher): the same `load` of each key, whose futures
        are then awaited in turn rather than gathered. After the batch's statement they
        are all done, so this wakes once; `gather` adds a callback to each future, run
        as a scheduled call when it completes (fifty a directory page).
        What else `gather` does is kept: the first error in key order is raised and the
        others are marked retrieved (else asyncio logs them), and cancelling the caller
        cancels every key's pending future."""
        futures = self._load_each(keys)
        try:
            for future in futures:
                await future
        except BaseException:
            _as_gather_leaves(futures)
            raise

    def _load_each(self, keys: Iterable[K]) -> list[asyncio.Future[V]]:
        """What `load` gives for each key: its cached future unless cancelled, else a
        new one, cached and added to the current batch. Without a batch size limit,
        the keys added in one go all join the batch the first one joins (nothing
        can dispatch it in between), so the batch is looked up once, not per key,
        and the cache's dict is read directly."""
        if self.max_batch_size:
            return [cast("asyncio.Future[V]", self.load(key)) for key in keys]
        cached = self._futures
        loop = self.loop
        batch = None
        futures: list[asyncio.Future[V]] = []
        for key in keys:
            future = cached.get(key)
            if future is None or future.cancelled():
                future = cached[key] = loop.create_future()
                if batch is None:
                    batch = get_current_batch(self)
                batch.add_task(key, future)
            futures.append(future)
        return futures


def _as_gather_leaves(futures: list[asyncio.Future[Any]]) -> None:
    """The futures of a failed `load_all` as a failed `gather` leaves them: when the
    caller is being cancelled, the pending ones cancelled; the errors of the others
    marked retrieved, now or when they complete."""
    task = asyncio.current_task()
    cancelling = task is not None and task.cancelling() > 0
    for future in futures:
        if not future.done():
            if cancelling:
                future.cancel()
            else:
                future.add_done_callback(_retrieve)
        else:
            _retrieve(future)


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


def group_by_columns(rows: Sequence[Any], *names: str) -> dict[Any, list[Any]]:
    """Rows grouped by the values of the named columns (a tuple for two or more), read
    by position (resolvers/common/rows.py): a SQLAlchemy Row's attributes cost ten
    times more, which a page's few hundred rows feel."""
    key_of = Columns(*names)
    grouped: dict[Any, list[Any]] = {}
    for row in rows:
        grouped.setdefault(key_of(row), []).append(row)
    return grouped
