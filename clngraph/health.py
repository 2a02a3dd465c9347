"""Liveness and readiness: `/healthz` says the process is up; `/readyz` says the
database answers and its migrations are the ones this code expects."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from clngraph.bootstrap import migration_heads
from clngraph.state import AppState


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    state: AppState = request.app.state.cln
    schema = state.settings.db_schema
    try:
        async with asyncio.timeout(2):
            async with state.engine.connect() as conn:
                rows = await conn.execute(text(f"SELECT version_num FROM {schema}.alembic_version"))
                applied = {r[0] for r in rows}
    except Exception as exc:
        return JSONResponse(
            {"status": "unavailable", "database": f"unreachable: {type(exc).__name__}"},
            status_code=503,
        )
    expected = migration_heads(state.settings)
    if applied != expected:
        return JSONResponse(
            {
                "status": "unavailable",
                "migrations": {"applied": sorted(applied), "expected": sorted(expected)},
            },
            status_code=503,
        )
    return JSONResponse({"status": "ready", "migrations": sorted(applied)})
