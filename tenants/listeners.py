"""Statements sent on the asyncpg connection directly, shown to SQLAlchemy's listeners:
the statement logs, counts and metrics see every statement the service sends."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


def tell_listeners(
    engine: AsyncEngine, conn: AsyncConnection, sql: str, arguments: list[Any]
) -> None:
    """SQLAlchemy's `before_cursor_execute` listeners (statement logs and counts) see a
    statement sent on the driver as they see the ones SQLAlchemy runs (no cursor, no
    context)."""
    dispatch = engine.sync_engine.dispatch
    if dispatch.before_cursor_execute:
        dispatch.before_cursor_execute(
            conn.sync_connection, None, sql, tuple(arguments), None, False
        )
