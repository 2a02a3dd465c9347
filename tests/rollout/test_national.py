"""The national dashboard and cross-region list queries: SQL-side figures, bounded cost,
partition pruning."""

from __future__ import annotations

import json
import re
from typing import Any

import asyncpg
from sqlalchemy import event

from foundation.db import api_url
from tests.rollout.queries import DASHBOARD, MEMBERS
from tests.support import GraphQLClient, SqlLog, error_codes, tenant_context


async def test_dashboard_figures_match_the_database(gql: GraphQLClient, owner_sql: Any) -> None:
    data = await gql.data(DASHBOARD, {"shas": ["Q31", "Q36"]}, as_role=("national_lead", None))
    board = data["nationalDashboard"]
    assert board["shaCodes"] == ["Q31", "Q36"]
    expected = await owner_sql(
        "SELECT sha_code, profession, count(*) AS n,"
        " count(*) FILTER (WHERE status = 'ACTIVE') AS a FROM members"
        " WHERE sha_code IN ('Q31', 'Q36') GROUP BY 1, 2 ORDER BY 1, 2"
    )
    got = [
        (r["shaCode"], r["profession"], r["members"], r["activeMembers"])
        for r in board["membersByProfession"]
    ]
    assert got == [(r["sha_code"], r["profession"], r["n"], r["a"]) for r in expected]
    totals = {r["shaCode"]: r["members"] for r in board["membersBySha"]}
    for sha in ("Q31", "Q36"):
        assert totals[sha] == sum(r["n"] for r in expected if r["sha_code"] == sha)
    orgs = await owner_sql(
        "SELECT sha_code, count(*) FROM organisations WHERE sha_code IN ('Q31', 'Q36') GROUP BY 1"
    )
    assert {r["shaCode"]: r["organisations"] for r in board["rollout"]} == dict(
        (r[0], r[1]) for r in orgs
    )
    assert {r["shaCode"]: r["status"] for r in board["rollout"]} == {"Q31": "LIVE", "Q36": "LIVE"}


async def test_dashboard_costs_the_same_statements_for_two_shas_or_all(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    counts = []
    for shas in (["Q31", "Q36"], None):
        sql_log.clear()
        data = await gql.data(DASHBOARD, {"shas": shas}, as_role=("national_lead", None))
        assert len(data["nationalDashboard"]["shaCodes"]) >= 2
        # The registry snapshot reloads once per TTL, whatever the request: not counted.
        request = sql_log.queries()
        counts.append(len(request))
        assert any("FROM rollup_members" in s for s in request)
        assert not any("FROM members" in s for s in request)  # the rollup, not the table
    assert counts[0] == counts[1]
    # the sections' rollups in one statement, the cross-region read row (the tenant context
    # travels with BEGIN, outside SQLAlchemy's statement events)
    assert counts[0] == 2, sql_log.statements


async def test_dashboard_is_for_national_roles_only(gql: GraphQLClient) -> None:
    for role, sha in (("member", "Q31"), ("sha_admin", "Q31")):
        body = await gql(DASHBOARD, {"shas": None}, as_role=(role, sha))
        assert error_codes(body) == ["FORBIDDEN"]
    anonymous = await gql(DASHBOARD, {"shas": None})
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    body = await gql(DASHBOARD, {"shas": ["Q31", "Y99"]}, as_role=("national_lead", None))
    assert error_codes(body) == ["FORBIDDEN"]


async def test_two_sha_query_touches_exactly_two_partitions(
    gql: GraphQLClient, app: Any, admin_url: str, settings: Any
) -> None:
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        seen.append((statement, parameters))

    engine = app.state.cln.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        data = await gql.data(MEMBERS, {"shas": ["Q31", "Q36"]}, as_role=("national_lead", None))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert {e["node"]["shaCode"] for e in data["members"]["edges"]} <= {"Q31", "Q36"}
    statement, params = next((s, p) for s, p in seen if "FROM members" in s and "LIMIT" in s)
    conn = await asyncpg.connect(api_url(settings, admin_url))
    try:
        async with conn.transaction():
            await conn.execute(f"SET LOCAL search_path = {settings.db_schema}")
            everything = ",".join(f"Q3{i}" for i in range(10))
            await conn.execute(tenant_context(settings, everything))
            plan = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {statement}", *params)
    finally:
        await conn.close()
    relations: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "Relation Name" in node:
                # on Citus the plan names shards: members_q31_102088 is of members_q31
                relations.add(re.sub(r"_\d+$", "", node["Relation Name"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(plan))
    assert relations == {"members_q31", "members_q36"}
