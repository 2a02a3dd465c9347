"""A caller of one SHA reads and writes nothing of another, by any path."""

from __future__ import annotations

import pytest

from tests.factories import CREATE_MEMBER, CREATE_ORG, create_member
from tests.support import GraphQLClient, error_codes

OWN, OTHER = "Q31", "Q36"


@pytest.fixture
async def other(gql: GraphQLClient) -> dict[str, str]:
    """A member and organisation of the other SHA."""
    member = await create_member(gql, OTHER)
    data = await gql.data(
        "query($id: ID!) { member(id: $id) { organisation { id } } }",
        {"id": member["id"]},
        as_role=("sha_admin", OTHER),
    )
    return {"member": member["id"], "organisation": data["member"]["organisation"]["id"]}


@pytest.mark.parametrize("role", ["member", "moderator", "sha_admin"])
async def test_lists_hold_only_own_sha(gql: GraphQLClient, role: str) -> None:
    query = """{ members(first: 500) { totalCount edges { node { shaCode } } }
                 organisations(first: 500) { totalCount edges { node { shaCode } } }
                 shas { code memberCount organisationCount } }"""
    data = await gql.data(query, as_role=(role, OWN))
    assert {e["node"]["shaCode"] for e in data["members"]["edges"]} == {OWN}
    assert {e["node"]["shaCode"] for e in data["organisations"]["edges"]} == {OWN}
    assert [s["code"] for s in data["shas"]] == [OWN]


async def test_node_ids_of_other_sha_resolve_to_null(
    gql: GraphQLClient, other: dict[str, str]
) -> None:
    query = """query($m: ID!, $o: ID!) {
      node(id: $m) { id } nodes(ids: [$m, $o]) { id }
      member(id: $m) { id } organisation(id: $o) { id } }"""
    data = await gql.data(
        query, {"m": other["member"], "o": other["organisation"]}, as_role=("sha_admin", OWN)
    )
    assert data == {"node": None, "nodes": [None, None], "member": None, "organisation": None}
    sha = await gql.data(
        '{ sha(code: "Q36") { code } node(id: "U2hhOlEzNjpRMzY") { id } }', as_role=("member", OWN)
    )
    assert sha == {"sha": None, "node": None}


async def test_forged_id_naming_own_sha_finds_nothing(
    gql: GraphQLClient, other: dict[str, str]
) -> None:
    """An id re-encoded with the caller's SHA but another SHA's key: RLS and the
    sha_code predicate both miss it."""
    import base64

    raw = base64.urlsafe_b64decode(other["member"] + "==").decode().replace(OTHER, OWN)
    forged = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    data = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": forged}, as_role=("member", OWN)
    )
    assert data["node"] is None


async def test_filters_cannot_reach_other_sha(gql: GraphQLClient, other: dict[str, str]) -> None:
    data = await gql.data(
        "query($o: ID!) { members(filter: {organisationId: $o}) { totalCount edges { node { id } } } }",
        {"o": other["organisation"]},
        as_role=("member", OWN),
    )
    assert data["members"] == {"totalCount": 0, "edges": []}
    body = await gql('{ members(shas: ["Q36"]) { totalCount } }', as_role=("member", OWN))
    assert error_codes(body) == ["FORBIDDEN"]


async def test_region_selection_outside_reach_is_forbidden(gql: GraphQLClient) -> None:
    for kwargs in (
        {"path": f"/sha/{OTHER}/graphql"},
        {"headers": {"X-CLN-SHA": OTHER}},
        {"headers": {"Host": "london.cln.test"}},
    ):
        body = await gql("{ viewer { readableShas } }", as_role=("member", OWN), **kwargs)
        assert error_codes(body) == ["FORBIDDEN"], kwargs
    own = await gql.data(
        "{ viewer { readableShas } }", as_role=("member", OWN), headers={"Host": "nw.cln.test"}
    )
    assert own["viewer"]["readableShas"] == [OWN]


async def test_national_lead_narrowed_by_path(gql: GraphQLClient) -> None:
    data = await gql.data(
        "{ members(first: 500) { edges { node { shaCode } } } }",
        as_role=("national_lead", None),
        path=f"/sha/{OTHER}/graphql",
    )
    assert {e["node"]["shaCode"] for e in data["members"]["edges"]} == {OTHER}
    both = await gql.data(
        '{ members(first: 500, shas: ["Q31", "Q36"]) { edges { node { shaCode } } } }',
        as_role=("national_lead", None),
    )
    assert {e["node"]["shaCode"] for e in both["members"]["edges"]} == {OWN, OTHER}


async def test_mutations_cannot_write_other_sha(gql: GraphQLClient, other: dict[str, str]) -> None:
    role = ("sha_admin", OWN)
    create_org = await gql.data(
        CREATE_ORG,
        {"input": {"shaCode": OTHER, "code": "5QQ", "name": "Smuggled", "type": "PCT"}},
        as_role=role,
    )
    assert create_org["createOrganisation"]["__typename"] == "ForbiddenError"
    create_member = await gql.data(
        CREATE_MEMBER,
        {
            "input": {
                "organisationId": other["organisation"],
                "givenName": "A",
                "familyName": "B",
                "profession": "MANAGER",
            }
        },
        as_role=role,
    )
    assert create_member["createMember"]["__typename"] == "NotFoundError"
    update = await gql.data(
        """mutation($id: ID!) { updateMember(input: {id: $id, givenName: "Hijacked"}) { __typename } }""",
        {"id": other["member"]},
        as_role=role,
    )
    assert update["updateMember"]["__typename"] == "NotFoundError"
    update_org = await gql.data(
        """mutation($id: ID!) { updateOrganisation(input: {id: $id, name: "Hijacked"}) { __typename } }""",
        {"id": other["organisation"]},
        as_role=role,
    )
    assert update_org["updateOrganisation"]["__typename"] == "NotFoundError"
    still = await gql.data(
        "query($id: ID!) { member(id: $id) { givenName } }",
        {"id": other["member"]},
        as_role=("sha_admin", OTHER),
    )
    assert still["member"]["givenName"] == "Test"


async def test_member_cannot_move_to_other_sha_organisation(
    gql: GraphQLClient, other: dict[str, str]
) -> None:
    mine = await create_member(gql, OWN)
    data = await gql.data(
        """mutation($id: ID!, $org: ID!) { updateMember(input: {id: $id, organisationId: $org}) {
             __typename } }""",
        {"id": mine["id"], "org": other["organisation"]},
        as_role=("sha_admin", OWN),
    )
    assert data["updateMember"]["__typename"] == "ValidationError"
