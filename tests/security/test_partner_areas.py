"""Partner access by type, deny by default, with real partner tokens from the token
endpoint: a partner reads a field only with the read scope of the area of the type it
is on and of the type it returns, on every path (root lists, nested relations,
node/nodes, _entities, national aggregates; subscriptions in test_live_tokens.py);
personal data needs `directory:contact`; staff-only types are closed to partners."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import GraphQLClient, error_codes

# one root list per area, each selecting nothing of any other area
ROOT_LISTS = {
    "escalator:read": "{ escalatorAssessments { nodes { id level } } }",
    "engagement:read": "{ medicalEngagementScores { nodes { id rating } } }",
    "evaluation:read": "{ impactMeasures { nodes { id value } } }",
    "forums:read": "{ forums { nodes { id title } } }",
    "networks:read": "{ networks { nodes { id name } } }",
    "learning-sets:read": "{ learningSets { nodes { id name } } }",
    "partnerships:read": "{ partnerships { nodes { id focus } } }",
    "development:read": "{ trainingProviders { nodes { id } } }",
    "knowledge:read": "{ caseStudies { nodes { id } } }",
    "policy:read": "{ consultations { nodes { id } } }",
    "events:read": "{ events { nodes { id } } }",
    "directory:read": "{ members { nodes { id givenName } } }",
}
REGISTRANTS = "{ eventRegistrations { nodes { id member { givenName familyName %s } } } }"
AUTHORS = "{ forums { nodes { latestThreads { id } } } }"


def refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert "data" not in body or body["data"] is None, body
    assert error_codes(body) == ["FORBIDDEN"], body
    extensions: dict[str, Any] = body["errors"][0]["extensions"]
    return extensions


@pytest.fixture
async def token_for(make_partner: Any, partner_token: Any) -> Any:
    async def _token(*scopes: str, shas: tuple[str, ...] = ("Q31",)) -> str:
        partner = await make_partner(list(scopes), list(shas))
        token: str = await partner_token(partner)
        return token

    return _token


async def test_events_scope_alone_reads_no_member(gql: GraphQLClient, token_for: Any) -> None:
    """The reported leak: names and e-mails through eventRegistrations { member }."""
    events_only = await token_for("events:read")
    own = await gql(REGISTRANTS % "", token=events_only)
    assert refusal(own)["missingScopes"] == ["directory:read"]
    mails = await gql(REGISTRANTS % "email", token=events_only)
    assert refusal(mails)["missingScopes"] == ["directory:contact", "directory:read"]
    # the registrations themselves are the events area's
    fine = await gql.data("{ eventRegistrations { nodes { id status } } }", token=events_only)
    assert isinstance(fine["eventRegistrations"]["nodes"], list)


async def test_contact_details_need_their_own_scope(gql: GraphQLClient, token_for: Any) -> None:
    reader = await token_for("events:read", "directory:read")
    names = await gql.data(REGISTRANTS % "", token=reader)
    assert isinstance(names["eventRegistrations"]["nodes"], list)
    for personal in ("email", "registration { number }"):
        body = await gql(f"{{ members {{ nodes {{ id {personal} }} }} }}", token=reader)
        assert refusal(body)["missingScopes"] == ["directory:contact"]
    contact = await token_for("directory:read", "directory:contact")
    data = await gql.data("{ members(first: 50) { nodes { id email } } }", token=contact)
    emails = [m["email"] for m in data["members"]["nodes"] if m["email"]]
    assert emails and all("@" in e for e in emails)


@pytest.mark.parametrize("scope", sorted(ROOT_LISTS))
async def test_each_area_is_read_only_with_its_scope(
    gql: GraphQLClient, token_for: Any, scope: str
) -> None:
    other = next(s for s in sorted(ROOT_LISTS) if s != scope)
    without = await token_for(other)
    assert refusal(await gql(ROOT_LISTS[scope], token=without))["missingScopes"] == [scope]
    holder = await token_for(scope)
    data = await gql.data(ROOT_LISTS[scope], token=holder)
    [listed] = data.values()
    assert isinstance(listed["nodes"], list), data


async def test_nested_relations_demand_the_area_of_the_type_returned(
    gql: GraphQLClient, token_for: Any
) -> None:
    forums = await token_for("forums:read")
    posts = "{ forums { nodes { id moderators { givenName } } } }"
    assert refusal(await gql(posts, token=forums))["missingScopes"] == ["directory:read"]
    escalator = await token_for("escalator:read")
    assessor = "{ escalatorAssessments { nodes { assessor { givenName } organisation { name } } } }"
    assert refusal(await gql(assessor, token=escalator))["missingScopes"] == ["directory:read"]
    partnerships = await token_for("partnerships:read")
    leads = "{ seniorClinicalLeads { nodes { member { givenName } } } }"
    assert refusal(await gql(leads, token=partnerships))["missingScopes"] == ["directory:read"]
    # the count of a list is the list's area too
    count = "{ members { totalCount } }"
    assert refusal(await gql(count, token=forums))["missingScopes"] == ["directory:read"]


async def member_id(gql: GraphQLClient) -> str:
    data = await gql.data("{ members(first: 1) { nodes { id } } }", as_role=("member", "Q31"))
    return str(data["members"]["nodes"][0]["id"])


async def test_node_nodes_and_entities_check_the_type_of_each_id(
    gql: GraphQLClient, token_for: Any
) -> None:
    target = await member_id(gql)
    events_only = await token_for("events:read")
    reader = await token_for("directory:read")
    bare = "query($id: ID!) { node(id: $id) { id __typename } }"
    assert (await gql.data(bare, {"id": target}, token=events_only))["node"] is None
    assert (await gql.data(bare, {"id": target}, token=reader))["node"]["id"] == target
    many = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    assert (await gql.data(many, {"ids": [target]}, token=events_only))["nodes"] == [None]
    typed = "query($id: ID!) { node(id: $id) { ... on Member { givenName } } }"
    assert refusal(await gql(typed, {"id": target}, token=events_only))["missingScopes"] == [
        "directory:read"
    ]
    entities = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
    reps = {"r": [{"__typename": "Member", "id": target}]}
    assert (await gql.data(entities, reps, token=events_only))["_entities"] == [None]
    assert (await gql.data(entities, reps, token=reader))["_entities"] == [{"__typename": "Member"}]
    entity_fields = (
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { email } } }"
    )
    assert refusal(await gql(entity_fields, reps, token=reader))["missingScopes"] == [
        "directory:contact"
    ]


async def test_fragments_cannot_hide_a_selection(gql: GraphQLClient, token_for: Any) -> None:
    events_only = await token_for("events:read")
    hidden = """
      query { eventRegistrations { nodes { ...R } } }
      fragment R on EventRegistration { id ...M }
      fragment M on EventRegistration { member { ... on Member { email } } }
    """
    assert refusal(await gql(hidden, token=events_only))["missingScopes"] == [
        "directory:contact",
        "directory:read",
    ]


async def test_national_scope_reads_the_dashboard_for_its_granted_shas(
    gql: GraphQLClient, token_for: Any
) -> None:
    dashboard = "{ nationalDashboard { shaCodes membersBySha { shaCode members } } }"
    national = await token_for("national:read", shas=("Q31", "Q36"))
    data = (await gql.data(dashboard, token=national))["nationalDashboard"]
    assert sorted(data["shaCodes"]) == ["Q31", "Q36"]
    assert sorted(r["shaCode"] for r in data["membersBySha"]) == ["Q31", "Q36"]
    assert all(r["members"] > 0 for r in data["membersBySha"])
    reader = await token_for("directory:read")
    assert refusal(await gql(dashboard, token=reader))["missingScopes"] == ["national:read"]


async def test_staff_types_are_closed_to_partners_whatever_their_scopes(
    gql: GraphQLClient, token_for: Any
) -> None:
    from auth.oauth.scopes import SCOPES

    everything = await token_for(*[s for s in SCOPES if s.endswith(":read")])
    log = "{ crossRegionReads { nodes { actor } } }"
    extensions = refusal(await gql(log, token=everything))
    assert extensions["reason"] == "STAFF_ONLY"
    assert "CrossRegionRead" in extensions["closedTypes"]
    front_ends = "{ shaFrontEnds { code } }"
    assert refusal(await gql(front_ends, token=everything))["reason"] == "STAFF_ONLY"
    # an area partners cannot write: its mutations are closed, whatever they select
    register = 'mutation { registerForEvent(input: {eventId: "x"}) { __typename } }'
    assert refusal(await gql(register, token=everything))["closedTypes"] == [
        "Mutation.registerForEvent"
    ]
    # public content is read by anyone, but changed only by staff: closed to partners
    # before any permission is asked
    publish = 'mutation { setEventPublic(eventId: "x", isPublic: true) { __typename } }'
    assert refusal(await gql(publish, token=everything))["closedTypes"] == [
        "Mutation.setEventPublic"
    ]
    page = 'mutation { deletePortalPage(slug: "x") { __typename } }'
    assert refusal(await gql(page, token=everything))["closedTypes"] == [
        "Mutation.deletePortalPage"
    ]


async def test_staff_reach_is_unchanged(gql: GraphQLClient) -> None:
    data = await gql.data(REGISTRANTS % "email", as_role=("sha_admin", "Q31"))
    assert isinstance(data["eventRegistrations"]["nodes"], list)
    lead = await gql.data("{ nationalDashboard { shaCodes } }", as_role=("national_lead", None))
    assert len(lead["nationalDashboard"]["shaCodes"]) >= 2
