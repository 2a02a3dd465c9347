"""The database, not the resolver, enforces tenant isolation."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from foundation.db import api_url
from foundation.settings import Settings
from tests.support import tenant_context

TENANT_TABLES = ("organisations", "members", "audit_log")


async def api_connection(admin_url: str, settings: Settings) -> asyncpg.Connection:
    return await asyncpg.connect(
        api_url(settings, admin_url), server_settings={"search_path": settings.db_schema}
    )


async def test_api_role_owns_nothing_and_cannot_bypass(admin_url: str, settings: Settings) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        role = await conn.fetchrow(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1",
            settings.api_role,
        )
        assert tuple(role) == (False, False, False, False)
        owned = await conn.fetchval(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
            " WHERE r.rolname = $1",
            settings.api_role,
        )
        assert owned == 0
    finally:
        await conn.close()


async def test_every_tenant_table_is_partitioned_with_rls(
    admin_url: str, settings: Settings
) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        rows = await conn.fetch(
            "SELECT c.relname, c.relrowsecurity FROM pg_partitioned_table p"
            " JOIN pg_class c ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = $1",
            settings.db_schema,
        )
        tables = {r["relname"]: r["relrowsecurity"] for r in rows}
        for table in TENANT_TABLES:
            assert tables.get(table) is True, f"{table} must be partitioned with RLS"
        for table in tables:
            parts = await conn.fetchval(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = $1::regclass",
                f"{settings.db_schema}.{table}",
            )
            assert parts >= 10, f"{table} has a partition per SHA"
            primary_key = await conn.fetchval(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                " ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
                " WHERE i.indrelid = $1::regclass AND i.indisprimary",
                f"{settings.db_schema}.{table}",
            )
            assert primary_key == "sha_code", f"{table}: sha_code leads the primary key"
    finally:
        await conn.close()


async def test_api_role_has_no_grant_on_partitions(admin_url: str, settings: Settings) -> None:
    conn = await api_connection(admin_url, settings)
    try:
        async with conn.transaction():
            await conn.execute(tenant_context(settings, "Q31,Q32"))
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.fetch("SELECT * FROM members_q36")
    finally:
        await conn.close()


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_raw_select_returns_only_context_shas(
    admin_url: str, settings: Settings, table: str
) -> None:
    conn = await api_connection(admin_url, settings)
    try:
        async with conn.transaction():
            await conn.execute(tenant_context(settings, "Q31,Q32"))
            shas = {r[0] for r in await conn.fetch(f"SELECT DISTINCT sha_code FROM {table}")}
            assert shas <= {"Q31", "Q32"}
            if table != "audit_log":
                assert shas == {"Q31", "Q32"}
        # the setting was transaction-local: after commit it fails closed
        assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0
        async with conn.transaction():
            assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0
    finally:
        await conn.close()


async def test_writes_outside_write_context_are_refused(admin_url: str, settings: Settings) -> None:
    conn = await api_connection(admin_url, settings)
    try:
        org_id = None
        async with conn.transaction():
            await conn.execute(tenant_context(settings, "Q31", "Q31"))
            org_id = await conn.fetchval("SELECT id FROM organisations LIMIT 1")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with conn.transaction():
                await conn.execute(tenant_context(settings, "Q31", "Q31"))
                await conn.execute(
                    "INSERT INTO organisations (sha_code, code, name, type)"
                    " VALUES ('Q36', '5ZZ', 'Smuggled', 'PCT')"
                )
        async with conn.transaction():
            # readable but not writable: updates touch nothing
            await conn.execute(tenant_context(settings, "Q31"))
            status = await conn.execute(
                "UPDATE organisations SET name = 'x' WHERE sha_code = 'Q31' AND id = $1", org_id
            )
            assert status == "UPDATE 0"
    finally:
        await conn.close()


async def test_single_sha_query_touches_one_partition(admin_url: str, settings: Settings) -> None:
    conn = await api_connection(admin_url, settings)
    try:
        async with conn.transaction():
            await conn.execute(tenant_context(settings, "Q31,Q32,Q36"))
            plan = "\n".join(
                r[0]
                for r in await conn.fetch(
                    "EXPLAIN SELECT * FROM members WHERE sha_code IN ('Q31')"
                    " ORDER BY family_name LIMIT 50"
                )
            )
            assert "members_q31" in plan
            for other in ("members_q30", "members_q32", "members_q36"):
                assert other not in plan
            two = "\n".join(
                r[0]
                for r in await conn.fetch(
                    "EXPLAIN SELECT * FROM members WHERE sha_code IN ('Q31', 'Q36')"
                )
            )
            assert "members_q31" in two and "members_q36" in two and "members_q32" not in two
    finally:
        await conn.close()


async def test_raw_select_inside_the_request_transaction(app: Any) -> None:
    """The request's own transaction (what every resolver uses) with a deliberately
    unfiltered `SELECT * FROM members`: the database returns only the scope's SHAs."""
    from sqlalchemy import text

    from tenants.scope import TenantScope
    from tenants.transaction import tenant_transaction

    state = app.state.cln
    for read, expected in ((frozenset({"Q33"}), {"Q33"}), (frozenset(), set())):
        async with tenant_transaction(
            state.engine,
            TenantScope(read, frozenset()),
            actor="test",
            statement_timeout_ms=2000,
            mode=state.settings.tenancy_mode,
        ) as db:
            rows = await db.rows(text("SELECT * FROM members"))
            assert {r.sha_code for r in rows} == expected


