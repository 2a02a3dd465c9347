"""The serving process's collector settings: applied by a production app's start-up,
left alone in development (the test suite keeps CPython's defaults)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import replace

import pytest

from clngraph.app import create_app
from clngraph.gc_tuning import THRESHOLDS, tune_gc
from foundation.settings import Settings


@pytest.fixture
def restored_gc() -> Iterator[None]:
    before = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_tune_gc_freezes_what_exists_and_raises_thresholds(restored_gc: None) -> None:
    tune_gc()
    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 0


async def test_production_start_up_tunes_development_does_not(
    restored_gc: None, settings: Settings, bench_admin_url: str
) -> None:
    development = create_app(settings, admin_url=bench_admin_url)
    before = gc.get_threshold()
    async with development.router.lifespan_context(development):
        assert gc.get_threshold() == before
    production = create_app(replace(settings, environment="production"), admin_url=bench_admin_url)
    async with production.router.lifespan_context(production):
        assert gc.get_threshold() == THRESHOLDS
