"""RequestLoader's shortcuts over strawberry's DataLoader: `now` (a loaded value
without an await) and `load_all` (a prefetcher's `load_many`) give what `load` and
`load_many` give, failed and cancelled loads included, and `prime` primes as
strawberry's does."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from resolvers.common.loaders import RequestLoader


class Squares(RequestLoader[int, int]):
    """Squares its keys, recording each batch; a key in `failing` fails its batch."""

    def __init__(self, failing: frozenset[int] = frozenset()) -> None:
        super().__init__(ctx=None)  # type: ignore[arg-type]  # no request needed
        self.batches: list[list[int]] = []
        self.failing = failing

    async def load_batch(self, keys: list[int]) -> Sequence[int]:
        self.batches.append(keys)
        await asyncio.sleep(0)  # as a statement would, it waits for the database
        if self.failing & set(keys):
            raise ValueError(f"no square for {sorted(self.failing & set(keys))}")
        return [k * k for k in keys]


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """What asyncio reports through the loop's exception handler (an error never
    retrieved from a future is one)."""
    loop = asyncio.get_running_loop()
    found: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: found.append(context))
    try:
        yield found
    finally:
        loop.set_exception_handler(previous)


async def test_now_gives_a_loaded_value_itself_and_otherwise_loads() -> None:
    loader = Squares()
    pending = loader.now(3)
    assert isinstance(pending, asyncio.Future)
    assert await pending == 9
    assert loader.now(3) == 9  # loaded: the value, no await
    loader.prime(4, 17)
    assert loader.now(4) == 17
    loader.clear(3)
    assert await loader.now(3) == 9  # cleared: loaded again
    assert loader.batches == [[3], [3]]


async def test_prime_as_strawberry_primes() -> None:
    loader = Squares()
    loader.prime(2, 5)
    loader.prime(2, 6)  # kept: only `force` replaces a cached value
    assert loader.now(2) == 5
    loader.prime(2, 6, force=True)
    assert loader.now(2) == 6
    pending = loader.load(3)
    loader.prime(3, 10)  # answers the load still waiting for its batch
    assert await pending == 10
    assert loader.now(3) == 10
    await loader.load(4)
    assert loader.batches == [[4]]  # the batch kept only 4


async def test_now_after_a_failed_load_gives_the_failed_load() -> None:
    loader = Squares(failing=frozenset({2}))
    with pytest.raises(ValueError, match=r"\[2\]"):
        await loader.load(2)
    again = loader.now(2)
    assert again is loader.load(2)  # the cached failed future, as `load` gives it
    with pytest.raises(ValueError, match=r"\[2\]"):
        await again
    assert loader.batches == [[2]]  # not loaded again


async def test_now_after_a_cancelled_load_loads_again() -> None:
    loader = Squares()
    cancelled, other = loader.load(5), loader.load(6)
    await asyncio.sleep(0)  # the batch is under way
    assert isinstance(cancelled, asyncio.Future)
    cancelled.cancel()
    assert await other == 36  # the batch ran, 5 among its keys
    pending = loader.now(5)
    assert pending is not cancelled
    assert await pending == 25
    assert loader.now(5) == 25
    assert loader.batches == [[5, 6], [5]]


async def test_load_all_caches_in_the_batch_load_many_would_use() -> None:
    loader = Squares()
    loader.prime(1, 100)
    queued = loader.load(7)  # queued in this tick: the same batch
    await loader.load_all([1, 2, 3, 2])
    assert [loader.now(k) for k in (1, 2, 3)] == [100, 4, 9]
    assert await queued == 49
    assert loader.batches == [[7, 2, 3]]
    await loader.load_all([2, 3])  # all cached: no batch
    assert loader.batches == [[7, 2, 3]]


async def test_load_all_raises_as_load_many_would() -> None:
    gathered, alone = Squares(failing=frozenset({2})), Squares(failing=frozenset({2}))
    with pytest.raises(ValueError) as from_gather:
        await gathered.load_many([1, 2, 3])
    with pytest.raises(ValueError) as from_load_all:
        await alone.load_all([1, 2, 3])
    assert str(from_load_all.value) == str(from_gather.value)
    with pytest.raises(ValueError):
        await alone.now(3)  # the failed future stays cached, as after load_many
    assert alone.batches == gathered.batches == [[1, 2, 3]]


async def test_a_failed_load_all_leaves_no_error_unretrieved(
    loop_errors: list[dict[str, Any]],
) -> None:
    loader = Squares(failing=frozenset({2}))
    with pytest.raises(ValueError):
        await loader.load_all([1, 2, 3])  # three failed futures, one awaited
    loader.clear_all()
    gc.collect()
    assert not loop_errors


async def test_cancelling_load_all_cancels_its_pending_loads() -> None:
    loader = Squares()
    started = asyncio.ensure_future(loader.load_all([1, 2]))
    await asyncio.sleep(0)  # load_all waits on its keys' futures
    futures = [loader.load(1), loader.load(2)]
    started.cancel()
    with pytest.raises(asyncio.CancelledError):
        await started
    assert all(isinstance(f, asyncio.Future) and f.cancelled() for f in futures)
    assert await loader.now(1) == 1  # a cancelled load is loaded again
