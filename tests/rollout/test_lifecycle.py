"""Status transitions and what each status means for readers and writers."""

from __future__ import annotations

from typing import Any

import pytest

from tenants.registry import RolloutStatus, ShaRegistry
from tests.factories import CREATE_ORG, create_member, create_organisation, unique_practice_code
from tests.rollout.queries import DASHBOARD, MEMBERS, VIEWER, change_status, onboard
from tests.support import GraphQLClient, error_codes

TENANT_TABLES = (
    "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = 'cln' AND NOT c.relispartition"
)


async def test_full_lifecycle_is_recorded_with_who_and_when(
    gql: GraphQLClient, region_code: Any, app: Any, settings: Any
) -> None:
    code = region_code()
    await onboard(gql, code)
    steps = [
        ("PILOT", "pilot starts"),
        ("LIVE", None),
        ("SUSPENDED", "board review"),
        ("LIVE", None),
        ("RETIRED", "merged"),
    ]
    previous = "PLANNED"
    for status, note in steps:
        result = await change_status(gql, code, status, note)
        assert result["__typename"] == "ShaStatusPayload", result
        assert result["previous"] == previous
        assert result["sha"]["status"] == status
        previous = status
    history = result["sha"]["statusHistory"]
    assert [h["status"] for h in history] == ["PLANNED", *[s for s, _ in steps]]
    assert {h["changedBy"].split(":")[0] for h in history} == {"user"}
    assert [h["note"] for h in history[1:]] == [n for _, n in steps]
    times = [h["changedAt"] for h in history]
    assert times == sorted(times)
    # Another process with its own snapshot sees the change once its TTL has passed.
    other = ShaRegistry(app.state.cln.engine, settings.db_schema, ttl_s=0)
    assert (await other.snapshot())[code].status == RolloutStatus.RETIRED


