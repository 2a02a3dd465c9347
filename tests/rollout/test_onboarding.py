"""Onboarding a region: one mutation or one CLI command, while other regions are served."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from tests.factories import CREATE_ORG, unique_practice_code
from tests.rollout.queries import MEMBERS, ONBOARD, VIEWER
from tests.support import GraphQLClient, error_codes

TENANT_PARENTS = """
SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'cln' AND NOT c.relispartition ORDER BY 1
"""
PARTITIONS_OF = """
SELECT parent.relname FROM pg_inherits i
JOIN pg_class parent ON parent.oid = i.inhparent JOIN pg_class child ON child.oid = i.inhrelid
WHERE child.relname = ANY($1::text[]) ORDER BY 1
"""


async def _traffic(
    gql: GraphQLClient, started: asyncio.Event, onboarding: asyncio.Event, done: asyncio.Event
) -> list[Any]:
    """Reads in Q31 and writes in Q36 until the onboarding is over; (during?, ok?, body)."""
    seen: list[Any] = []
    turn = 0
    while not done.is_set():
        during = onboarding.is_set()
        if turn % 2 == 0:
            body = await gql(MEMBERS, {"shas": None}, as_role=("member", "Q31"))
            ok = not body.get("errors") and len(body["data"]["members"]["edges"]) == 5
        else:
            values = {
                "shaCode": "Q36",
                "code": unique_practice_code(),
                "name": "Busy Practice",
                "type": "GP_PRACTICE",
            }
            body = await gql(CREATE_ORG, {"input": values}, as_role=("sha_admin", "Q36"))
            kind = (body.get("data") or {}).get("createOrganisation", {}).get("__typename")
            ok = not body.get("errors") and kind in ("OrganisationPayload", "ConflictError")
        seen.append((during, ok, body))
        turn += 1
        started.set()
    return seen


async def test_onboarding_by_mutation_while_other_regions_are_served(
    gql: GraphQLClient, owner_sql: Any, region_code: Any
) -> None:
    code = region_code()
    started, onboarding, done = asyncio.Event(), asyncio.Event(), asyncio.Event()
    traffic = asyncio.create_task(_traffic(gql, started, onboarding, done))
    await started.wait()
    onboarding.set()
    data = await gql.data(
        ONBOARD,
        {"input": {"code": code, "name": "Test Region", "hosts": [f"{code.lower()}.cln.test"]}},
        as_role=("platform_admin", None),
    )
    done.set()
    seen = await traffic
    assert [s for s in seen if not s[1]] == []
    assert any(during for during, _, _ in seen), "no request ran during the onboarding"

    result = data["onboardSha"]
    assert result["__typename"] == "OnboardShaPayload", result
    assert result["created"] is True
    assert result["sha"] == {"code": code, "status": "PLANNED"}
    assert result["referenceOrganisations"] == 3
    parents = [r[0] for r in await owner_sql(TENANT_PARENTS)]
    attached = await owner_sql(PARTITIONS_OF, result["partitions"])
    assert sorted(r[0] for r in attached) == parents
    orgs = await owner_sql("SELECT type FROM organisations WHERE sha_code = $1 ORDER BY 1", code)
    assert [r[0] for r in orgs] == ["ACADEMY", "DEANERY", "SHA_DIRECTORATE"]
    history = await owner_sql(
        "SELECT status, changed_by FROM sha_status_history WHERE sha_code = $1", code
    )
    assert [(r[0], r[1].split(":")[0]) for r in history] == [("planned", "user")]


async def test_planned_region_is_seen_only_by_national_roles_and_its_admins(
    gql: GraphQLClient, region_code: Any
) -> None:
    code = region_code()
    data = await gql.data(
        ONBOARD,
        {"input": {"code": code, "name": "Planned Region"}},
        as_role=("platform_admin", None),
    )
    assert data["onboardSha"]["__typename"] == "OnboardShaPayload"
    national = await gql.data(VIEWER, as_role=("national_lead", None))
    assert code in national["viewer"]["readableShas"]
    assert code not in national["viewer"]["writableShas"]
    admin = await gql.data(VIEWER, as_role=("sha_admin", code))
    assert admin["viewer"] == {"readableShas": [code], "writableShas": [code]}
    member = await gql.data(VIEWER, as_role=("member", code))
    assert member["viewer"] == {"readableShas": [], "writableShas": []}
    other = await gql.data(VIEWER, as_role=("sha_admin", "Q31"))
    assert code not in other["viewer"]["readableShas"]
    body = await gql(MEMBERS, {"shas": [code]}, as_role=("member", code))
    assert error_codes(body) == ["FORBIDDEN"]


async def test_onboarding_refuses_bad_input_and_other_callers(
    gql: GraphQLClient, region_code: Any
) -> None:
    bad = await gql.data(
        ONBOARD, {"input": {"code": "y0-", "name": "X"}}, as_role=("platform_admin", None)
    )
    assert bad["onboardSha"]["__typename"] == "ValidationError"
    live = await gql.data(
        ONBOARD, {"input": {"code": "Q31", "name": "Again"}}, as_role=("platform_admin", None)
    )
    assert live["onboardSha"]["__typename"] == "ConflictError"
    assert "already live" in live["onboardSha"]["message"]
    taken = await gql.data(
        ONBOARD,
        {
            "input": {
                "code": region_code(),
                "name": "Host Thief",
                "hosts": ["london.cln.nhs.example"],
            }
        },
        as_role=("platform_admin", None),
    )
    assert taken["onboardSha"]["__typename"] == "ConflictError"
    for role, sha in (("national_lead", None), ("sha_admin", "Q31")):
        body = await gql(
            ONBOARD, {"input": {"code": region_code(), "name": "No"}}, as_role=(role, sha)
        )
        assert error_codes(body) == ["FORBIDDEN"]


async def test_onboarding_by_cli_and_resuming_is_idempotent(
    cli: Any, owner_sql: Any, region_code: Any, gql: GraphQLClient, app: Any
) -> None:
    code = region_code()
    assert (
        await cli("rollout", "onboard", code, "--name", "CLI Region", "--host", "cli.cln.test") == 0
    )
    again = await cli("rollout", "onboard", code, "--name", "CLI Region")
    assert again == 0
    rows = await owner_sql("SELECT status, name FROM shas WHERE code = $1", code)
    assert [tuple(r) for r in rows] == [("planned", "CLI Region")]
    orgs = await owner_sql("SELECT count(*) FROM organisations WHERE sha_code = $1", code)
    assert orgs[0][0] == 3
    hosts = await owner_sql("SELECT host FROM sha_hosts WHERE sha_code = $1", code)
    assert [r[0] for r in hosts] == ["cli.cln.test"]
    # The CLI is another process: the API sees its change once its snapshot's TTL
    # passes; invalidating stands for that here (tests do not wait on clocks).
    app.state.cln.registry.invalidate()
    national = await gql.data(VIEWER, as_role=("national_lead", None))
    assert code in national["viewer"]["readableShas"]


async def test_ddl_gives_way_to_a_held_lock_and_retries(
    admin_engine: Any, settings: Any, admin_url: str, gql: GraphQLClient
) -> None:
    """A DDL step that cannot get its lock in time backs off and tries again, and the
    traffic queued behind it is not held up meanwhile."""
    from sqlalchemy import text

    from tenants.ddl import with_lock_retries

    holder = await asyncpg.connect(admin_url)
    await holder.execute("BEGIN; LOCK TABLE cln.audit_log IN SHARE UPDATE EXCLUSIVE MODE")
    attempts = 0

    async def step(conn: Any) -> int:
        nonlocal attempts
        attempts += 1
        if attempts == 2:
            reads = await gql.data(MEMBERS, {"shas": None}, as_role=("member", "Q31"))
            assert len(reads["members"]["edges"]) == 5
            await holder.execute("COMMIT")
        await conn.execute(text("LOCK TABLE cln.audit_log IN SHARE UPDATE EXCLUSIVE MODE"))
        return attempts

    try:
        assert await with_lock_retries(admin_engine, settings, step) == 2
    finally:
        await holder.close()
