"""A page costs a bounded number of SQL statements, whatever its size."""

from __future__ import annotations

from tests.support import GraphQLClient, SqlLog, error_codes

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
    # page with organisations joined + member counts + the cross-region read audit row
    assert counts[100] == 3, sql_log.statements


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


LOOKAHEAD = """query($n: Int!) { members(first: $n, shas: ["Q31"]) {
  nodes { ...Card one: networks(first: 1) { network { name } } }
  edges { node { id three: networks(first: 3) { network { name } } } } } }
fragment Card on Member { id organisation { code } }"""


async def test_page_prefetch_follows_fragments_aliases_and_windows(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    """The members page loads what its nodes select (through fragments, under `nodes`
    and `edges.node`, one batch per `networks(first:)` window) with the page; the
    answers are those each member gives when asked on its own."""
    counts = {}
    for size in (5, 40):
        sql_log.clear()
        data = await gql.data(LOOKAHEAD, {"n": size}, as_role=("sha_admin", "Q31"))
        counts[size] = len(sql_log.queries())
    assert counts[5] == counts[40] == 3, sql_log.statements  # page+organisations, 2 windows
    nodes, edges = data["members"]["nodes"], data["members"]["edges"]
    for node, edge in list(zip(nodes, edges, strict=True))[:8]:
        alone = await gql.data(
            """query($id: ID!) { member(id: $id) { organisation { code }
            networks(first: 3) { network { name } } } }""",
            {"id": node["id"]},
            as_role=("sha_admin", "Q31"),
        )
        assert node["organisation"] == alone["member"]["organisation"]
        assert edge["node"]["three"] == alone["member"]["networks"]
        assert node["one"] == alone["member"]["networks"][:1]


async def test_bad_window_is_reported_by_its_field(gql: GraphQLClient) -> None:
    body = await gql(
        '{ members(first: 3, shas: ["Q31"]) { nodes { id networks(first: 200) { role } } } }',
        as_role=("sha_admin", "Q31"),
    )
    assert error_codes(body) and set(error_codes(body)) == {"BAD_USER_INPUT"}
    assert all(e["path"][-1] == "networks" for e in body["errors"])
