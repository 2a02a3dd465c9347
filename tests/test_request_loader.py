"""RequestLoader's shortcuts over strawberry's DataLoader: `now` (a loaded value
without an await) gives what `load` gives, failed and cancelled loads included, and
`prime` primes as strawberry's does."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

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
