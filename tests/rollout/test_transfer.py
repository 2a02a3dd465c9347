"""Export one region and re-import it into an empty database: same counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

from clngraph.bootstrap import prepare_database
from tenants.admin import make_admin_engine, owner_transaction
from tenants.onboarding import onboard_sha
from tenants.partitions import partition_name, register_tenant_table
from tenants.transfer import export_sha, import_sha
from tests.factories import create_member
from tests.rollout.queries import change_status, onboard
from tests.support import GraphQLClient


@pytest.fixture
async def empty_database(new_database_url: Any, settings: Any) -> str:
    """A second database, migrated like production, with no directory rows."""
    url = await new_database_url("cln_import")
    await prepare_database(url, settings)
    return url


async def _counts(url: str, code: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'cln' AND NOT c.relispartition"
        )
        return {
            t[0]: await conn.fetchval(f"SELECT count(*) FROM cln.{t[0]} WHERE sha_code = $1", code)
            for t in tables
        }
    finally:
        await conn.close()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
async def test_export_and_import_reproduce_the_counts(
    fmt: str, cli: Any, admin_url: str, empty_database: str, tmp_path: Path
) -> None:
    out = tmp_path / "q32"
    assert await cli("rollout", "export", "Q32", str(out), "--format", fmt) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    source = await _counts(admin_url, "Q32")
    assert {t["table"]: t["rows"] for t in manifest["tables"]} == source
    assert source["members"] > 0 and source["organisations"] > 0
    assert [t["table"] for t in manifest["tables"]].index("organisations") < [
        t["table"] for t in manifest["tables"]
    ].index("members")
    assert all(len(t["sha256"]) == 64 for t in manifest["tables"])
    assert await _counts(empty_database, "Q32") == {t: 0 for t in source}

    assert await cli("rollout", "import", str(out), database=empty_database) == 0
    assert await _counts(empty_database, "Q32") == source
    # A second import into the now non-empty region is refused, nothing written.
    assert await cli("rollout", "import", str(out), database=empty_database) == 2
    assert await _counts(empty_database, "Q32") == source


async def test_new_region_moves_with_its_registry_entry(
    gql: GraphQLClient, region_code: Any, cli: Any, empty_database: str, tmp_path: Path
) -> None:
    code = region_code()
    await onboard(gql, code, "Moving Region")
    await change_status(gql, code, "PILOT")
    member = await create_member(gql, code, givenName="Zoë", familyName="O'Brien-Ünal")
    out = tmp_path / code
    assert await cli("rollout", "export", code, str(out)) == 0
    assert await cli("rollout", "import", str(out), database=empty_database) == 0
    conn = await asyncpg.connect(empty_database)
    try:
        sha = await conn.fetchrow("SELECT name, status FROM cln.shas WHERE code = $1", code)
        names = await conn.fetch(
            "SELECT given_name, family_name FROM cln.members WHERE sha_code = $1", code
        )
    finally:
        await conn.close()
    assert tuple(sha) == ("Moving Region", "pilot")
    assert [tuple(n) for n in names] == [("Zoë", "O'Brien-Ünal")]
    assert member["shaCode"] == code
    manifest = json.loads((out / "manifest.json").read_text())
    counts = await _counts(empty_database, code)
    assert counts == {t["table"]: t["rows"] for t in manifest["tables"]}


async def test_tampered_export_is_refused(cli: Any, empty_database: str, tmp_path: Path) -> None:
    out = tmp_path / "q33"
    assert await cli("rollout", "export", "Q33", str(out)) == 0
    members = out / "members.jsonl"
    lines = members.read_text().splitlines()
    members.write_text("\n".join(lines[1:]) + "\n")
    assert await cli("rollout", "import", str(out), database=empty_database) == 2
    assert (await _counts(empty_database, "Q33"))["members"] == 0
    assert await cli("rollout", "export", "Q33", str(out)) == 2


NOTES = """
CREATE TABLE cln.a_notes (
    sha_code text NOT NULL REFERENCES cln.shas(code),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    serial bigint GENERATED ALWAYS AS IDENTITY,
    organisation_id uuid NOT NULL,
    body text NOT NULL,
    body_length int GENERATED ALWAYS AS (length(body)) STORED,
    PRIMARY KEY (sha_code, id),
    FOREIGN KEY (sha_code, organisation_id) REFERENCES cln.organisations (sha_code, id)
) PARTITION BY LIST (sha_code)
"""


async def _add_notes_table(url: str, settings: Any) -> None:
    """What another branch's migration does: a tenant table referencing organisations."""
    engine = make_admin_engine(url, settings)
    try:
        async with owner_transaction(engine, settings) as conn:
            await conn.execute(text(NOTES))
            await conn.run_sync(lambda sync: register_tenant_table(sync, settings, "a_notes"))
    finally:
        await engine.dispose()


async def test_tables_of_other_branches_are_onboarded_exported_and_imported_in_fk_order(
    new_database_url: Any, settings: Any, region_code: Any, tmp_path: Path
) -> None:
    source, target = [await new_database_url("cln_branch") for _ in range(2)]
    for url in (source, target):
        await prepare_database(url, settings)
        await _add_notes_table(url, settings)
    code = region_code()
    engine = make_admin_engine(source, settings)
    try:
        result = await onboard_sha(engine, settings, code, "Branch Region", actor="test")
        assert partition_name("a_notes", code) in result.partitions
        async with owner_transaction(engine, settings) as conn:
            await conn.execute(
                text(
                    "INSERT INTO cln.a_notes (sha_code, organisation_id, body)"
                    " SELECT sha_code, id, 'note on ' || code FROM cln.organisations"
                    " WHERE sha_code = :c"
                ),
                {"c": code},
            )
        manifest = await export_sha(engine, settings, code, tmp_path / "out")
    finally:
        await engine.dispose()
    order = [t["table"] for t in manifest["tables"]]
    assert order.index("organisations") < order.index("a_notes")
    rows = {t["table"]: t["rows"] for t in manifest["tables"]}
    assert rows["a_notes"] == rows["organisations"] == 3
    engine = make_admin_engine(target, settings)
    try:
        counts = await import_sha(engine, settings, tmp_path / "out", actor="test")
    finally:
        await engine.dispose()
    assert counts == rows
    assert await _counts(target, code) == rows
    conn = await asyncpg.connect(target)
    try:
        imported = await conn.fetchval("SELECT max(serial) FROM cln.a_notes")
        org = await conn.fetchval("SELECT id FROM cln.organisations WHERE sha_code = $1", code)
        added = await conn.fetchrow(
            "INSERT INTO cln.a_notes (sha_code, organisation_id, body) VALUES ($1, $2, 'later')"
            " RETURNING serial, body_length",
            code,
            org,
        )
    finally:
        await conn.close()
    assert added["serial"] > imported
    assert added["body_length"] == 5
