"""Audit rows written in the same transaction as the change they describe."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Table, text, update
from sqlalchemy.sql.elements import ColumnElement

from foundation.request_id import current_request_id
from tenants.prepared import prepared
from tenants.transaction import TenantDB

_INSERT = prepared(  # built once, run on asyncpg directly (tenants/prepared.py)
    text(
        "INSERT INTO audit_log (sha_code, actor, action, entity_type, entity_id, request_id,"
        " detail) VALUES (:sha, :actor, :action, :entity_type, :entity_id, :request_id,"
        " CAST(:detail AS jsonb))"
    )
)


async def record_audit(
    db: TenantDB,
    *,
    sha_code: str,
    action: str,
    entity_type: str,
    entity_id: str,
    detail: dict[str, Any] | None = None,
) -> None:
    await db.rows(
        _INSERT,
        {
            "sha": sha_code,
            "actor": db.actor,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "request_id": current_request_id(),
            "detail": json.dumps(detail or {}, default=str),
        },
    )


async def update_audited(
    db: TenantDB,
    table: Table,
    *,
    sha_code: str,
    key: Any,
    values: dict[str, Any],
    action: str,
    entity_type: str,
    detail: dict[str, Any] | None = None,
    returning: Sequence[ColumnElement[Any]] | None = None,
) -> Row[Any]:
    """Update the row `(sha_code, key)` of a tenant table with `values` and record the
    change in the audit log, in the same transaction; the updated row (its `returning`
    columns, by default all of them). The caller has loaded the row (so it exists) and
    checked the write is allowed."""
    row = await db.first(
        update(table)
        .where(table.c.sha_code == sha_code, table.c.id == key)
        .values(**values)
        .returning(*(table.c if returning is None else returning))
    )
    assert row is not None, "update_audited needs a row the caller has loaded"
    await record_audit(
        db,
        sha_code=sha_code,
        action=action,
        entity_type=entity_type,
        entity_id=str(row.id),
        detail=detail,
    )
    return row
