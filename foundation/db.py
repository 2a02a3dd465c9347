"""Database URLs and engines: one admin URL for migrations, one API URL for requests."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from foundation import timestamptz
from foundation.settings import Settings


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
            "server_settings": {
                "search_path": f"{settings.db_schema},public",
                "application_name": "cln-graph",
                "plan_cache_mode": settings.plan_cache_mode,
                "DateStyle": "ISO",  # the text form foundation/timestamptz.py parses
            }
        },
    )
    event.listen(engine.sync_engine, "connect", _install_codecs)
    return engine


def _install_codecs(dbapi_connection: Any, _record: Any) -> None:
    """timestamptz read as text (foundation/timestamptz.py), on every new connection."""
    dbapi_connection.run_async(timestamptz.install)
