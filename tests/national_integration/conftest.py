"""Fixtures of the national-integration tests: owner-side SQL for checking figures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest

from clngraph.settings import Settings


@pytest.fixture
def owner_sql(admin_url: str, settings: Settings) -> Callable[..., Awaitable[list[Any]]]:
    """Run one query as the superuser, so RLS cannot hide rows from the check."""

    async def run(query: str, *args: Any) -> list[Any]:
        conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return run
