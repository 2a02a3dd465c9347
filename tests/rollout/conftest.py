"""Fixtures of the rollout tests: owner-side SQL, the CLI in a thread, fresh region codes."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from clngraph.cli import main
from foundation.settings import Settings
from tenants.admin import make_admin_engine

_codes = (f"Y{n:02d}" for n in itertools.count(1))


@pytest.fixture
def region_code() -> Callable[[], str]:
    """A new SHA code, never among the seeded Q30..Q39 nor used by another test."""
    return lambda: next(_codes)


@pytest.fixture
async def admin_engine(admin_url: str, settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_admin_engine(admin_url, settings)
    yield engine
    await engine.dispose()


@pytest.fixture
def owner_sql(admin_url: str, settings: Settings) -> Callable[..., Awaitable[list[Any]]]:
    """Run one query as the superuser (checks RLS cannot hide anything from)."""

    async def run(query: str, *args: Any) -> list[Any]:
        conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return run


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, admin_url: str) -> Iterator[Callable[..., Awaitable[int]]]:
    """`await cli("rollout", "export", ..., database=url)`: the real CLI, in a thread."""

    async def run(*argv: str, database: str | None = None) -> int:
        monkeypatch.setenv("DATABASE_URL", database or admin_url)
        return await asyncio.to_thread(main, list(argv))

    yield run
