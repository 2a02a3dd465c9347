"""Alembic environment: runs as the admin URL, then as the owner role for every object."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection, text

from foundation.db import make_engine
from foundation.settings import Settings

config = context.config


def _run(connection: Connection, settings: Settings) -> None:
    connection.execute(text(f"SET ROLE {settings.owner_role}"))
    connection.execute(text(f"SET search_path = {settings.db_schema}, public"))
    context.configure(
        connection=connection,
        target_metadata=None,
        version_table_schema=settings.db_schema,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations(settings=settings)


async def _main() -> None:
    settings: Settings = config.attributes["settings"]
    engine = make_engine(config.attributes["admin_url"], settings, pool_size=1)
    async with engine.connect() as connection:
        await connection.run_sync(_run, settings)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `cln-graph migrate`")
connection = config.attributes.get("connection")
if connection is not None:
    _run(connection, config.attributes["settings"])
else:
    asyncio.run(_main())
