"""A dedicated database filled by the benchmark generator at a tiny scale, and the
real app on it, so these tests never touch the shared test directory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from bench.database import fill_rollups
from bench.floor import Floor
from bench.generate import Size, generate
from clngraph.app import create_app
from clngraph.bootstrap import prepare_database
from foundation.db import with_credentials
from foundation.settings import Settings
from tests.support import GraphQLClient, SqlLog

# Enough members that one profession fills a 500-row page nationally.
TINY = Size(organisations_per_sha=6, members_per_sha=300)


async def fresh_generated_database(
    new_database_url: Callable[[str], Awaitable[str]], settings: Settings, size: Size
) -> str:
    url = await new_database_url("cln_bench")
    await prepare_database(url, settings)
    conn = await asyncpg.connect(url, server_settings={"search_path": settings.db_schema})
    try:
        await generate(conn, settings.db_schema, settings.owner_role, size=size)
        await fill_rollups(conn, settings)  # as the benchmark's generator does
    finally:
        await conn.close()
    return url


@pytest.fixture(scope="session")
async def bench_admin_url(new_database_url: Any, settings: Settings) -> str:
    return await fresh_generated_database(new_database_url, settings, TINY)


@pytest.fixture(scope="session")
async def bench_app(bench_admin_url: str, settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings, admin_url=bench_admin_url)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def bench_gql(bench_app: Starlette, make_token: Any) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=bench_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield GraphQLClient(client, make_token)


@pytest.fixture
def bench_sql_log(bench_app: Starlette) -> Any:
    """Every statement the API role's engine of the benchmark app sends."""
    from sqlalchemy import event

    engine = bench_app.state.cln.engine.sync_engine
    log = SqlLog()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
async def floor_client(
    bench_admin_url: str, settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    """The floor (bench/floor.py) on the benchmark database, as the API role."""
    floor = Floor()
    api = with_credentials(bench_admin_url, settings.api_role, settings.api_role_password)
    floor.pool = await asyncpg.create_pool(
        api, min_size=1, max_size=2, server_settings={"search_path": settings.db_schema}
    )
    try:
        transport = httpx.ASGITransport(app=floor)
        async with httpx.AsyncClient(transport=transport, base_url="http://floor") as client:
            yield client
    finally:
        await floor.pool.close()
