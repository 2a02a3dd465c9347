"""The database itself keeps the network-map and forum tables of each SHA apart."""

from __future__ import annotations

import asyncpg
import pytest

from foundation.db import api_url
from foundation.settings import Settings
from tests.support import tenant_context

TABLES = (
    "networks",
    "network_members",
    "network_links",
    "forums",
    "forum_moderators",
    "forum_removals",
    "forum_threads",
    "forum_posts",
    "forum_post_revisions",
    "forum_post_reactions",
    "forum_post_reports",
)
SEEDED = ("networks", "network_members", "network_links", "forums", "forum_threads", "forum_posts")
# national forums' rows are read in every SHA by policy (migration 1400), like national
# events: the rule below is checked for the others, and the flag for these
NATIONAL = {"forums": "is_national", "forum_threads": "forum_is_national"}
NATIONAL["forum_posts"] = "forum_is_national"


async def api_connection(admin_url: str, settings: Settings) -> asyncpg.Connection:
    return await asyncpg.connect(
        api_url(settings, admin_url), server_settings={"search_path": settings.db_schema}
    )


@pytest.mark.parametrize("table", TABLES)
async def test_reads_see_only_the_context_shas(
    admin_url: str, settings: Settings, table: str
) -> None:
    conn = await api_connection(admin_url, settings)
    try:
        async with conn.transaction():
            await conn.execute(tenant_context(settings, "Q31"))
            regional = f" WHERE NOT {NATIONAL[table]}" if table in NATIONAL else ""
            shas = {
                r[0] for r in await conn.fetch(f"SELECT DISTINCT sha_code FROM {table}{regional}")
            }
            assert shas <= {"Q31"}
            if table in SEEDED:
                assert shas == {"Q31"}
        # without a context nothing, national rows aside
        assert await conn.fetchval(f"SELECT count(*) FROM {table}{regional}") == 0
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch(f"SELECT * FROM {table}_q31")
    finally:
        await conn.close()


async def test_writes_into_another_sha_are_refused(admin_url: str, settings: Settings) -> None:
    conn = await api_connection(admin_url, settings)
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with conn.transaction():
                await conn.execute(tenant_context(settings, "Q31", "Q31"))
                await conn.execute(
                    "INSERT INTO networks (sha_code, name, kind, clinical_area)"
                    " VALUES ('Q36', 'Smuggled', 'FORMAL_MANAGED', 'CANCER')"
                )
        async with conn.transaction():
            await conn.execute(tenant_context(settings, "Q31", "Q31"))
            status = await conn.execute(
                "UPDATE forum_posts SET hidden = hidden WHERE sha_code = 'Q36'"
            )
            assert status == "UPDATE 0"
    finally:
        await conn.close()
