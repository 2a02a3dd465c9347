"""Bring a database to the state the API needs: roles, schema, migrations.

Runs with the admin URL (a superuser, or a role with CREATEROLE and CREATEDB).
Every step is idempotent, so `./dev serve` can run it on every start.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from foundation.db import database_name, libpq_url, with_database
from foundation.embedded import EmbeddedPostgres
from foundation.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_DATABASE = "cln_graph"


@dataclass(frozen=True)
class DatabaseTarget:
    """The admin URL of the database the service uses, and the embedded server if any."""

    admin_url: str
    embedded: EmbeddedPostgres | None = None


def start_embedded(
    settings: Settings,
    *,
    pgdata: Path | None = None,
    port: int | None = None,
    fast_unsafe: bool = False,
) -> EmbeddedPostgres:
    server = EmbeddedPostgres(
        pgdata=pgdata or settings.data_dir / "pg",
        port=port or settings.embedded_port,
        fast_unsafe=fast_unsafe,
    )
    server.start()
    return server


def resolve_target(settings: Settings) -> DatabaseTarget:
    """DATABASE_URL when given; otherwise the embedded server under the data folder."""
    if settings.database_url:
        return DatabaseTarget(libpq_url(settings.database_url))
    server = start_embedded(settings)
    return DatabaseTarget(with_database(server.admin_url(), DEFAULT_DATABASE), server)


async def ensure_database(admin_url: str) -> None:
    name = database_name(admin_url)
    conn = await asyncpg.connect(with_database(admin_url, "postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def ensure_citus(admin_url: str) -> None:
    """The citus extension in the coordinator's database. The workers' databases and
    their extension are the cluster's own set-up (docs/scale-out.md), as is adding
    the workers to the coordinator."""
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS citus")
    finally:
        await conn.close()


async def ensure_roles_and_schema(admin_url: str, settings: Settings) -> None:
    """Owner role (owns every object, cannot log in) and API role (owns nothing)."""
    owner, api, schema = settings.owner_role, settings.api_role, settings.db_schema
    conn = await asyncpg.connect(admin_url)
    try:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('cln-graph-bootstrap'))")
            if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", owner):
                await conn.execute(f"CREATE ROLE {owner} NOLOGIN")
            if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", api):
                await conn.execute(f"CREATE ROLE {api} LOGIN")
            password = settings.api_role_password.replace("'", "''")
            await conn.execute(
                f"ALTER ROLE {api} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE "
                f"PASSWORD '{password}'"
            )
            await conn.execute(f"GRANT {owner} TO CURRENT_USER")
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {owner}")
            await conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {api}")
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
            db = database_name(admin_url)
            await conn.execute(f'REVOKE CREATE ON DATABASE "{db}" FROM PUBLIC')
            await conn.execute(f'GRANT CONNECT ON DATABASE "{db}" TO {api}')
            if settings.tenancy_mode == "citus":
                await _authenticate_on_workers(conn, settings)
    finally:
        await conn.close()


async def _authenticate_on_workers(conn: asyncpg.Connection, settings: Settings) -> None:
    """Citus opens its connections to the workers as the current role: the owner role
    (migrations and lifecycle DDL run under `SET ROLE` to it) and the API role must be
    able to log in there. Citus propagates the roles and their passwords to every
    node; the coordinator finds the passwords in `pg_dist_authinfo` (readable by
    superusers only). Roles are cluster-wide and pg_dist_authinfo is per database, so
    the owner's password is a setting (CLN_DB_OWNER_PASSWORD), the same for every
    database of the cluster."""
    owner, api = settings.owner_role, settings.api_role
    password = settings.owner_role_password.replace("'", "''")
    await conn.execute(f"ALTER ROLE {owner} LOGIN PASSWORD '{password}'")
    await _set_authinfo(conn, owner, settings.owner_role_password)
    await _set_authinfo(conn, api, settings.api_role_password)
    # A write to a reference table (sha_hosts, sha_settings) makes Citus lock the shards
    # of the reference tables it points at (shas) on every worker, and that lock asks
    # for a write privilege the API role rightly lacks on `shas`. The setting skips
    # only that check of Citus's internal locks, for the API role (propagated by Citus).
    await conn.execute(f"ALTER ROLE {api} SET citus.skip_advisory_lock_permission_checks = on")


async def _set_authinfo(conn: asyncpg.Connection, role: str, password: str) -> None:
    # libpq connection-string value: single quotes and backslashes escaped
    value = password.replace("\\", "\\\\").replace("'", "\\'")
    await conn.execute(
        "INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, $1, $2)"
        " ON CONFLICT (nodeid, rolename) DO UPDATE SET authinfo = EXCLUDED.authinfo",
        role,
        f"password='{value}'",
    )


def alembic_config(admin_url: str, settings: Settings) -> Config:
    """Built in code (no alembic.ini needed), so an installed wheel migrates too."""
    import migrations

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("path_separator", "os")
    config.attributes["admin_url"] = admin_url
    config.attributes["settings"] = settings
    return config


def migrate(admin_url: str, settings: Settings) -> None:
    command.upgrade(alembic_config(admin_url, settings), "heads")


def migration_heads(settings: Settings) -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("", settings))
    return set(script.get_heads())


async def prepare_database(admin_url: str, settings: Settings) -> None:
    """Database, roles, schema and migrations: everything before seeding."""
    await ensure_database(admin_url)
    if settings.tenancy_mode == "citus":
        await ensure_citus(admin_url)
    await ensure_roles_and_schema(admin_url, settings)
    await asyncio.to_thread(migrate, admin_url, settings)
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(
            f"GRANT SELECT ON {settings.db_schema}.alembic_version TO {settings.api_role}"
        )
    finally:
        await conn.close()
