"""Directory reads: connections, filters, sort, cursors, node lookup."""

from __future__ import annotations

from typing import Any

from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient, error_codes

MEMBERS = """
query($first: Int, $after: String, $last: Int, $before: String, $filter: MemberFilter,
      $orderBy: MemberOrder, $shas: [String!]) {
  members(first: $first, after: $after, last: $last, before: $before, filter: $filter,
          orderBy: $orderBy, shas: $shas) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id shaCode givenName familyName profession roles status joinedOn
                          organisation { id code } } }
  }
}"""


def names(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["node"]["familyName"], e["node"]["givenName"]) for e in data["members"]["edges"]]


async def test_member_sees_own_sha_only(gql: GraphQLClient) -> None:
    data = await gql.data(MEMBERS, {"first": 100}, as_role=("member", "Q32"))
    assert data["members"]["totalCount"] >= 30
    assert {e["node"]["shaCode"] for e in data["members"]["edges"]} == {"Q32"}


async def test_national_lead_sees_all_live_shas(gql: GraphQLClient) -> None:
    data = await gql.data(
        "{ shas { code status } viewer { readableShas } }", as_role=("national_lead", None)
    )
    seeded = [f"Q{n}" for n in range(30, 40)]
    live = [s["code"] for s in data["shas"] if s["status"] == "LIVE"]
    assert set(seeded) <= set(live), "other tests may onboard more regions"
    page = await gql.data(MEMBERS, {"first": 500, "shas": seeded}, as_role=("national_lead", None))
    assert {e["node"]["shaCode"] for e in page["members"]["edges"]} == set(seeded)


async def test_forward_and_backward_pagination_are_consistent(gql: GraphQLClient) -> None:
    role = ("member", "Q33")
    everything = names(await gql.data(MEMBERS, {"first": 500}, as_role=role))
    assert everything == sorted(everything)
    seen: list[tuple[str, str]] = []
    after = None
    while True:
        page = await gql.data(MEMBERS, {"first": 7, "after": after}, as_role=role)
        seen += names(page)
        info = page["members"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == everything
    back = await gql.data(MEMBERS, {"last": 5}, as_role=role)
    assert names(back) == everything[-5:]
    before = back["members"]["pageInfo"]["startCursor"]
    earlier = await gql.data(MEMBERS, {"last": 5, "before": before}, as_role=role)
    assert names(earlier) == everything[-10:-5]


async def test_filters_and_sort(gql: GraphQLClient) -> None:
    role = ("sha_admin", "Q34")
    org = await create_organisation(gql, "Q34")
    a = await create_member(
        gql,
        "Q34",
        org["id"],
        givenName="Zed",
        familyName="Filtertest",
        profession="PHARMACIST",
        registration={"body": "GPHC", "number": "2123456"},
        roles=["PBC_LEAD", "CLINICAL_LEAD"],
        joinedOn="2008-01-01",
    )
    await create_member(
        gql,
        "Q34",
        org["id"],
        givenName="Amy",
        familyName="Filtertest",
        roles=["PBC_LEAD"],
        joinedOn="2009-06-01",
    )
    by_org = await gql.data(
        MEMBERS,
        {
            "filter": {"organisationId": org["id"]},
            "orderBy": {"field": "JOINED_ON", "direction": "DESC"},
        },
        as_role=role,
    )
    assert [e["node"]["givenName"] for e in by_org["members"]["edges"]] == ["Amy", "Zed"]
    both_roles = await gql.data(
        MEMBERS,
        {"filter": {"organisationId": org["id"], "roles": ["PBC_LEAD", "CLINICAL_LEAD"]}},
        as_role=role,
    )
    assert [e["node"]["id"] for e in both_roles["members"]["edges"]] == [a["id"]]
    pharmacists = await gql.data(
        MEMBERS, {"filter": {"professions": ["PHARMACIST"], "search": "filtertest"}}, as_role=role
    )
    assert [e["node"]["id"] for e in pharmacists["members"]["edges"]] == [a["id"]]
    nobody = await gql.data(MEMBERS, {"filter": {"search": "%"}, "first": 5}, as_role=role)
    assert nobody["members"]["totalCount"] == 0, "LIKE wildcards in search are escaped"


async def test_node_lookup_by_global_id(gql: GraphQLClient) -> None:
    member = await create_member(gql, "Q35")
    query = """query($id: ID!) { node(id: $id) { __typename id ... on Member { displayName
               organisation { code sha { code name } } } } }"""
    data = await gql.data(query, {"id": member["id"]}, as_role=("member", "Q35"))
    assert data["node"]["__typename"] == "Member"
    assert data["node"]["organisation"]["sha"]["code"] == "Q35"


async def test_bad_ids_cursors_and_page_sizes_are_typed_errors(gql: GraphQLClient) -> None:
    role = ("member", "Q31")
    body = await gql('{ node(id: "not-an-id") { id } }', as_role=role)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = await gql(MEMBERS, {"after": "garbage"}, as_role=role)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = await gql(MEMBERS, {"first": 100000}, as_role=role)
    assert error_codes(body) == ["COST_LIMIT_EXCEEDED"]
    body = await gql("{ caseStudies(first: 100000) { totalCount } }", as_role=role)
    assert error_codes(body) == ["COST_LIMIT_EXCEEDED"]
    body = await gql(MEMBERS, {"shas": ["nonsense"]}, as_role=role)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_no_token_means_no_tenant_data(gql: GraphQLClient) -> None:
    body = await gql(MEMBERS, {"first": 5})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None
    data = await gql.data("{ shas { code } viewer { subject readableShas } }")
    assert data == {"shas": [], "viewer": {"subject": None, "readableShas": []}}
