"""What a partner token reaches: only the SHAs and scopes of its agreement, by every
path (lists, node ids, filters, narrowing, mutations), at a bounded SQL cost."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import GraphQLClient, SqlLog, error_codes

MEMBERS = """
query($shas: [String!], $first: Int) {
  members(first: $first, shas: $shas) { edges { node { id shaCode organisation { code } } } }
}"""
ORGS = "{ organisations(first: 5) { edges { node { id shaCode } } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Member { shaCode } } }"


@pytest.fixture
async def reader(make_partner: Any, partner_token: Any) -> str:
    partner = await make_partner(["directory:read"], ["Q31"])
    token: str = await partner_token(partner)
    return token


@pytest.fixture
async def no_directory(make_partner: Any, partner_token: Any) -> str:
    partner = await make_partner(["escalator:read"], ["Q31"])
    token: str = await partner_token(partner)
    return token


async def q36_member_id(gql: GraphQLClient) -> str:
    data = await gql.data(MEMBERS, {"first": 1}, as_role=("member", "Q36"))
    return str(data["members"]["edges"][0]["node"]["id"])


async def test_directory_read_partner_sees_only_granted_shas(
    gql: GraphQLClient, reader: str
) -> None:
    data = await gql.data(MEMBERS, {"first": 20}, token=reader)
    assert data["members"]["edges"]
    assert {e["node"]["shaCode"] for e in data["members"]["edges"]} == {"Q31"}
    orgs = await gql.data(ORGS, token=reader)
    assert {e["node"]["shaCode"] for e in orgs["organisations"]["edges"]} == {"Q31"}


async def test_partner_cannot_reach_another_sha_by_any_path(
    gql: GraphQLClient, reader: str
) -> None:
    narrowed = await gql(MEMBERS, {"shas": ["Q36"]}, token=reader)
    assert error_codes(narrowed) == ["FORBIDDEN"]
    by_path = await gql(MEMBERS, {"first": 1}, token=reader, path="/sha/Q36/graphql")
    assert error_codes(by_path) == ["FORBIDDEN"]
    by_header = await gql(MEMBERS, {"first": 1}, token=reader, headers={"X-CLN-SHA": "Q36"})
    assert error_codes(by_header) == ["FORBIDDEN"]
    node = await gql.data(NODE, {"id": await q36_member_id(gql)}, token=reader)
    assert node["node"] is None


async def test_partner_without_directory_scope_reads_no_directory(
    gql: GraphQLClient, no_directory: str
) -> None:
    body = await gql(MEMBERS, {"first": 5}, token=no_directory)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["missingScopes"] == ["directory:read"]
    assert error_codes(await gql(ORGS, token=no_directory)) == ["FORBIDDEN"]
    own = await gql.data(MEMBERS, {"first": 1}, as_role=("member", "Q31"))
    member_id = own["members"]["edges"][0]["node"]["id"]
    # selecting Member fields is refused before it runs; the id alone resolves to null
    refused = await gql(NODE, {"id": member_id}, token=no_directory)
    assert error_codes(refused) == ["FORBIDDEN"]
    bare = "query($id: ID!) { node(id: $id) { id __typename } }"
    assert (await gql.data(bare, {"id": member_id}, token=no_directory))["node"] is None


async def test_partners_cannot_write_the_directory(gql: GraphQLClient, reader: str) -> None:
    body = await gql(
        """mutation { createOrganisation(input: {shaCode: "Q31", code: "A12345",
           name: "X", type: GP_PRACTICE}) { __typename } }""",
        token=reader,
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_partner_page_costs_a_bounded_number_of_statements(
    gql: GraphQLClient, reader: str, sql_log: SqlLog
) -> None:
    counts = []
    await gql.data(MEMBERS, {"first": 1}, token=reader)  # warm the signing-key cache
    for size in (3, 25):
        sql_log.clear()
        data = await gql.data(MEMBERS, {"first": size}, token=reader)
        assert len(data["members"]["edges"]) == size
        # Timer-driven caches are not the page's cost (SqlLog.queries leaves them out).
        counts.append(len(sql_log.queries()))
    assert counts[0] == counts[1], sql_log.statements
    assert counts[0] <= 8, counts
