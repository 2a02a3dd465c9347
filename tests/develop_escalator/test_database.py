"""The database itself isolates the new tenant tables, widens reads of national content
only, and enforces the policy-area and closing-date rules behind the services."""

from __future__ import annotations

import asyncpg
import pytest

from foundation.db import api_url
from foundation.settings import Settings

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


async def context(conn: asyncpg.Connection, read: str, write: str = "") -> None:
    await conn.execute(
        "SELECT set_config('app.read_shas', $1, true), set_config('app.write_shas', $2, true)",
        read,
        write,
    )


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
            await context(conn, "Q36")
            rows = await conn.fetch(
                f"SELECT sha_code, {'published_nationally' if table in NATIONAL else 'false'}"
                f" AS national FROM {table}"
            )
            for sha, national in rows:
                assert sha == "Q36" or national, (table, sha)
        async with conn.transaction():
            await context(conn, "")
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
            await context(conn, "Q36", "Q36")
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
                await context(conn, "Q36", "Q36")
                await conn.execute(
                    "INSERT INTO case_studies (sha_code, title, topic, summary, outcomes, created_by)"
                    " VALUES ('Q31', 't', 't', 's', 'o', 'x')"
                )
    finally:
        await conn.close()


async def test_triggers_enforce_policy_area_and_closing(admin_url: str, settings: Settings) -> None:
    conn = await api_connection(admin_url, settings)
    try:
        async with conn.transaction():
            await context(conn, "Q31", "Q31")
            org, member = await conn.fetchrow(
                "SELECT organisation_id, id FROM members WHERE sha_code = 'Q31' LIMIT 1"
            )
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            async with conn.transaction():
                await context(conn, "Q31", "Q31")
                await conn.execute(
                    "INSERT INTO escalator_assessments (sha_code, organisation_id, policy_area,"
                    " period, level, evidence, assessor_id, assessed_on)"
                    " VALUES ('Q31', $1, 'NO_SUCH_AREA', '2009Q1', 1, 'e', $2, current_date)",
                    org,
                    member,
                )
        with pytest.raises(asyncpg.CheckViolationError):
            async with conn.transaction():
                await context(conn, "Q31", "Q31")
                closed = await conn.fetchval(
                    "INSERT INTO consultations (sha_code, reach, title, description, opened_by,"
                    " opens_at, closes_at) VALUES ('Q31', 'REGIONAL', 't', 'd', 'x',"
                    " now() - interval '2 days', now() - interval '1 day') RETURNING id"
                )
                await conn.execute(
                    "INSERT INTO consultation_responses (sha_code, consultation_sha,"
                    " consultation_id, member_id, position, body)"
                    " VALUES ('Q31', 'Q31', $1, $2, 'SUPPORT', 'late')",
                    closed,
                    member,
                )
        async with conn.transaction():
            await context(conn, "Q31", "Q31")
            regional = await conn.fetchval(
                "INSERT INTO consultations (sha_code, reach, title, description, opened_by,"
                " closes_at) VALUES ('Q31', 'REGIONAL', 't', 'd', 'x', now() + interval '1 day')"
                " RETURNING id"
            )
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            async with conn.transaction():
                # a London member cannot respond to a North West regional consultation
                await context(conn, "Q36", "Q36")
                london = await conn.fetchval(
                    "SELECT id FROM members WHERE sha_code = 'Q36' LIMIT 1"
                )
                await conn.execute(
                    "INSERT INTO consultation_responses (sha_code, consultation_sha,"
                    " consultation_id, member_id, position, body)"
                    " VALUES ('Q36', 'Q31', $1, $2, 'SUPPORT', 'x')",
                    regional,
                    london,
                )
    finally:
        await conn.close()
