"""Audit rows written in the same transaction as the change they describe."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Row,
    Table,
    Text,
    bindparam,
    cast,
    column,
    insert,
    literal,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

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

_AUDIT_LOG = table(
    "audit_log",
    column("sha_code", Text),
    column("actor", Text),
    column("action", Text),
    column("entity_type", Text),
    column("entity_id", Text),
    column("request_id", Text),
    column("detail", JSONB),
)


def audit_cte(
    changed: CTE, *, action: str, entity_type: str, detail: ColumnElement[Any], name: str
) -> CTE:
    """The audit row of each row a data-modifying CTE returns (its `sha_code` and `id`),
    as another CTE of the same statement: the change and its audit row in one round
    trip, and one transaction as ever. The statement must select from it (PostgreSQL
    runs every data-modifying CTE, SQLAlchemy renders only those referenced) and bind
    `audit_params(db)`."""
    return (
        insert(_AUDIT_LOG)
        .from_select(
            ["sha_code", "actor", "action", "entity_type", "entity_id", "request_id", "detail"],
            select(
                changed.c.sha_code,
                bindparam("audit_actor", type_=Text),
                literal(action, Text),
                literal(entity_type, Text),
                cast(changed.c.id, Text),
                bindparam("audit_request_id", type_=Text),
                detail,
            ),
        )
        .returning(_AUDIT_LOG.c.entity_id)
        .cte(name)
    )


def audit_params(db: TenantDB) -> dict[str, Any]:
    """The parameters of an `audit_cte`: who acts, and the request's id."""
    return {"audit_actor": db.actor, "audit_request_id": current_request_id()}


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
    entity_id: str | None = None,
) -> Row[Any]:
    """Update the row `(sha_code, key)` of a tenant table with `values` and record the
    change in the audit log, in the same transaction; the updated row (its `returning`
    columns, by default all of them). The audit names the row itself unless `entity_id`
    names another entity of `entity_type` (a member, for her leave request). The caller
    has loaded the row (so it exists) and checked the write is allowed."""
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
        entity_id=str(row.id) if entity_id is None else entity_id,
        detail=detail,
    )
    return row
