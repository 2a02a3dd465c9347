"""Events of issue 25: full details, a registration deadline, status derived from the
calendar, check-in and attendance across SHAs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.connect_sets.conftest import (
    CREATE_EVENT,
    REGISTER,
    create_event,
    create_members,
    member_token,
)
from tests.support import GraphQLClient

CHECK_IN = """
mutation($id: ID!) {
  checkInToEvent(input: {registrationId: $id}) {
    __typename
    ... on EventRegistrationPayload { registration { id checkedInAt status } }
    ... on UserError { code message }
  }
}"""

EVENT = """
query($id: ID!) {
  node(id: $id) { ... on Event { id status description audience attendedCount
    registrationClosesAt speakers { name role } } }
}"""


def at(minutes: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)).isoformat()


async def test_full_details_are_kept(gql: GraphQLClient) -> None:
    event = await create_event(
        gql,
        "Q31",
        description="The annual gathering of the North West network.",
        audience="All clinicians and managers of the North West",
        speakers=[
            {"name": "Dr Raj Kumar", "role": "National Clinical Director"},
            {"name": "Dr Andrew Coley"},
        ],
        registrationClosesAt="2030-01-20T17:00:00+00:00",
    )
    seen = (await gql.data(EVENT, {"id": event["id"]}, as_role=("member", "Q31")))["node"]
    assert seen["description"].startswith("The annual gathering")
    assert seen["audience"] == "All clinicians and managers of the North West"
    assert seen["speakers"] == [
        {"name": "Dr Raj Kumar", "role": "National Clinical Director"},
        {"name": "Dr Andrew Coley", "role": None},
    ]
    assert seen["registrationClosesAt"].startswith("2030-01-20T17:00:00")
    assert seen["status"] == "OPEN" and seen["attendedCount"] == 0


async def test_an_event_that_is_over_is_not_created(gql: GraphQLClient) -> None:
    data = await gql.data(
        CREATE_EVENT,
        {
            "input": {
                "shaCode": "Q31",
                "title": "Past meeting",
                "kind": "WORKSHOP",
                "startsAt": "2001-03-01T09:00:00+00:00",
                "endsAt": "2001-03-01T17:00:00+00:00",
                "capacity": 10,
            }
        },
        as_role=("sha_admin", "Q31"),
    )
    result = data["createEvent"]
    assert result["__typename"] == "ValidationError"
    assert result["fields"][0]["field"] == "endsAt"
    late = await gql.data(
        CREATE_EVENT,
        {
            "input": {
                "shaCode": "Q31",
                "title": "Deadline after the end",
                "kind": "WORKSHOP",
                "startsAt": "2030-03-01T09:00:00+00:00",
                "endsAt": "2030-03-01T17:00:00+00:00",
                "registrationClosesAt": "2030-03-02T09:00:00+00:00",
                "capacity": 10,
            }
        },
        as_role=("sha_admin", "Q31"),
    )
    assert late["createEvent"]["fields"][0]["field"] == "registrationClosesAt"


async def test_status_follows_the_deadline_and_registration_agrees(
    gql: GraphQLClient, make_token: Any
) -> None:
    event = await create_event(gql, "Q32", registrationClosesAt=at(-1))
    seen = (await gql.data(EVENT, {"id": event["id"]}, as_role=("member", "Q32")))["node"]
    assert seen["status"] == "CLOSED"
    (member,) = await create_members(gql, "Q32", 1)
    token = member_token(make_token, "Q32", member)
    refused = await gql.data(REGISTER, {"input": {"eventId": event["id"]}}, token=token)
    assert refused["registerForEvent"]["__typename"] == "ConflictError"
    assert "registration closed" in refused["registerForEvent"]["message"]
    # the organisers may still register someone after the deadline
    late = await gql.data(
        REGISTER,
        {"input": {"eventId": event["id"], "memberId": member["id"]}},
        as_role=("sha_admin", "Q32"),
    )
    assert late["registerForEvent"]["__typename"] == "EventRegistrationPayload"


async def test_check_in_counts_attendance_across_regions(
    gql: GraphQLClient, make_token: Any
) -> None:
    event = await create_event(
        gql, "Q36", isNational=True, startsAt=at(60), endsAt=at(360), capacity=2
    )
    (north,) = await create_members(gql, "Q31", 1)
    (london, waiting) = await create_members(gql, "Q36", 2)
    regs = {}
    for sha, person in (("Q31", north), ("Q36", london)):
        token = member_token(make_token, sha, person)
        data = await gql.data(REGISTER, {"input": {"eventId": event["id"]}}, token=token)
        regs[sha] = (data["registerForEvent"]["registration"]["id"], token)
    third = await gql.data(
        REGISTER,
        {"input": {"eventId": event["id"]}},
        token=member_token(make_token, "Q36", waiting),
    )
    waiting_id = third["registerForEvent"]["registration"]["id"]
    assert third["registerForEvent"]["registration"]["status"] == "WAITLISTED"

    # the member checks in at the door; twice keeps the first time
    reg_id, token = regs["Q31"]
    first = await gql.data(CHECK_IN, {"id": reg_id}, token=token)
    assert first["checkInToEvent"]["registration"]["checkedInAt"] is not None
    again = await gql.data(CHECK_IN, {"id": reg_id}, token=token)
    assert (
        again["checkInToEvent"]["registration"]["checkedInAt"]
        == first["checkInToEvent"]["registration"]["checkedInAt"]
    )
    # someone else's registration: not yours; of another SHA: not found
    other_id, _ = regs["Q36"]
    mine_only = await gql.data(CHECK_IN, {"id": other_id}, token=token)
    assert mine_only["checkInToEvent"]["__typename"] == "NotFoundError"
    cross = await gql.data(CHECK_IN, {"id": reg_id}, as_role=("sha_admin", "Q36"))
    assert cross["checkInToEvent"]["__typename"] == "NotFoundError"
    # a waiting registration cannot be checked in
    not_confirmed = await gql.data(CHECK_IN, {"id": waiting_id}, as_role=("sha_admin", "Q36"))
    assert not_confirmed["checkInToEvent"]["__typename"] == "ConflictError"
    # the London admin checks the London member in
    by_admin = await gql.data(CHECK_IN, {"id": other_id}, as_role=("sha_admin", "Q36"))
    assert by_admin["checkInToEvent"]["__typename"] == "EventRegistrationPayload"
    seen = (await gql.data(EVENT, {"id": event["id"]}, as_role=("sha_admin", "Q36")))["node"]
    assert seen["attendedCount"] == 2


async def test_check_in_is_refused_long_before_the_event(
    gql: GraphQLClient, make_token: Any
) -> None:
    event = await create_event(gql, "Q33")
    (member,) = await create_members(gql, "Q33", 1)
    token = member_token(make_token, "Q33", member)
    data = await gql.data(REGISTER, {"input": {"eventId": event["id"]}}, token=token)
    reg = data["registerForEvent"]["registration"]["id"]
    early = await gql.data(CHECK_IN, {"id": reg}, token=token)
    assert early["checkInToEvent"]["__typename"] == "ConflictError"
    assert "check-in is open" in early["checkInToEvent"]["message"]
