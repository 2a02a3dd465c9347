"""SQL statements per request stay constant as the page grows (reference operations 1
and 3, read from bench/operations), and the floor answers them with the same JSON."""

from __future__ import annotations

from typing import Any

import pytest

from bench import operations
from tests.support import GraphQLClient, SqlLog

NATIONAL = ("national_lead", None)


def request_statements(log: SqlLog) -> list[str]:
    """Statements of the request's data (see SqlLog.data_queries)."""
    return log.data_queries()


async def statements_for(
    gql: GraphQLClient, log: SqlLog, op: str, variables: dict[str, Any]
) -> tuple[list[str], dict[str, Any]]:
    log.clear()
    data = await gql.data(operations.query_text("ours", op), variables, as_role=NATIONAL)
    return request_statements(log), data


@pytest.mark.parametrize("op", ["1", "3"])
async def test_statements_constant_for_10_100_500_members(
    bench_gql: GraphQLClient, bench_sql_log: SqlLog, op: str
) -> None:
    counts = []
    for size in (10, 100, 500):
        variables: dict[str, Any] = {"first": size}
        if op == "1":
            variables["profession"] = "NURSE"
        statements, data = await statements_for(bench_gql, bench_sql_log, op, variables)
        connection = data["members"]
        rows = connection["edges"] if op == "1" else connection["nodes"]
        assert len(rows) == size
        if op == "1":
            assert all(e["node"]["organisation"]["code"] for e in rows)
            assert {e["node"]["profession"] for e in rows} == {"NURSE"}
            networks = [n for e in rows for n in e["node"]["networks"]]
            assert networks and all(len(e["node"]["networks"]) <= 5 for e in rows)
        counts.append(len(statements))
    # the page (op 1: organisations joined into it) and (op 1) one batch for every
    # member's first networks; the tenant context goes with BEGIN, before either
    assert counts == [1 if op == "3" else 2] * 3


async def test_dashboard_statements_constant_for_two_or_ten_shas(
    bench_gql: GraphQLClient, bench_sql_log: SqlLog
) -> None:
    """Reference operation 2: one statement reads the rollup tables of its four sections,
    however many SHAs it covers."""
    query = operations.query_text("ours", "2")
    counts = []
    for shas in (["Q31", "Q32"], None):
        narrowed = query.replace("nationalDashboard {", "nationalDashboard(shas: $shas) {")
        narrowed = narrowed.replace("query NationalDashboard {", "query D($shas: [String!]) {")
        bench_sql_log.clear()
        data = await bench_gql.data(narrowed, {"shas": shas}, as_role=NATIONAL)
        dashboard = data["nationalDashboard"]
        assert len(dashboard["membersBySha"]) == (2 if shas else 10)
        assert dashboard["escalatorLevels"] and dashboard["membersByProfession"]
        statements = request_statements(bench_sql_log)
        counts.append(len(statements))
        assert all("FROM rollup_" in s for s in statements), statements
    # member counts, organisation counts, Escalator levels: one UNION ALL of their rollups
    assert counts == [1, 1]


async def test_node_lookup_costs_one_query(bench_gql: GraphQLClient, bench_sql_log: SqlLog) -> None:
    page = await bench_gql.data(
        '{ members(first: 1, shas: ["Q31"]) { nodes { id } } }', as_role=("member", "Q31")
    )
    member_id = page["members"]["nodes"][0]["id"]
    bench_sql_log.clear()
    data = await bench_gql.data(
        operations.query_text("ours", "4"), {"id": member_id}, as_role=("member", "Q31")
    )
    assert data["node"]["id"] == member_id and data["node"]["organisation"]["code"]
    # the member with its organisation joined
    assert len(request_statements(bench_sql_log)) == 1
