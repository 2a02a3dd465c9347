"""The 60-120 size rule and typed validation errors; failures write nothing."""

from __future__ import annotations

from typing import Any

from foundation.settings import Settings
from tests.connect_sets.conftest import (
    ATTENDANCE,
    CREATE_ACTION,
    CREATE_SET,
    add_members,
    create_members,
    create_set,
    insert_members,
    schedule,
)
from tests.support import GraphQLClient

COUNT = """query($id: ID!) { learningSet(id: $id) { memberCount size } }"""
REMOVE = """
mutation($input: RemoveLearningSetMemberInput!) {
  removeLearningSetMember(input: $input) { __typename ... on UserError { code } }
}"""


async def test_a_set_never_exceeds_120_members(
    gql: GraphQLClient, admin_url: str, settings: Settings
) -> None:
    sha = "Q38"
    lset = await create_set(gql, sha, name="Urgent care set")
    people = await insert_members(admin_url, settings.db_schema, sha, 122)

    first = await add_members(gql, sha, lset["id"], people[:59])
    assert first["learningSet"] == {"id": lset["id"], "memberCount": 59, "size": "WITHIN_RANGE"}
    second = await add_members(gql, sha, lset["id"], people[59:120])
    assert second["learningSet"]["memberCount"] == 120
    assert second["learningSet"]["size"] == "FULL"

    past = await add_members(gql, sha, lset["id"], people[118:122])
    assert past == {
        "__typename": "LearningSetFullError",
        "message": past["message"],
        "code": "LEARNING_SET_FULL",
        "maximum": 120,
        "current": 120,
        "requested": 2,
    }
    after = await gql.data(COUNT, {"id": lset["id"]}, as_role=("member", sha))
    assert after["learningSet"]["memberCount"] == 120

    # Re-adding current members (e.g. to change their role) does not count twice.
    again = await add_members(gql, sha, lset["id"], people[:2], role="FACILITATOR")
    assert again["learningSet"]["memberCount"] == 120
    left = await gql.data(
        REMOVE,
        {"input": {"setId": lset["id"], "memberId": people[5]}},
        as_role=("sha_admin", sha),
    )
    assert left["removeLearningSetMember"]["__typename"] == "LearningSetPayload"
    room = await add_members(gql, sha, lset["id"], [people[120]])
    assert room["learningSet"] == {"id": lset["id"], "memberCount": 120, "size": "FULL"}


async def test_invalid_input_is_typed_and_writes_nothing(gql: GraphQLClient) -> None:
    sha = "Q38"
    blank = await gql.data(
        CREATE_SET,
        {"input": {"shaCode": sha, "name": " ", "focusKind": "PRIORITY", "focus": ""}},
        as_role=("sha_admin", sha),
    )
    assert blank["createLearningSet"]["__typename"] == "ValidationError"
    assert {f["field"] for f in blank["createLearningSet"]["fields"]} == {"name", "focus"}
    member_only = await gql(
        CREATE_SET,
        {"input": {"shaCode": sha, "name": "x", "focusKind": "PRIORITY", "focus": "y"}},
        as_role=("member", sha),
    )
    assert member_only["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    lset = await create_set(gql, sha)
    mine = await create_members(gql, sha, 2)
    (foreign,) = await create_members(gql, "Q39", 1)
    mixed = await add_members(gql, sha, lset["id"], [mine[0]["id"], foreign["id"]])
    assert mixed["__typename"] == "ValidationError"
    assert mixed["fields"] == [
        {"field": "memberIds[1]", "message": "must be a member of the set's SHA"}
    ]
    garbage = await add_members(gql, sha, lset["id"], ["not-an-id"])
    assert garbage["__typename"] == "ValidationError"
    count = await gql.data(COUNT, {"id": lset["id"]}, as_role=("member", sha))
    assert count["learningSet"]["memberCount"] == 0

    await add_members(gql, sha, lset["id"], [mine[0]["id"]], joinedOn="2026-01-01")
    meeting = await schedule(gql, sha, lset["id"], "2026-03-04")
    outsider = await gql.data(
        ATTENDANCE,
        {
            "input": {
                "meetingId": meeting,
                "entries": [
                    {"memberId": mine[0]["id"], "status": "ATTENDED"},
                    {"memberId": mine[1]["id"], "status": "ATTENDED"},
                ],
            }
        },
        as_role=("sha_admin", sha),
    )
    result = outsider["recordLearningSetAttendance"]
    assert result["__typename"] == "ValidationError"
    assert result["fields"][0]["field"] == "entries[1].memberId"
    not_owner = await gql.data(
        CREATE_ACTION,
        {
            "input": {
                "meetingId": meeting,
                "title": "Tidy the referral form",
                "ownerId": mine[1]["id"],
                "dueOn": "2026-04-01",
            }
        },
        as_role=("sha_admin", sha),
    )
    assert not_owner["createLearningSetAction"]["__typename"] == "ValidationError"
    status = await gql.data(
        """query($set: ID!) { learningSetMeetings(setId: $set) { nodes { status } } }""",
        {"set": lset["id"]},
        as_role=("member", sha),
    )
    assert status["learningSetMeetings"]["nodes"] == [{"status": "SCHEDULED"}]


async def test_a_closed_set_takes_no_meetings(gql: GraphQLClient, make_token: Any) -> None:
    sha = "Q38"
    lset = await create_set(gql, sha)
    closed = await gql.data(
        """mutation($id: ID!) {
          updateLearningSet(input: {id: $id, status: CLOSED}) { __typename }
        }""",
        {"id": lset["id"]},
        as_role=("sha_admin", sha),
    )
    assert closed["updateLearningSet"]["__typename"] == "LearningSetPayload"
    from tests.connect_sets.conftest import SCHEDULE

    data = await gql.data(
        SCHEDULE,
        {"input": {"setId": lset["id"], "heldOn": "2026-02-02", "topic": "t"}},
        as_role=("sha_admin", sha),
    )
    assert data["scheduleLearningSetMeeting"]["__typename"] == "ValidationError"


async def test_concurrent_additions_cannot_pass_the_maximum_together(
    gql: GraphQLClient, admin_url: str, settings: Settings
) -> None:
    import asyncio

    sha = "Q38"
    lset = await create_set(gql, sha, name="Concurrent set")
    people = await insert_members(admin_url, settings.db_schema, sha, 130)
    await add_members(gql, sha, lset["id"], people[:100])
    results = await asyncio.gather(
        add_members(gql, sha, lset["id"], people[100:115]),
        add_members(gql, sha, lset["id"], people[115:130]),
    )
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["LearningSetFullError", "LearningSetPayload"]
    full = next(r for r in results if r["__typename"] == "LearningSetFullError")
    assert (full["current"], full["requested"]) == (115, 15)
    count = await gql.data(COUNT, {"id": lset["id"]}, as_role=("member", sha))
    assert count["learningSet"]["memberCount"] == 115
