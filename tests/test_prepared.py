"""Prepared statements (tenants/prepared.py) answer exactly what SQLAlchemy's execution
answers, in the same request transaction, under the same RLS; statements they cannot
run are left to SQLAlchemy."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Numeric, bindparam, cast, select, text
from sqlalchemy.exc import InvalidRequestError

from resolvers.common.sql import by_key
from resolvers.directory.loaders import member_by_key_statement
from resolvers.directory.tables import members, organisations
from resolvers.networks.loaders import _windowed_statement
from resolvers.networks.tables import network_members, networks
from tenants.prepared import prepared
from tenants.scope import TenantScope
from tenants.transaction import tenant_transaction


def _transaction(app: Any, *shas: str) -> Any:
    state = app.state.cln
    return tenant_transaction(
        state.engine,
        TenantScope(frozenset(shas), frozenset()),
        actor="test",
        statement_timeout_ms=2000,
        mode=state.settings.tenancy_mode,
    )


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