async def test_invalid_transitions_are_typed_errors(gql: GraphQLClient, region_code: Any) -> None:
    code = region_code()
    await onboard(gql, code)
    result = await change_status(gql, code, "LIVE")
    assert result["__typename"] == "InvalidTransitionError"
    assert (result["current"], result["requested"]) == ("PLANNED", "LIVE")
    assert sorted(result["allowed"]) == ["PILOT", "RETIRED"]
    assert (await change_status(gql, code, "RETIRED"))["__typename"] == "ShaStatusPayload"
    again = await change_status(gql, code, "PILOT")
    assert again["__typename"] == "InvalidTransitionError"
    assert again["allowed"] == []
    missing = await change_status(gql, "Z99", "PILOT")
    assert missing["__typename"] == "NotFoundError"
    body = await gql(
        'mutation { changeShaStatus(input: {code: "Q31", status: SUSPENDED}) { __typename } }',
        as_role=("national_lead", None),
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_pilot_works_for_its_members_and_is_marked_nationally(
    gql: GraphQLClient, region_code: Any
) -> None:
    code = region_code()
    await onboard(gql, code)
    await change_status(gql, code, "PILOT")
    member = await create_member(gql, code)
    assert member["shaCode"] == code
    seen = await gql.data(MEMBERS, {"shas": None}, as_role=("member", code))
    assert [e["node"]["shaCode"] for e in seen["members"]["edges"]] == [code]
    dashboard = await gql.data(DASHBOARD, {"shas": None}, as_role=("national_lead", None))
    rows = {r["shaCode"]: r for r in dashboard["nationalDashboard"]["membersBySha"]}
    assert rows[code]["pilot"] is True and rows[code]["status"] == "PILOT"
    assert rows[code]["members"] == 1
    assert rows["Q31"]["pilot"] is False


async def test_suspended_region_is_read_only_with_a_clear_error(
    gql: GraphQLClient, region_code: Any
) -> None:
    code = region_code()
    await onboard(gql, code)
    await change_status(gql, code, "PILOT")
    org = await create_organisation(gql, code)
    await change_status(gql, code, "SUSPENDED")
    values = {
        "shaCode": code,
        "code": unique_practice_code(),
        "name": "Late",
        "type": "GP_PRACTICE",
    }
    data = await gql.data(CREATE_ORG, {"input": values}, as_role=("sha_admin", code))
    result = data["createOrganisation"]
    assert result["__typename"] == "ForbiddenError"
    assert f"SHA {code} is suspended" in result["message"]
    read = await gql.data(
        "query($id: ID!) { organisation(id: $id) { code } }",
        {"id": org["id"]},
        as_role=("member", code),
    )
    assert read["organisation"]["code"] == org["code"]
    viewer = await gql.data(VIEWER, as_role=("sha_admin", code))
    assert viewer["viewer"] == {"readableShas": [code], "writableShas": []}
    await change_status(gql, code, "LIVE")
    assert (await create_organisation(gql, code))["shaCode"] == code


async def test_retired_region_disappears_from_national_totals(
    gql: GraphQLClient, region_code: Any
) -> None:
    code = region_code()
    await onboard(gql, code)
    await change_status(gql, code, "PILOT")
    await create_member(gql, code)
    before = await gql.data(DASHBOARD, {"shas": None}, as_role=("national_lead", None))
    assert code in before["nationalDashboard"]["shaCodes"]
    await change_status(gql, code, "RETIRED")
    after = await gql.data(DASHBOARD, {"shas": None}, as_role=("national_lead", None))
    board = after["nationalDashboard"]
    assert code not in board["shaCodes"]
    assert code not in {r["shaCode"] for r in board["membersByProfession"]}
    assert code not in {r["shaCode"] for r in board["rollout"]}
    for role, sha in (("member", code), ("platform_admin", None)):
        viewer = await gql.data(VIEWER, as_role=(role, sha))
        assert code not in viewer["viewer"]["readableShas"]


async def test_retire_by_cli_exports_then_detaches(
    gql: GraphQLClient, region_code: Any, cli: Any, owner_sql: Any, tmp_path: Any
) -> None:
    code = region_code()
    await onboard(gql, code)
    await change_status(gql, code, "PILOT")
    await create_member(gql, code)
    out = tmp_path / "export"
    assert await cli("rollout", "retire", code, "--export", str(out), "--note", "closed") == 0
    manifest = (out / "manifest.json").read_text()
    assert f'"code": "{code}"' in manifest
    attached = await owner_sql(
        "SELECT child.relname FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid"
        " WHERE child.relname LIKE $1",
        f"%\\_{code.lower()}",
    )
    assert attached == []
    kept = await owner_sql("SELECT count(*) FROM members_" + code.lower())
    assert kept[0][0] == 1
    history = await owner_sql(
        "SELECT status, note FROM sha_status_history WHERE sha_code = $1 ORDER BY id", code
    )
    assert [r[0] for r in history] == ["planned", "pilot", "retired", "retired"]
    tables = await owner_sql(TENANT_TABLES)
    assert history[-1][1] == f"detached {len(tables)} partitions"


async def test_region_retired_by_mutation_is_exported_and_detached_later(
    gql: GraphQLClient, region_code: Any, cli: Any, owner_sql: Any, tmp_path: Any
) -> None:
    code = region_code()
    await onboard(gql, code)
    await change_status(gql, code, "RETIRED", "never went live")
    out = tmp_path / "late"
    assert await cli("rollout", "retire", code, "--export", str(out), "--format", "csv") == 0
    assert (out / "organisations.csv").read_text().count("\n") == 4  # header and 3 rows
    attached = await owner_sql(
        "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE c.relname LIKE $1",
        f"%\\_{code.lower()}",
    )
    assert attached[0][0] == 0


async def test_only_retired_regions_detach(
    gql: GraphQLClient, region_code: Any, admin_engine: Any, settings: Any, owner_sql: Any
) -> None:
    from tenants.lifecycle import NotRetired, detach_partitions

    code = region_code()
    await onboard(gql, code)
    with pytest.raises(NotRetired, match="planned"):
        await detach_partitions(admin_engine, settings, code, actor="test")
    attached = await owner_sql(
        "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE c.relname LIKE $1",
        f"%\\_{code.lower()}",
    )
    assert attached[0][0] == len(await owner_sql(TENANT_TABLES))
