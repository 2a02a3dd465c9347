"""A caller of one SHA reads and writes nothing of another SHA's learning sets, by any
path: list, node id, nested field, filter, report queries, mutation."""

from __future__ import annotations

from typing import Any

from tests.connect_sets.conftest import (
    ATTENDANCE,
    CREATE_ACTION,
    SCHEDULE,
    add_members,
    create_members,
    create_set,
    record,
    schedule,
)
from tests.support import GraphQLClient, error_codes

READS = """
query($set: ID!, $meeting: ID!, $action: ID!, $search: String!) {
  learningSets(first: 20, filter: {search: $search}) { nodes { id } }
  learningSet(id: $set) { id }
  nodes(ids: [$set, $meeting, $action]) { id }
  learningSetMeetings(setId: $set) { nodes { id } }
  learningSetAttendance(setId: $set) { nodes { rate } }
  learningSetMembersAtRisk(setId: $set, missedLast: 1) { nodes { missed } }
  byFilter: learningSetActions(filter: {setId: $set}) { nodes { id } }
  all: learningSetActions(first: 200) { nodes { id learningSet { id } } }
}"""
UPDATE_ACTION = """
mutation($id: ID!) {
  updateLearningSetAction(input: {id: $id, status: DROPPED}) { __typename }
}"""


async def test_learning_sets_stay_in_their_sha(gql: GraphQLClient, make_token: Any) -> None:
    sha = "Q32"
    name = f"Stroke pathway set {id(gql)}"
    lset = await create_set(gql, sha, name=name, focusKind="CARE_PATHWAY", focus="Stroke")
    people = await create_members(gql, sha, 2)
    ids = [p["id"] for p in people]
    await add_members(gql, sha, lset["id"], ids, joinedOn="2026-01-01")
    meeting = await schedule(gql, sha, lset["id"], "2026-02-03")
    await record(gql, sha, meeting, {ids[0]: "ABSENT", ids[1]: "ATTENDED"})
    action = await gql.data(
        CREATE_ACTION,
        {"input": {"meetingId": meeting, "title": "t", "ownerId": ids[0], "dueOn": "2026-05-01"}},
        as_role=("sha_admin", sha),
    )
    action_id = action["createLearningSetAction"]["action"]["id"]
    variables = {"set": lset["id"], "meeting": meeting, "action": action_id, "search": name}

    own = await gql.data(READS, variables, as_role=("member", sha))
    assert own["learningSet"] == {"id": lset["id"]}
    assert len(own["learningSetAttendance"]["nodes"]) == 2
    assert len(own["learningSetMembersAtRisk"]["nodes"]) == 1
    assert own["byFilter"]["nodes"] == [{"id": action_id}]

    for who in (("member", "Q33"), ("sha_admin", "Q39")):
        other = await gql.data(READS, variables, as_role=who)
        assert other["learningSets"]["nodes"] == []
        assert other["learningSet"] is None
        assert other["nodes"] == [None, None, None]
        for report in ("learningSetMeetings", "learningSetAttendance", "learningSetMembersAtRisk"):
            assert other[report]["nodes"] == [], report
        assert other["byFilter"]["nodes"] == []
        assert all(n["learningSet"]["id"] != lset["id"] for n in other["all"]["nodes"])

    # Mutations naming another SHA's rows find nothing and change nothing.
    (theirs,) = await create_members(gql, "Q39", 1)
    outside = ("sha_admin", "Q39")
    added = await gql.data(
        """mutation($input: AddLearningSetMembersInput!) {
          addLearningSetMembers(input: $input) { __typename }
        }""",
        {"input": {"setId": lset["id"], "memberIds": [theirs["id"]]}},
        as_role=outside,
    )
    assert added["addLearningSetMembers"]["__typename"] in ("NotFoundError", "ValidationError")
    scheduled = await gql.data(
        SCHEDULE,
        {"input": {"setId": lset["id"], "heldOn": "2026-04-01", "topic": "x"}},
        as_role=outside,
    )
    assert scheduled["scheduleLearningSetMeeting"]["__typename"] == "NotFoundError"
    attended = await gql.data(
        ATTENDANCE,
        {"input": {"meetingId": meeting, "entries": [{"memberId": ids[0], "status": "ATTENDED"}]}},
        as_role=outside,
    )
    assert attended["recordLearningSetAttendance"]["__typename"] == "NotFoundError"
    dropped = await gql.data(UPDATE_ACTION, {"id": action_id}, as_role=outside)
    assert dropped["updateLearningSetAction"]["__typename"] == "NotFoundError"
    narrowed = await gql(
        """{ learningSets(shas: ["Q32"]) { nodes { id } } }""", as_role=("member", "Q39")
    )
    assert error_codes(narrowed) == ["FORBIDDEN"]

    after = await gql.data(READS, variables, as_role=("member", sha))
    assert after == own
