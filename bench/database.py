"""The benchmark's database: DATABASE_URL when given, else a dedicated embedded
server under `.data/bench` (never the development database)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import asyncpg

from bench.generate import DEFAULT_SEED, Progress, Size, generate, total_rows
from clngraph.bootstrap import prepare_database, start_embedded
from foundation.db import api_url, libpq_url, with_database
from foundation.settings import Settings

BENCH_DATABASE = "cln_bench"
BENCH_PORT = 54339


def bench_settings() -> Settings:
    """Settings of the benchmark: its own data folder (dev signing key, embedded server)."""
    base = Settings.from_env()
    data_dir = base.data_dir / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    return replace(base, data_dir=data_dir)


@dataclass(frozen=True)
class BenchDatabase:
    admin_url: str
    api_url: str
    settings: Settings
    embedded: bool


def resolve(settings: Settings, database: str = BENCH_DATABASE) -> BenchDatabase:
    """The benchmark database; `database` names another one on the embedded server (the
    growth measurements keep one per scale). With DATABASE_URL it is that database."""
    if settings.database_url:
        admin = libpq_url(settings.database_url)
        return BenchDatabase(admin, api_url(settings, admin), settings, embedded=False)
    port = int(os.environ.get("CLN_BENCH_PG_PORT", BENCH_PORT))
    server = start_embedded(settings, pgdata=settings.data_dir / "pg", port=port)
    admin = with_database(server.admin_url(), database)
    return BenchDatabase(admin, api_url(settings, admin), settings, embedded=True)


async def prepare_and_generate(
    db: BenchDatabase, size: Size, *, seed: int = DEFAULT_SEED, force: bool = False
) -> dict[str, int] | None:
    """Migrate, then generate unless the members table already holds this size.

    Returns the row counts loaded, or None when the data was already there."""
    await prepare_database(db.admin_url, db.settings)
    schema = db.settings.db_schema
    conn = await asyncpg.connect(db.admin_url, server_settings={"search_path": schema})
    try:
        await apply_peer_functions(conn, db.settings)
        stamp = f"dataset v2 {size} seed={seed}"  # v2: with the domain tables
        current = await conn.fetchval(
            "SELECT obj_description(to_regclass($1), 'pg_class')", f"{schema}.members"
        )
        if not force and current == stamp:
            if await conn.fetchval(
                "SELECT NOT EXISTS (SELECT 1 FROM rollup_members)"
                " AND EXISTS (SELECT 1 FROM members)"
            ):  # loaded before the rollups existed (migration 1300)
                await fill_rollups(conn, db.settings)
            return None
        counts = await generate(
            conn,
            schema,
            db.settings.owner_role,
            size=size,
            seed=seed,
            progress=Progress(total_rows(size)),
        )
        await fill_rollups(conn, db.settings)
        await conn.execute(f"COMMENT ON TABLE {schema}.members IS '{stamp}'")
        return counts
    finally:
        await conn.close()


async def fill_rollups(conn: asyncpg.Connection, settings: Settings) -> None:
    """The dashboard's rollups from the rows COPY loaded (the generator bypasses the
    services that keep them), as `cln-graph rollups rebuild` does."""
    from resolvers.rollups.rebuild import ROLLUPS, refill

    async with conn.transaction():
        await conn.execute(f"SET LOCAL ROLE {settings.owner_role}")
        await refill(conn)
        await conn.execute("ANALYZE " + ", ".join(r.table for r in ROLLUPS))


PEER_SQL = Path(__file__).resolve().parent / "peer.sql"


async def apply_peer_functions(conn: asyncpg.Connection, settings: Settings) -> None:
    """The SQL functions the peer's operations use (bench/peer.sql), as the owner role."""
    sql = PEER_SQL.read_text().replace("{schema}", settings.db_schema)
    async with conn.transaction():
        await conn.execute(f"SET LOCAL ROLE {settings.owner_role}")
        await conn.execute(sql)
