"""The Citus form of the policies and of the context setter (tenants/policy.py),
exercised on plain PostgreSQL: same semantics, different SQL."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text

from foundation.db import api_url, make_engine
from foundation.settings import Settings
from tenants.policy import policy_ddl, set_tenant_context


def test_postgres_form_reads_setting_once_per_statement() -> None:
    ddl = "\n".join(policy_ddl("cln.t", "cln_api", "postgres"))
    assert "(SELECT string_to_array(current_setting('app.read_shas', true), ','))::text[]" in ddl
    citus = "\n".join(policy_ddl("cln.t", "cln_api", "citus"))
    assert "SELECT" not in citus.split("USING", 1)[1].split(")")[0]
    assert "string_to_array(current_setting('app.read_shas', true), ',')" in citus


@pytest.mark.parametrize("mode", ["postgres", "citus"])
async def test_context_setter_modes_enforce_the_same(
    admin_url: str, settings: Settings, mode: str
) -> None:
    owner = await asyncpg.connect(admin_url)
    table = f"{settings.db_schema}.mode_probe_{mode}"
    try:
        await owner.execute(f"DROP TABLE IF EXISTS {table}")
        await owner.execute(f"CREATE TABLE {table} (sha_code text, v int)")
        await owner.execute(f"INSERT INTO {table} VALUES ('Q31', 1), ('Q36', 2)")
        for statement in policy_ddl(table, settings.api_role, mode):  # type: ignore[arg-type]
            await owner.execute(statement)
        engine = make_engine(api_url(settings, admin_url), settings, pool_size=1)
        try:
            async with engine.connect() as conn, conn.begin():
                await set_tenant_context(
                    conn,
                    read=["Q31"],
                    write=["Q31"],
                    actor="test",
                    statement_timeout_ms=1000,
                    mode=mode,
                )  # type: ignore[arg-type]
                rows = (await conn.execute(text(f"SELECT sha_code FROM {table}"))).all()
                assert [r[0] for r in rows] == ["Q31"]
                timeout = (await conn.execute(text("SHOW statement_timeout"))).scalar()
                assert timeout == "1s"
            async with engine.connect() as conn, conn.begin():
                assert (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar() == 0
        finally:
            await engine.dispose()
    finally:
        await owner.execute(f"DROP TABLE IF EXISTS {table}")
        await owner.close()


async def test_citus_form_refuses_malformed_codes(admin_url: str, settings: Settings) -> None:
    from tenants.codes import InvalidShaCode

    engine = make_engine(api_url(settings, admin_url), settings, pool_size=1)
    try:
        async with engine.connect() as conn, conn.begin():
            with pytest.raises(InvalidShaCode):
                await set_tenant_context(
                    conn,
                    read=["Q31'; DROP TABLE x; --"],
                    write=[],
                    actor="t",
                    statement_timeout_ms=1000,
                    mode="citus",
                )
    finally:
        await engine.dispose()


def test_context_literals_are_quoted() -> None:
    from tenants.policy import begin_with_context_sql

    sql = begin_with_context_sql(
        read=["Q31"],
        write=[],
        actor="user:o'hara\x00; DROP TABLE members; --",
        statement_timeout_ms=1000,
        mode="postgres",
    )
    assert "'user:o''hara; DROP TABLE members; --'" in sql
    assert "\x00" not in sql
