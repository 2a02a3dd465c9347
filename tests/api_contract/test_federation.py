"""Apollo Federation 2: `_entities` honours tenant rules like `node(id:)` (for the
regional types and for the national ones, Event and CaseStudy); the subgraph composes
with Apollo's composition; a real Apollo gateway resolves our Member entity."""

from __future__ import annotations

from typing import Any

from clngraph.nodejs import NodeProject
from tests.api_contract.conftest import run_node
from tests.connect_networks.conftest import create_network
from tests.connect_sets.conftest import create_event
from tests.develop_escalator.test_knowledge import STATUS as CASE_STUDY_STATUS
from tests.develop_escalator.test_knowledge import create as create_case_study
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient

ENTITIES = """
query ($reps: [_Any!]!) {
  _entities(representations: $reps) {
    __typename
    ... on Member { id givenName sha_: shaCode }
    ... on Organisation { id name }
    ... on Sha { id code }
    ... on Network { id name }
    ... on Event { id title isNational }
    ... on CaseStudy { id title status }
  }
}
"""

NODE = "query ($id: ID!) { node(id: $id) { id } }"


async def entity_and_node(
    gql: GraphQLClient, typename: str, id_: str, role: tuple[str, str | None]
) -> tuple[Any, Any]:
    """`_entities` of one representation and `node(id:)` of the same id, as one caller."""
    reps = [{"__typename": typename, "id": id_}]
    entities = await gql.data(ENTITIES, {"reps": reps}, as_role=role)
    node = await gql.data(NODE, {"id": id_}, as_role=role)
    return entities["_entities"][0], node["node"]


async def assert_reads(
    gql: GraphQLClient, typename: str, id_: str, role: tuple[str, str | None]
) -> dict[str, Any]:
    entity, node = await entity_and_node(gql, typename, id_, role)
    assert entity is not None and entity["__typename"] == typename and entity["id"] == id_
    assert node == {"id": id_}
    return dict(entity)


async def assert_null(
    gql: GraphQLClient, typename: str, id_: str, role: tuple[str, str | None]
) -> None:
    assert await entity_and_node(gql, typename, id_, role) == (None, None)


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


async def test_network_entities_follow_tenant_rules(gql: GraphQLClient, sql_log: Any) -> None:
    networks = [await create_network(gql, "Q31") for _ in range(3)]
    for network in networks:
        own = await assert_reads(gql, "Network", network["id"], ("member", "Q31"))
        assert own["name"] == network["name"]
        await assert_null(gql, "Network", network["id"], ("sha_admin", "Q36"))
    # a Network id presented as an Event (a national type) is null too, never the network
    wrong_type, _ = await entity_and_node(gql, "Event", networks[0]["id"], ("member", "Q31"))
    assert wrong_type is None
    # many entities of one type: one statement for them all (the node DataLoader)
    reps = [{"__typename": "Network", "id": n["id"]} for n in networks]
    sql_log.clear()
    data = await gql.data(ENTITIES, {"reps": reps}, as_role=("member", "Q31"))
    assert [e["id"] for e in data["_entities"]] == [n["id"] for n in networks]
    assert len([s for s in sql_log.queries() if "FROM networks" in s]) == 1


async def test_event_entities_national_of_another_sha_readable_regional_null(
    gql: GraphQLClient,
) -> None:
    regional = await create_event(gql, "Q31", title="Q31 regional meeting")
    national = await create_event(
        gql,
        "Q31",
        role="national_lead",
        title="Clinical Congress (federation)",
        kind="CLINICAL_CONGRESS",
        isNational=True,
        ownership="NATIONAL",
    )
    own = await assert_reads(gql, "Event", regional["id"], ("member", "Q31"))
    assert own == {
        "__typename": "Event",
        "id": regional["id"],
        "title": "Q31 regional meeting",
        "isNational": False,
    }
    await assert_null(gql, "Event", regional["id"], ("member", "Q36"))
    other = await assert_reads(gql, "Event", national["id"], ("member", "Q36"))
    assert other["isNational"] is True


async def test_case_study_entities_follow_publication_and_tenant_rules(
    gql: GraphQLClient,
) -> None:
    study = (await create_case_study(gql, "Q31", title="Federated stroke pathway"))["caseStudy"]
    sid = study["id"]
    admin = ("sha_admin", "Q31")

    async def publish(status: str, role: tuple[str, str | None] = admin) -> None:
        done = await gql.data(CASE_STUDY_STATUS, {"id": sid, "status": status}, as_role=role)
        assert done["setCaseStudyStatus"]["__typename"] == "CaseStudyPayload", done

    # a draft: its SHA's editors only
    await assert_null(gql, "CaseStudy", sid, ("member", "Q31"))
    assert (await assert_reads(gql, "CaseStudy", sid, admin))["status"] == "DRAFT"
    await publish("SUBMITTED")  # the review workflow of issue 25
    await publish("REGIONAL")
    assert (await assert_reads(gql, "CaseStudy", sid, ("member", "Q31")))["status"] == "REGIONAL"
    await assert_null(gql, "CaseStudy", sid, ("member", "Q36"))
    await publish("NATIONAL_REVIEW")
    await publish("NATIONAL", ("national_lead", None))
    other = await assert_reads(gql, "CaseStudy", sid, ("member", "Q36"))
    assert other == {
        "__typename": "CaseStudy",
        "id": sid,
        "title": "Federated stroke pathway",
        "status": "NATIONAL",
    }


def test_subgraph_composes_with_apollo_composition(live_url: str, node_tools: NodeProject) -> None:
    report = run_node(node_tools, "compose.mjs", f"{live_url}/graphql")
    assert report["alone"] == {
        "ok": True,
        "errors": [],
        "entities": ["CaseStudy", "Event", "Member", "Network", "Organisation", "Sha"],
    }
    assert report["together"]["ok"], report["together"]["errors"]
    assert report["together"]["entities"] == report["alone"]["entities"]


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
