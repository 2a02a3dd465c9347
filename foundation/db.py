"""Database URLs and engines: one admin URL for migrations, one API URL for requests."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from foundation import timestamptz
from foundation.settings import Settings, TenancyMode


def asyncpg_url(url: str) -> str:
    """SQLAlchemy's spelling of a libpq-style URL, for the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")


def libpq_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def with_credentials(url: str, user: str, password: str) -> str:
    """The same server and database, as another role."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


def api_url(settings: Settings, admin_url: str) -> str:
    if settings.api_database_url:
        return settings.api_database_url
    return with_credentials(admin_url, settings.api_role, settings.api_role_password)


POOL_RECYCLE_S = 1800


def make_engine(url: str, settings: Settings, *, pool_size: int | None = None) -> AsyncEngine:
    size = pool_size if pool_size is not None else settings.pool_size
    engine = create_async_engine(
        asyncpg_url(url),
        pool_size=size,
        max_overflow=size,
        pool_pre_ping=False,
        pool_recycle=POOL_RECYCLE_S,
        connect_args={
            # a server that does not answer costs a request this long, not asyncpg's 60 s
            "timeout": settings.db_connect_timeout_s,
            "server_settings": {
                "search_path": f"{settings.db_schema},public",
                "application_name": "cln-graph",
                "DateStyle": "ISO",  # the text form foundation/timestamptz.py parses
                **session_settings(settings.tenancy_mode, settings.plan_cache_mode),
            },
        },
    )
    event.listen(engine.sync_engine, "connect", _install_codecs)
    event.listen(engine.sync_engine, "checkout", _refuse_closed)
    return engine


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled connection the server has closed (restarted, say) is replaced at
    checkout, for free: asyncpg already knows, so no ping is needed. Without this each
    dead connection in the pool failed one request after the database came back."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def _install_codecs(dbapi_connection: Any, _record: Any) -> None:
    """timestamptz read as text (foundation/timestamptz.py), on every new connection."""
    dbapi_connection.run_async(timestamptz.install)


def session_settings(mode: TenancyMode, plan_cache_mode: str) -> dict[str, str]:
    """Server settings for every connection of the API and admin engines.

    On Citus: `SET LOCAL` of the tenant context must reach the workers
    (`propagate_set_commands`); shards stay out of catalog queries such as asyncpg's
    type introspection, which otherwise takes seconds (`override_table_visibility`,
    docs/scale-out.md); and
    custom plans, since Citus cannot build a distributed plan for `sha_code = ANY($1)`
    under a generic plan (custom plans see the values and route one-SHA statements
    to one shard). And a new table with a foreign key to a reference table stays a
    plain table until its migration distributes it (`register_tenant_table`,
    `register_global_table`), rather than becoming a Citus local table, which could
    then be neither distributed nor pointed at a distributed table."""
    if mode != "citus":
        return {"plan_cache_mode": plan_cache_mode}
    return {
        "plan_cache_mode": "force_custom_plan",
        "citus.propagate_set_commands": "local",
        "citus.override_table_visibility": "off",
        "citus.enable_local_reference_table_foreign_keys": "off",
    }
