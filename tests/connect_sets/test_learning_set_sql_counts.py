"""Pages of sets, meetings and actions with nested relations cost the same number of
SQL statements whatever the page size."""

from __future__ import annotations

from typing import Any

from tests.connect_sets.conftest import (
    CREATE_ACTION,
    add_members,
    counted,
    create_members,
    create_set,
    record,
    schedule,
)
from tests.support import GraphQLClient, SqlLog

SETS = """
query($search: String!, $first: Int!) {
  learningSets(first: $first, filter: {search: $search}) {
    nodes {
      name memberCount size openActionCount meetingsHeld
      facilitators { role member { displayName organisation { name } } }
    }
  }
}"""
MEETINGS = """
query($set: ID!, $first: Int!) {
  learningSetMeetings(setId: $set, first: $first) {
    nodes {
      heldOn attendance { rate } attendees { status member { displayName } }
      learningSet { name facilitators { role } }
    }
  }
}"""
ACTIONS = """
query($set: ID!, $first: Int!) {
  learningSetActions(first: $first, filter: {setId: $set}) {
    nodes { title owner { displayName } meeting { heldOn attendance { rate } } learningSet { name } }
  }
}"""
ATTENDANCE = """
query($set: ID!, $first: Int!) {
  learningSetAttendance(setId: $set, first: $first) { nodes { rate member { displayName } } }
}"""


async def test_statement_counts_are_bounded(
    gql: GraphQLClient, make_token: Any, sql_log: SqlLog
) -> None:
    sha = "Q37"
    tag = f"Bounded {id(sql_log)}"
    people = await create_members(gql, sha, 6)
    ids = [p["id"] for p in people]
    sets = []
    for i in range(6):
        lset = await create_set(gql, sha, name=f"{tag} {i}")
        await add_members(gql, sha, lset["id"], ids[:1], role="FACILITATOR", joinedOn="2025-01-01")
        await add_members(gql, sha, lset["id"], ids[1:], joinedOn="2025-01-01")
        sets.append(lset)
    main = sets[0]["id"]
    meetings = [await schedule(gql, sha, main, f"2026-{month:02d}-05") for month in range(1, 7)]
    for meeting in meetings:
        await record(gql, sha, meeting, {m: "ATTENDED" for m in ids[:3]})
        await gql.data(
            CREATE_ACTION,
            {
                "input": {
                    "meetingId": meeting,
                    "title": "Act",
                    "ownerId": ids[2],
                    "dueOn": "2026-12-01",
                }
            },
            as_role=("sha_admin", sha),
        )

    async def statements(query: str, variables: dict[str, Any], key: str, first: int) -> int:
        sql_log.clear()
        data = await gql.data(query, {**variables, "first": first}, as_role=("member", sha))
        assert len(data[key]["nodes"]) == first
        return counted(sql_log.queries())

    for query, variables, key, limit in (
        (SETS, {"search": tag}, "learningSets", 5),
        (MEETINGS, {"set": main}, "learningSetMeetings", 7),
        (ACTIONS, {"set": main}, "learningSetActions", 6),
        (ATTENDANCE, {"set": main}, "learningSetAttendance", 3),
    ):
        small = await statements(query, variables, key, 2)
        large = await statements(query, variables, key, 6)
        assert small == large <= limit, (key, small, large)
