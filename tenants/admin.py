"""The owner-role path for registry and partition DDL, which the API role may not run.

Onboarding, status changes, detaching and import create or alter objects and
write registry rows; the API role owns nothing and only reads the registry. These
run through an engine on the admin URL (the one migrations use), one short
transaction at a time, each under `SET LOCAL ROLE <owner>` so every object it
creates is owned by the owner role, exactly as if a migration had made it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from foundation.db import asyncpg_url, session_settings
from foundation.settings import Settings


def make_admin_engine(admin_url: str, settings: Settings) -> AsyncEngine:
    """No pool: lifecycle operations are rare, and no admin connection should linger."""
    return create_async_engine(
        asyncpg_url(admin_url),
        poolclass=NullPool,
        connect_args={
            "server_settings": {
                "search_path": f"{settings.db_schema},public",
                "application_name": "cln-graph-lifecycle",
                **session_settings(settings.tenancy_mode, "auto"),
            }
        },
    )


@asynccontextmanager
async def owner_transaction(
    engine: AsyncEngine,
    settings: Settings,
    *,
    lock_timeout_ms: int | None = None,
    restore: bool = False,
) -> AsyncIterator[AsyncConnection]:
    """One transaction as the owner role; commits on success.

    `restore=True` (region import) sets `session_replication_role = replica` first when
    the admin role is a superuser, so rows that point at another region's national
    content (consultations, events) load before that region is imported, as pg_restore
    does; row counts are checked after the load. Not on Citus: there no key crosses
    regions (the service enforces those links), and Citus would send the setting to the
    workers over the owner's connections, which may not set it ("permission denied to
    set parameter").
    """
    async with engine.begin() as conn:
        if (
            restore
            and settings.tenancy_mode != "citus"
            and (
                await conn.execute(
                    text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                )
            ).scalar()
        ):
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text(f"SET LOCAL ROLE {settings.owner_role}"))
        if settings.tenancy_mode == "citus":
            # DDL and ATTACH PARTITION after a multi-shard statement in one transaction
            # must go shard by shard over one connection per node (Citus refuses
            # otherwise); lifecycle transactions are short and rare.
            await conn.execute(text("SET LOCAL citus.multi_shard_modify_mode = 'sequential'"))
        if lock_timeout_ms is not None:
            await conn.execute(text(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}"))
        yield conn
