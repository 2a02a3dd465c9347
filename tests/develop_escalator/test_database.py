"""The database itself isolates the new tenant tables, widens reads of national content
only, and carries no trigger (the policy-area and closing-date rules are the services')."""

from __future__ import annotations

import asyncpg
import pytest

from foundation.db import api_url
from foundation.settings import Settings
from tests.support import tenant_context

TABLES = (
    "escalator_policy_areas",
    "escalator_assessments",
    "engagement_plans",
    "medical_engagement_scores",
    "case_studies",
    "consultations",
    "consultation_responses",
)
NATIONAL = ("case_studies", "consultations")


async def api_connection(admin_url: str, settings: Settings) -> asyncpg.Connection:
    return await asyncpg.connect(
        api_url(settings, admin_url), server_settings={"search_path": settings.db_schema}
    )


async def context(conn: asyncpg.Connection, settings: Settings, read: str, write: str = "") -> None:
    await conn.execute(tenant_context(settings, read, write))


async def test_tables_are_partitioned_with_rls(admin_url: str, settings: Settings) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        for table in TABLES:
            qualified = f"{settings.db_schema}.{table}"
            rls = await conn.fetchval(
                "SELECT relrowsecurity FROM pg_class WHERE oid = $1::regclass", qualified
            )
            parts = await conn.fetchval(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = $1::regclass", qualified
            )
            lead = await conn.fetchval(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                " ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
                " WHERE i.indrelid = $1::regclass AND i.indisprimary",
                qualified,
            )
            assert rls is True and parts >= 10 and lead == "sha_code", table
    finally:
        await conn.close()


@pytest.mark.parametrize("table", TABLES)
async def test_reads_stay_in_context(admin_url: str, settings: Settings, table: str) -> None:
    conn = await api_connection(admin_url, settings)
    try:
        async with conn.transaction():
            await context(conn, settings, "Q36")
            rows = await conn.fetch(
                f"SELECT sha_code, {'published_nationally' if table in NATIONAL else 'false'}"
                f" AS national FROM {table}"
            )
            for sha, national in rows:
                assert sha == "Q36" or national, (table, sha)
        async with conn.transaction():
            await context(conn, settings, "")
            rows = await conn.fetch(
                f"SELECT {'published_nationally' if table in NATIONAL else 'false'} FROM {table}"
            )
            assert all(r[0] for r in rows), table  # no scope: at most national content
    finally:
        await conn.close()


async def test_national_content_is_read_but_never_written_elsewhere(
    admin_url: str, settings: Settings
) -> None:
    conn = await api_connection(admin_url, settings)
    try:
        async with conn.transaction():
            await context(conn, settings, "Q36", "Q36")
            national = await conn.fetch(
                "SELECT sha_code, id FROM case_studies WHERE published_nationally AND sha_code <> 'Q36'"
            )
            assert national, "the demo data has national case studies of other SHAs"
            status = await conn.execute(
                "UPDATE case_studies SET title = 'hijacked' WHERE sha_code = $1 AND id = $2",
                national[0]["sha_code"],
                national[0]["id"],
            )
            assert status == "UPDATE 0"
            status = await conn.execute(
                "UPDATE consultations SET title = 'hijacked' WHERE reach = 'NATIONAL'"
                " AND sha_code <> 'Q36'"
            )
            assert status == "UPDATE 0"
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with conn.transaction():
                await context(conn, settings, "Q36", "Q36")
                await conn.execute(
                    "INSERT INTO case_studies (sha_code, title, topic, summary, outcomes, created_by)"
                    " VALUES ('Q31', 't', 't', 's', 'o', 'x')"
                )
    finally:
        await conn.close()


async def test_no_table_has_a_trigger(admin_url: str, settings: Settings) -> None:
    """Rules that read other tables live in the services (same transaction): a table
    with a trigger cannot be distributed on Citus, and a trigger reading another
    distributed table sees nothing from a shard."""
    conn = await asyncpg.connect(admin_url)
    try:
        triggers = await conn.fetch(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = $1 AND NOT t.tgisinternal",
            settings.db_schema,
        )
        assert [tuple(r) for r in triggers] == []
    finally:
        await conn.close()
