"""A transaction for background jobs: every SHA in the registry, as a named system actor.

The jobs (mail delivery, exports, retention, reminders) act for the service itself, not
for a caller; they still run as the API role under RLS with an explicit scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from foundation.settings import Settings
from tenants.scope import TenantScope
from tenants.transaction import TenantDB, tenant_transaction

_SHAS = text("SELECT code FROM shas WHERE status <> 'retired' ORDER BY code")


async def all_shas(engine: AsyncEngine) -> frozenset[str]:
    async with engine.connect() as conn:
        return frozenset(str(r[0]) for r in await conn.execute(_SHAS))


@asynccontextmanager
async def system_transaction(
    engine: AsyncEngine, settings: Settings, actor: str, shas: frozenset[str] | None = None
) -> AsyncIterator[TenantDB]:
    codes = shas if shas is not None else await all_shas(engine)
    async with tenant_transaction(
        engine,
        TenantScope(codes, codes),
        actor=f"system:{actor}",
        statement_timeout_ms=max(settings.statement_timeout_ms, 30_000),
        mode=settings.tenancy_mode,
        prepared=settings.fast_path,
    ) as db:
        yield db
