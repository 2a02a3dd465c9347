"""Database URLs and engines: one admin URL for migrations, one API URL for requests."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from clngraph import timestamptz
from clngraph.settings import Settings
from tenants.connections import KeptConnections
from tenants.policy import session_settings


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


def kept_connections(engine: AsyncEngine, settings: Settings) -> KeptConnections:
    """The request transactions' connections: four fifths of the pool (rounded down)
    kept checked out between requests (tenants/connections.py), the rest left to the
    engine's other users; a pool of one keeps none."""
    size = settings.pool_size * 4 // 5
    return KeptConnections(engine, size=size, recycle_s=POOL_RECYCLE_S)


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
                "DateStyle": "ISO",  # the text form clngraph/timestamptz.py parses
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
    """timestamptz read as text (clngraph/timestamptz.py), on every new connection."""
    dbapi_connection.run_async(timestamptz.install)
