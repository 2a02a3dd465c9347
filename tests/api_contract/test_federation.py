"""Apollo Federation 2: `_entities` honours tenant rules like `node(id:)`; the subgraph
composes with Apollo's composition; a real Apollo gateway resolves our Member entity."""

from __future__ import annotations

from typing import Any

from clngraph.nodejs import NodeProject
from tests.api_contract.conftest import run_node
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient

ENTITIES = """
query ($reps: [_Any!]!) {
  _entities(representations: $reps) {
    __typename
    ... on Member { id givenName sha_: shaCode }
    ... on Organisation { id name }
    ... on Sha { id code }
  }
}
"""


async def test_entities_resolve_within_scope(gql: GraphQLClient) -> None:
    member = await create_member(gql, "Q31")
    sha_id = (await gql.data('{ sha(code: "Q31") { id } }', as_role=("member", "Q31")))["sha"]
    reps = [
        {"__typename": "Member", "id": member["id"]},
        {"__typename": "Sha", "id": sha_id["id"]},
    ]
    data = await gql.data(ENTITIES, {"reps": reps}, as_role=("member", "Q31"))
    assert data["_entities"][0]["id"] == member["id"]
    assert data["_entities"][0]["sha_"] == "Q31"
    assert data["_entities"][1]["code"] == "Q31"


async def test_entities_of_another_sha_are_null(gql: GraphQLClient, sql_log: Any) -> None:
    member = await create_member(gql, "Q31")
    organisation = await create_organisation(gql, "Q31")
    reps = [
        {"__typename": "Member", "id": member["id"]},
        {"__typename": "Organisation", "id": organisation["id"]},
        # a Member id presented as an Organisation: null, never the member
        {"__typename": "Organisation", "id": member["id"]},
    ]
    sql_log.clear()
    body = await gql(ENTITIES, {"reps": reps}, as_role=("sha_admin", "Q36"))
    assert body["data"]["_entities"] == [None, None, None]
    assert not body.get("errors")
    # refused before any SQL, as node lookups are
    assert [s for s in sql_log.queries() if "members" in s or "organisations" in s] == []
    national = await gql.data(ENTITIES, {"reps": reps[:1]}, as_role=("national_lead", None))
    assert national["_entities"][0]["id"] == member["id"]


async def test_entities_with_a_malformed_id_are_a_typed_error(gql: GraphQLClient) -> None:
    body = await gql(
        ENTITIES, {"reps": [{"__typename": "Member", "id": "nope"}]}, as_role=("member", "Q31")
    )
    assert body["data"]["_entities"] == [None]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_subgraph_composes_with_apollo_composition(live_url: str, node_tools: NodeProject) -> None:
    report = run_node(node_tools, "compose.mjs", f"{live_url}/graphql")
    assert report["alone"] == {
        "ok": True,
        "errors": [],
        "entities": ["Member", "Organisation", "Sha"],
    }
    assert report["together"]["ok"], report["together"]["errors"]


async def test_apollo_gateway_resolves_our_member_entity(
    gql: GraphQLClient, make_token: Any, live_url: str, node_tools: NodeProject
) -> None:
    member = await create_member(gql, "Q31", givenName="Florence", familyName="Gateway")
    own, other = make_token("member", "Q31"), make_token("member", "Q36")
    responses = run_node(node_tools, "gateway.mjs", f"{live_url}/graphql", member["id"], own, other)
    first, second = responses
    assert first["status"] == 200, first
    resolved = first["body"]["data"]["spotlight"]["member"]
    assert resolved == {
        "id": member["id"],
        "givenName": "Florence",
        "familyName": "Gateway",
        "sha": {"code": "Q31"},
    }
    # through the gateway too, another region's member is null, never data
    assert second["body"]["data"]["spotlight"] == {"title": "Member of the month", "member": None}
