"""A caller of one SHA reads and writes nothing of another SHA's (non-national) events
and registrations, by any path: list, node id, nested field, filter, mutation."""

from __future__ import annotations

from typing import Any

from tests.connect_sets.conftest import (
    CANCEL,
    REGISTER,
    create_event,
    create_members,
    future,
    member_token,
)
from tests.support import GraphQLClient, error_codes

EVENTS = """
query($search: String!) { events(first: 50, filter: {search: $search}) { nodes { id } } }"""
EVENT = """query($id: ID!) { event(id: $id) { id } }"""
NODES = """query($ids: [ID!]!) { nodes(ids: $ids) { id } }"""
REGISTRATIONS = """
query($filter: RegistrationFilter) {
  eventRegistrations(first: 50, filter: $filter) { nodes { id event { id } } }
}"""
UPDATE = """
mutation($id: ID!) { updateEvent(input: {id: $id, title: "Taken over"}) { __typename } }"""


async def test_sha_event_and_its_registrations_stay_in_their_sha(
    gql: GraphQLClient, make_token: Any
) -> None:
    title = f"North East only {id(gql)}"
    event = await create_event(gql, "Q30", title=title, capacity=3)
    (member,) = await create_members(gql, "Q30", 1)
    reg = await gql.data(
        REGISTER, {"input": {"eventId": event["id"]}}, token=member_token(make_token, "Q30", member)
    )
    registration = reg["registerForEvent"]["registration"]
    session = await gql.data(
        """mutation($input: AddEventSessionInput!) {
          addEventSession(input: $input) { ... on EventSessionPayload { session { id } } }
        }""",
        {
            "input": {
                "eventId": event["id"],
                "title": "Local session",
                "startsAt": future(30, 10),
                "endsAt": future(30, 11),
            }
        },
        as_role=("sha_admin", "Q30"),
    )
    session_id = session["addEventSession"]["session"]["id"]
    own = await gql.data(EVENTS, {"search": title}, as_role=("member", "Q30"))
    assert [e["id"] for e in own["events"]["nodes"]] == [event["id"]]

    for role in ("member", "sha_admin"):
        other = ("Q37" if role == "member" else "Q38", role)
        who = (other[1], other[0])
        listed = await gql.data(EVENTS, {"search": title}, as_role=who)
        assert listed["events"]["nodes"] == []
        assert (await gql.data(EVENT, {"id": event["id"]}, as_role=who))["event"] is None
        found = await gql.data(
            NODES, {"ids": [event["id"], registration["id"], session_id]}, as_role=who
        )
        assert found["nodes"] == [None, None, None]
        filtered = await gql.data(REGISTRATIONS, {"filter": {"eventId": event["id"]}}, as_role=who)
        assert filtered["eventRegistrations"]["nodes"] == []
        by_member = await gql.data(
            REGISTRATIONS, {"filter": {"memberId": member["id"]}}, as_role=who
        )
        assert by_member["eventRegistrations"]["nodes"] == []
        narrowed = await gql(REGISTRATIONS, {"filter": None}, as_role=who, headers={})
        assert all(
            n["event"] is None or n["event"]["id"] != event["id"]
            for n in narrowed["data"]["eventRegistrations"]["nodes"]
        )
        cancel = await gql.data(CANCEL, {"id": registration["id"]}, as_role=who)
        assert cancel["cancelEventRegistration"]["__typename"] == "NotFoundError"
        update = await gql(UPDATE, {"id": event["id"]}, as_role=who)
        if role == "member":
            assert error_codes(update) == ["FORBIDDEN"]
        else:
            assert update["data"]["updateEvent"]["__typename"] == "NotFoundError"

    # A member of another SHA cannot register for a non-national event.
    (outsider,) = await create_members(gql, "Q37", 1)
    refused = await gql.data(
        REGISTER,
        {"input": {"eventId": event["id"]}},
        token=member_token(make_token, "Q37", outsider),
    )
    assert refused["registerForEvent"]["__typename"] == "NotFoundError"
    # Nor can an admin register a member of another SHA, even for its own event.
    cross = await gql.data(
        REGISTER,
        {"input": {"eventId": event["id"], "memberId": outsider["id"]}},
        as_role=("sha_admin", "Q30"),
    )
    assert cross["registerForEvent"]["__typename"] == "ForbiddenError"
    # Narrowing a list to a region out of reach is refused outright.
    forbidden = await gql(
        """{ events(shas: ["Q30"]) { nodes { id } } }""", as_role=("member", "Q37")
    )
    assert error_codes(forbidden) == ["FORBIDDEN"]

    # Nothing above changed the event or wrote a registration.
    counts = await gql.data(
        """query($id: ID!) { event(id: $id) { title confirmedCount waitlistCount } }""",
        {"id": event["id"]},
        as_role=("sha_admin", "Q30"),
    )
    assert counts["event"] == {"title": title, "confirmedCount": 1, "waitlistCount": 0}
