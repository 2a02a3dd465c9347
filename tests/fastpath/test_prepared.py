"""Prepared statements (tenants/prepared.py) answer exactly what SQLAlchemy's execution
answers, in the same request transaction, under the same RLS; statements they cannot
run are left to SQLAlchemy; database errors arrive as SQLAlchemy's; savepoints on the
driver undo their own work only."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest
from sqlalchemy import Numeric, bindparam, cast, select, text
from sqlalchemy.exc import DBAPIError, InvalidRequestError

from resolvers.common.audit import record_audit
from resolvers.common.sql import by_key
from resolvers.directory.loaders import member_by_key_statement
from resolvers.directory.tables import members, organisations
from resolvers.networks.loaders import _windowed_statement
from resolvers.networks.tables import network_members, networks
from tenants.prepared import prepared
from tests.support import app_transaction


def _transaction(app: Any, *shas: str) -> Any:
    return app_transaction(app, shas)


def _answers(rows: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in rows]


async def test_prepared_rows_are_sqlalchemys_rows(app: Any, sql_log: Any) -> None:
    async with _transaction(app, "Q31", "Q32") as db:
        keys = [
            (r.sha_code, r.id)
            for sha in ("Q31", "Q32")
            for r in await db.rows(
                text("SELECT sha_code, id FROM members WHERE sha_code = :sha LIMIT 3"),
                {"sha": sha},
            )
        ]
        assert {k[0] for k in keys} == {"Q31", "Q32"}
        ids = [k[1] for k in keys]
        cases = [
            (member_by_key_statement(False), {"shas": ["Q31", "Q32"], "ids": ids}),
            (member_by_key_statement(True), {"shas": "Q31", "ids": ids}),
            (
                _windowed_statement(network_members.c.member_id, (networks.c.name,), False),
                {"shas": ["Q31", "Q32"], "parents": ids, "window": 2},
            ),
            by_key(organisations, [(k[0], None) for k in keys]),
        ]
        for statement, params in cases:
            assert statement.plan(db.engine.dialect) is not None  # runs on asyncpg
            before = len(sql_log.statements)
            fast = await db.rows(statement, params)
            assert len(sql_log.statements) == before + 1  # announced like any statement
            slow = await db.rows(statement.statement, params)
            assert _answers(fast) == _answers(slow)
            assert [tuple(r) for r in fast] == [tuple(r) for r in slow]
            assert [list(r._mapping) for r in fast] == [list(r._mapping) for r in slow]
        found = await db.rows(member_by_key_statement(False), {"shas": ["Q31"], "ids": ids})
        assert found and {r.sha_code for r in found} == {"Q31"}


async def test_rls_holds_on_the_prepared_path(app: Any) -> None:
    """Asking for another SHA's members by key, with the SHA named in the statement:
    the database answers nothing (RLS), not only the predicate."""
    async with _transaction(app, "Q33") as db:
        ids = [r.id for r in await db.rows(text("SELECT id FROM members LIMIT 3"))]
    async with _transaction(app, "Q31") as db:
        statement = member_by_key_statement(True)
        assert await db.rows(statement, {"shas": "Q33", "ids": ids}) == []


async def test_statements_prepared_cannot_run_go_to_sqlalchemy(app: Any) -> None:
    expanding = prepared(
        select(members.c.id).where(members.c.sha_code.in_(bindparam("shas", expanding=True)))
    )
    processed = prepared(select(cast(members.c.joined_on.is_not(None), Numeric(asdecimal=False))))
    async with _transaction(app, "Q31") as db:
        dialect = db.engine.dialect
        assert expanding.plan(dialect) is None and processed.plan(dialect) is None
        rows = await db.rows(expanding, {"shas": ["Q31"]})
        assert rows and all(r.id for r in rows)
        with pytest.raises(InvalidRequestError, match="'ids'"):
            await db.rows(member_by_key_statement(True), {"shas": "Q31"})


def _writer(app: Any, sha: str) -> Any:
    return app_transaction(app, (sha,), (sha,))


async def test_driver_errors_arrive_as_sqlalchemy_errors(app: Any) -> None:
    """A prepared write refused by the database (RLS: another SHA's audit row) raises
    the DBAPIError SQLAlchemy would raise, with the SQLSTATE, so mutation error
    handling sees one kind of error; the transaction is rolled back."""
    with pytest.raises(DBAPIError) as refused:
        async with _writer(app, "Q31") as db:
            await record_audit(db, sha_code="Q32", action="test", entity_type="Test", entity_id="x")
    assert refused.value.orig is not None
    assert getattr(refused.value.orig, "sqlstate", None) == "42501"


async def test_savepoints_undo_their_own_work_only(app: Any, admin_url: str) -> None:
    schema = app.state.cln.settings.db_schema
    marker = f"savepoint-{uuid.uuid4().hex[:8]}"

    async def audit(db: Any, entity_id: str, sha: str = "Q31") -> None:
        await record_audit(
            db, sha_code=sha, action="test", entity_type="Test", entity_id=f"{marker}-{entity_id}"
        )

    async with _writer(app, "Q31") as db:
        await audit(db, "kept")
        with pytest.raises(RuntimeError):
            async with db.savepoint():
                await audit(db, "undone")
                raise RuntimeError("the mutation failed")
        with pytest.raises(DBAPIError):
            async with db.savepoint():
                await audit(db, "refused", sha="Q32")  # aborts the savepoint, not the rest
        async with db.savepoint():
            await audit(db, "after")
    conn = await asyncpg.connect(admin_url)
    try:
        rows = await conn.fetch(
            f"SELECT entity_id FROM {schema}.audit_log WHERE entity_id LIKE $1", f"{marker}-%"
        )
    finally:
        await conn.close()
    assert sorted(r["entity_id"] for r in rows) == [f"{marker}-after", f"{marker}-kept"]
