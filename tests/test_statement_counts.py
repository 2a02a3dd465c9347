"""A page costs a bounded number of SQL statements, whatever its size."""

from __future__ import annotations

from tests.support import GraphQLClient, SqlLog

PAGE = """query($n: Int!) { members(first: $n) { edges { node { id displayName
  organisation { code name memberCount sha { code name } } sha { code } } } } }"""


async def test_members_page_with_nested_organisation(gql: GraphQLClient, sql_log: SqlLog) -> None:
    counts = {}
    await gql.data("{ viewer { subject } }", as_role=("national_lead", None))  # warm the registry
    for size in (10, 100):
        sql_log.clear()
        data = await gql.data(PAGE, {"n": size}, as_role=("national_lead", None))
        assert len(data["members"]["edges"]) == size
        counts[size] = len(sql_log.queries())
    assert counts[10] == counts[100], sql_log.statements
    # page + organisations + member counts + the cross-region read audit row
    assert counts[100] == 4, sql_log.statements


async def test_dashboard_counts_are_one_statement_each(gql: GraphQLClient, sql_log: SqlLog) -> None:
    await gql.data("{ viewer { subject } }", as_role=("national_lead", None))  # warm the registry
    sql_log.clear()
    data = await gql.data(
        "{ shas { code memberCount organisationCount statusHistory { status } } }",
        as_role=("national_lead", None),
    )
    # the ten SHAs of 2006-2013, plus any region the rollout tests onboarded earlier
    assert {s["code"] for s in data["shas"]} >= {f"Q3{i}" for i in range(10)}
    # one per loader, and the cross-region read audit row (the counts span regions)
    assert len(sql_log.queries()) == 4, sql_log.statements
    assert any("INSERT INTO cross_region_reads" in s for s in sql_log.queries())
