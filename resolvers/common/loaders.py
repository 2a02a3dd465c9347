"""DataLoader base: one instance per request, batching every load of a tick into one query."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Iterable, Sequence
from typing import Any, Generic, TypeVar, cast

from strawberry.dataloader import AbstractCache, DataLoader

from foundation.tracing import active_tracer
from resolvers.common.context import Context
from resolvers.common.relations import register_loader
from resolvers.common.rows import Columns

K = TypeVar("K")
V = TypeVar("V")


class RequestCache(AbstractCache[K, V]):
    """A request's DataLoader cache (strawberry's custom-cache API) keyed by the keys
    themselves, whose futures `RequestLoader.now` reads without a call per key."""

    __slots__ = ("futures",)

    def __init__(self) -> None:
        self.futures: dict[K, asyncio.Future[V]] = {}

    def get(self, key: K) -> asyncio.Future[V] | None:
        return self.futures.get(key)

    def set(self, key: K, value: asyncio.Future[V]) -> None:
        self.futures[key] = value

    def delete(self, key: K) -> None:
        del self.futures[key]

    def clear(self) -> None:
        self.futures.clear()


class RequestLoader(DataLoader[K, V], Generic[K, V]):
    """Subclasses implement `load_batch`; keys are deduplicated by the DataLoader.
    Each subclass is known by its name too (resolvers/common/relations.py)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register_loader(cls)

    def __init__(self, ctx: Context) -> None:
        self._cache: RequestCache[K, V] = RequestCache()
        super().__init__(load_fn=self._load, cache_map=self._cache)
        self.ctx = ctx

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
        future = self._cache.futures.get(key)
        if (
            future is not None
            and future.done()
            and not future.cancelled()
            and future.exception() is None
        ):
            value: V = future.result()
            return value
        return self.load(key)

    async def load_all(self, keys: Iterable[K]) -> None:
        """Load `keys` into this request's cache (a page's prefetcher), not into a
        list: the `load` of each key, awaited in turn. What `gather` (`load_many`)
        does is kept: the first error in key order is raised and the others are marked
        retrieved (else asyncio logs them), and cancelling the caller cancels every
        key's pending load."""
        futures = [cast("asyncio.Future[V]", self.load(key)) for key in keys]
        try:
            for future in futures:
                await future
        except BaseException:
            _as_gather_leaves(futures)
            raise


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


@functools.cache
def _key_columns(names: tuple[str, ...]) -> Columns:
    return Columns(*names)


def group_by_columns(rows: Sequence[Any], *names: str) -> dict[Any, list[Any]]:
    """Rows grouped by the values of the named columns (a tuple for two or more)."""
    grouped: dict[Any, list[Any]] = {}
    for row, key in zip(rows, _key_columns(names).each(rows), strict=True):
        grouped.setdefault(key, []).append(row)
    return grouped
