"""bench.page_rows times the wide page's statement on both paths of the request
transaction: both return the same rows, and both are timed."""

from __future__ import annotations

from bench.page_rows import page_cpu
from foundation.db import api_url, make_engine
from foundation.settings import Settings


async def test_both_paths_return_the_page_and_are_timed(
    bench_admin_url: str, settings: Settings
) -> None:
    engine = make_engine(api_url(settings, bench_admin_url), settings, pool_size=1)
    try:
        found = await page_cpu(engine, settings, per_round=2, rounds=1)
    finally:
        await engine.dispose()
    assert found["rows"]["sqlalchemy"] == found["rows"]["prepared"] == 300  # TINY: 300 a SHA
    assert found["ms"]["sqlalchemy"] > 0 and found["ms"]["prepared"] > 0