async def test_every_tenant_table_follows_the_tenancy_rules(
    admin_url: str, settings: Settings
) -> None:
    """Over every table partitioned by sha_code, whichever domain added it: RLS on with
    the four tenant policies, the API role granted nothing on any partition, and
    sha_code leading the primary key and every foreign key to another tenant table."""
    conn = await asyncpg.connect(admin_url)
    schema = settings.db_schema
    try:
        parents = await conn.fetch(
            "SELECT c.oid, c.relname, c.relrowsecurity FROM pg_partitioned_table p"
            " JOIN pg_class c ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]"
            " WHERE n.nspname = $1 AND a.attname = 'sha_code' AND NOT c.relispartition",
            schema,
        )
        tenant_oids = {r["oid"] for r in parents}
        assert len(parents) >= 20, "every domain's tenant tables are discovered"
        for parent in parents:
            table = parent["relname"]
            assert parent["relrowsecurity"], f"{table}: RLS enabled"
            policies = {
                r["polname"]
                for r in await conn.fetch(
                    "SELECT polname FROM pg_policy WHERE polrelid = $1", parent["oid"]
                )
            }
            assert {"tenant_read", "tenant_insert", "tenant_update", "tenant_delete"} <= policies, (
                table
            )
            granted = await conn.fetch(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = $1 AND (has_table_privilege($2, c.oid, 'SELECT')"
                " OR has_table_privilege($2, c.oid, 'INSERT')"
                " OR has_table_privilege($2, c.oid, 'UPDATE'))",
                parent["oid"],
                settings.api_role,
            )
            assert not granted, f"{table}: API role reaches partitions {granted}"
            keys = await conn.fetch(
                "SELECT contype, confrelid, (SELECT attname FROM pg_attribute"
                "  WHERE attrelid = conrelid AND attnum = conkey[1]) AS first"
                " FROM pg_constraint WHERE conrelid = $1 AND contype IN ('p', 'f')"
                " AND conparentid = 0",
                parent["oid"],
            )
            for key in keys:
                kind = (
                    key["contype"].decode() if isinstance(key["contype"], bytes) else key["contype"]
                )
                if kind == "p":
                    assert key["first"] == "sha_code", f"{table}: sha_code leads the primary key"
                elif key["confrelid"] in tenant_oids:
                    # a reference to national content of another SHA leads with that
                    # row's SHA column (e.g. event_sha_code), still the tenant key
                    assert key["first"].endswith("sha_code"), f"{table}: FK leads with an SHA"
    finally:
        await conn.close()


@pytest.mark.postgres_only  # on Citus the API runs custom plans (tenants/policy.py)
async def test_generic_plans_still_prune_partitions(app: Any) -> None:
    """The API pool runs generic plans (CLN_PLAN_CACHE_MODE): PostgreSQL prunes at
    executor start-up, so a generic plan of the member-by-key statement (organisation
    joined) still reads one SHA's partitions and no other's."""
    from sqlalchemy import text

    state = app.state.cln
    async with state.engine.connect() as conn:
        assert (await conn.execute(text("SHOW plan_cache_mode"))).scalar() == "force_generic_plan"
        raw: Any = (await conn.get_raw_connection()).driver_connection
        async with raw.transaction():
            await raw.execute(tenant_context(state.settings, "Q31,Q32,Q36"))
            await raw.execute(
                "PREPARE by_key(text, uuid[]) AS SELECT m.*, o.name FROM members m"
                " LEFT JOIN organisations o ON o.sha_code = m.sha_code AND o.id = m.organisation_id"
                " WHERE m.sha_code = $1 AND m.id = ANY($2)"
            )
            ids = [
                str(r[0])
                for r in await raw.fetch("SELECT id FROM members WHERE sha_code = 'Q31' LIMIT 3")
            ]
            array = "ARRAY[" + ",".join(f"'{i}'" for i in ids) + "]::uuid[]"
            for _ in range(2):  # the second execution reuses the generic plan
                plan = "\n".join(
                    r[0]
                    for r in await raw.fetch(
                        f"EXPLAIN (ANALYZE, COSTS OFF) EXECUTE by_key('Q31', {array})"
                    )
                )
            await raw.execute("DEALLOCATE by_key")
    assert "$1" in plan  # generic: the plan speaks of the parameter, not of 'Q31'
    assert "Subplans Removed" in plan
    scanned = {  # relations read; a bitmap index scan names its index, not a relation
        line.split(" on ")[1].split()[0]
        for line in plan.splitlines()
        if " on " in line and "Bitmap Index Scan" not in line
    }
    assert scanned <= {"members_q31", "organisations_q31"}, plan
