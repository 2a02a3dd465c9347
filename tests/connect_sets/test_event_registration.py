"""Capacity and the waiting list under concurrent HTTP requests through the ASGI app."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from tests.connect_sets.conftest import (
    CANCEL,
    REGISTER,
    create_event,
    create_members,
    member_token,
)
from tests.support import GraphQLClient

EVENT = """
query($id: ID!) {
  event(id: $id) { confirmedCount waitlistCount placesLeft capacity }
}"""

REGISTRATIONS = """
query($event: ID!) {
  eventRegistrations(first: 100, filter: {eventId: $event}) {
    totalCount
    nodes { id status sequence waitlistPosition promotedAt }
  }
}"""

UPDATE_CAPACITY = """
mutation($id: ID!, $capacity: Int!) {
  updateEvent(input: {id: $id, capacity: $capacity}) {
    __typename
    ... on EventPayload { event { capacity confirmedCount waitlistCount } }
    ... on ValidationError { fields { field message } }
  }
}"""


async def _register_all(
    gql: GraphQLClient, make_token: Any, event_id: str, sha: str, people: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    async def one(member: dict[str, Any]) -> dict[str, Any]:
        data = await gql.data(
            REGISTER, {"input": {"eventId": event_id}}, token=member_token(make_token, sha, member)
        )
        result = data["registerForEvent"]
        assert result["__typename"] == "EventRegistrationPayload", result
        return dict(result["registration"])

    return list(await asyncio.gather(*(one(m) for m in people)))


async def test_thirty_concurrent_registrations_fill_ten_places_and_queue_the_rest(
    gql: GraphQLClient, make_token: Any
) -> None:
    event = await create_event(gql, "Q33", capacity=10)
    people = await create_members(gql, "Q33", 30)

    regs = await _register_all(gql, make_token, event["id"], "Q33", people)

    assert Counter(r["status"] for r in regs) == {"CONFIRMED": 10, "WAITLISTED": 20}
    in_order = sorted(regs, key=lambda r: r["sequence"])
    assert [r["sequence"] for r in in_order] == list(range(1, 31))
    assert {r["status"] for r in in_order[:10]} == {"CONFIRMED"}
    assert [r["waitlistPosition"] for r in in_order[10:]] == list(range(1, 21))
    counts = (await gql.data(EVENT, {"id": event["id"]}, as_role=("sha_admin", "Q33")))["event"]
    assert counts == {"confirmedCount": 10, "waitlistCount": 20, "placesLeft": 0, "capacity": 10}

    # Cancelling a confirmed place promotes the head of the waiting list, and only it.
    # Only its owner may cancel it (the registrations came in any order: the owner of
    # the fourth place is whoever got it, and the stranger anyone else).
    owner_at = [r["id"] for r in regs].index(in_order[3]["id"])
    owner, stranger = people[owner_at], people[(owner_at + 1) % len(people)]
    cancelled = await gql.data(
        CANCEL, {"id": in_order[3]["id"]}, token=member_token(make_token, "Q33", stranger)
    )
    assert cancelled["cancelEventRegistration"]["__typename"] == "ForbiddenError"
    cancelled = await gql.data(
        CANCEL, {"id": in_order[3]["id"]}, token=member_token(make_token, "Q33", owner)
    )
    assert cancelled["cancelEventRegistration"]["promotedCount"] == 1
    listed = (await gql.data(REGISTRATIONS, {"event": event["id"]}, as_role=("sha_admin", "Q33")))[
        "eventRegistrations"
    ]
    by_seq = {r["sequence"]: r for r in listed["nodes"]}
    assert by_seq[4]["status"] == "CANCELLED"
    assert by_seq[11]["status"] == "CONFIRMED" and by_seq[11]["promotedAt"]
    assert [by_seq[s]["waitlistPosition"] for s in range(12, 31)] == list(range(1, 20))

    # Cancelling again is a typed conflict; cancelling a waiting place shifts the queue.
    again = await gql.data(CANCEL, {"id": in_order[3]["id"]}, as_role=("sha_admin", "Q33"))
    assert again["cancelEventRegistration"]["__typename"] == "ConflictError"
    waiting = await gql.data(CANCEL, {"id": by_seq[12]["id"]}, as_role=("sha_admin", "Q33"))
    assert waiting["cancelEventRegistration"]["promotedCount"] == 0
    counts = (await gql.data(EVENT, {"id": event["id"]}, as_role=("sha_admin", "Q33")))["event"]
    assert counts["confirmedCount"] == 10 and counts["waitlistCount"] == 18

    # Raising the capacity promotes the next two in order; lowering it below the
    # confirmed count is refused with a typed error and changes nothing.
    raised = await gql.data(
        UPDATE_CAPACITY, {"id": event["id"], "capacity": 12}, as_role=("sha_admin", "Q33")
    )
    assert raised["updateEvent"]["event"] == {
        "capacity": 12,
        "confirmedCount": 12,
        "waitlistCount": 16,
    }
    listed = (await gql.data(REGISTRATIONS, {"event": event["id"]}, as_role=("sha_admin", "Q33")))[
        "eventRegistrations"
    ]
    by_seq = {r["sequence"]: r for r in listed["nodes"]}
    assert by_seq[13]["status"] == by_seq[14]["status"] == "CONFIRMED"
    assert by_seq[15]["waitlistPosition"] == 1
    lowered = await gql.data(
        UPDATE_CAPACITY, {"id": event["id"], "capacity": 5}, as_role=("sha_admin", "Q33")
    )
    assert lowered["updateEvent"]["__typename"] == "ValidationError"
    assert lowered["updateEvent"]["fields"][0]["field"] == "capacity"


async def test_duplicate_closed_and_invalid_registrations_are_typed_errors(
    gql: GraphQLClient, make_token: Any
) -> None:
    event = await create_event(gql, "Q33", capacity=2)
    (member,) = await create_members(gql, "Q33", 1)
    token = member_token(make_token, "Q33", member)
    first = await gql.data(REGISTER, {"input": {"eventId": event["id"]}}, token=token)
    assert first["registerForEvent"]["registration"]["status"] == "CONFIRMED"
    again = await gql.data(REGISTER, {"input": {"eventId": event["id"]}}, token=token)
    assert again["registerForEvent"]["__typename"] == "ConflictError"

    nobody = await gql.data(
        REGISTER, {"input": {"eventId": event["id"]}}, as_role=("member", "Q33")
    )
    assert nobody["registerForEvent"]["__typename"] == "ValidationError"
    bad_id = await gql.data(REGISTER, {"input": {"eventId": "nonsense"}}, token=token)
    assert bad_id["registerForEvent"]["__typename"] == "ValidationError"
    (other,) = await create_members(gql, "Q33", 1)
    from tests.connect_sets.conftest import member_key

    someone_else = await gql.data(
        REGISTER, {"input": {"eventId": event["id"], "memberId": other["id"]}}, token=token
    )
    assert someone_else["registerForEvent"]["__typename"] == "ForbiddenError"
    assert member_key(other) not in str(someone_else)

    closed = await gql.data(
        """mutation($id: ID!) { updateEvent(input: {id: $id, status: CLOSED}) { __typename } }""",
        {"id": event["id"]},
        as_role=("sha_admin", "Q33"),
    )
    assert closed["updateEvent"]["__typename"] == "EventPayload"
    by_admin = await gql.data(
        REGISTER,
        {"input": {"eventId": event["id"], "memberId": other["id"]}},
        as_role=("sha_admin", "Q33"),
    )
    assert by_admin["registerForEvent"]["__typename"] == "ConflictError"
    counts = (await gql.data(EVENT, {"id": event["id"]}, as_role=("sha_admin", "Q33")))["event"]
    assert counts["confirmedCount"] == 1 and counts["waitlistCount"] == 0


async def test_event_validation_errors_write_nothing(gql: GraphQLClient) -> None:
    from tests.connect_sets.conftest import CREATE_EVENT, future

    bad = {
        "shaCode": "Q33",
        "title": " ",
        "kind": "WORKSHOP",
        "startsAt": future(5, 12),
        "endsAt": future(5, 10),
        "capacity": 0,
    }
    data = await gql.data(CREATE_EVENT, {"input": bad}, as_role=("sha_admin", "Q33"))
    result = data["createEvent"]
    assert result["__typename"] == "ValidationError"
    assert {f["field"] for f in result["fields"]} == {"title", "endsAt", "capacity"}
    national = await gql.data(
        CREATE_EVENT,
        {
            "input": {
                **bad,
                "title": "x",
                "endsAt": future(5, 14),
                "capacity": 5,
                "ownership": "NATIONAL",
            }
        },
        as_role=("sha_admin", "Q33"),
    )
    assert national["createEvent"]["__typename"] == "ForbiddenError"
    member = await gql(CREATE_EVENT, {"input": bad}, as_role=("member", "Q33"))
    assert member["errors"][0]["extensions"]["code"] == "FORBIDDEN"
