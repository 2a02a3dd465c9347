"""What a set lead needs: attendance rate per member and per meeting, members at risk
of dropping out (missed the last N meetings), open actions; and who may run a set."""

from __future__ import annotations

from typing import Any

from foundation.settings import Settings
from tests.connect_sets.conftest import (
    CREATE_ACTION,
    SCHEDULE,
    add_members,
    audit_actions,
    create_members,
    create_set,
    member_key,
    record,
    schedule,
)
from tests.support import GraphQLClient

ATTENDANCE_BY_MEMBER = """
query($set: ID!, $order: AttendanceOrder) {
  learningSetAttendance(setId: $set, orderBy: $order, first: 50) {
    totalCount
    nodes { member { id } role meetingsHeld attended apologies rate lastAttendedOn }
  }
}"""
MEETINGS = """
query($set: ID!) {
  learningSetMeetings(setId: $set, first: 10, filter: {statuses: [HELD]}) {
    nodes {
      heldOn attendance { expected attended apologies rate }
      attendees { status member { id } }
    }
  }
}"""
AT_RISK = """
query($set: ID!, $n: Int!) {
  learningSetMembersAtRisk(setId: $set, missedLast: $n, first: 50) {
    nodes { member { id } missed lastAttendedOn }
  }
}"""
ACTIONS = """
query($set: ID!) {
  learningSetActions(first: 10, filter: {setId: $set, openOnly: true}) {
    nodes { title status isOverdue owner { id } meeting { heldOn } }
  }
  learningSet(id: $set) { openActionCount meetingsHeld memberCount size facilitators { role member { id } } }
}"""
UPDATE_ACTION = """
mutation($input: UpdateLearningSetActionInput!) {
  updateLearningSetAction(input: $input) {
    __typename ... on LearningSetActionPayload { action { status completedOn } }
    ... on UserError { code }
  }
}"""

MEETING_DATES = ["2026-06-10", "2026-07-08", "2026-08-12", "2026-09-09"]


async def test_attendance_at_risk_and_open_actions(
    gql: GraphQLClient, make_token: Any, admin_url: str, settings: Settings
) -> None:
    sha = "Q34"
    lset = await create_set(gql, sha, focusKind="CARE_PATHWAY", focus="Maternity services")
    people = await create_members(gql, sha, 6)
    a, b, c, d, late, facilitator = (p["id"] for p in people)
    joined = await add_members(gql, sha, lset["id"], [a, b, c, d], joinedOn="2026-05-01")
    assert joined["__typename"] == "LearningSetPayload", joined
    await add_members(
        gql, sha, lset["id"], [facilitator], role="FACILITATOR", joinedOn="2026-05-01"
    )
    await add_members(gql, sha, lset["id"], [late], joinedOn="2026-08-20")

    meetings = [await schedule(gql, sha, lset["id"], day) for day in MEETING_DATES]
    plan = {
        a: ["ATTENDED"] * 4,
        b: ["ATTENDED", "ATTENDED", "ABSENT", "ABSENT"],
        c: ["ATTENDED", "ATTENDED", "APOLOGIES", "APOLOGIES"],
        d: ["ABSENT"] * 4,
        facilitator: ["ATTENDED"] * 4,
    }
    for i, meeting in enumerate(meetings):
        entries = {m: s[i] for m, s in plan.items()}
        if i == 3:
            entries[late] = "ABSENT"
        result = await record(gql, sha, meeting, entries)
        assert result["meeting"]["status"] == "HELD", result

    figures = await gql.data(
        ATTENDANCE_BY_MEMBER,
        {"set": lset["id"], "order": {"field": "RATE", "direction": "ASC"}},
        as_role=("member", sha),
    )
    rows = figures["learningSetAttendance"]["nodes"]
    assert figures["learningSetAttendance"]["totalCount"] == 6
    by_member = {r["member"]["id"]: r for r in rows}
    assert (by_member[a]["rate"], by_member[b]["rate"], by_member[d]["rate"]) == (1.0, 0.5, 0.0)
    assert by_member[c]["apologies"] == 2 and by_member[c]["lastAttendedOn"] == MEETING_DATES[1]
    assert by_member[late]["meetingsHeld"] == 1 and by_member[late]["attended"] == 0
    assert by_member[facilitator]["role"] == "FACILITATOR"
    assert [r["rate"] for r in rows] == sorted(r["rate"] for r in rows)

    per_meeting = await gql.data(MEETINGS, {"set": lset["id"]}, as_role=("member", sha))
    newest, *_, oldest = per_meeting["learningSetMeetings"]["nodes"]
    recorded = {r["member"]["id"]: r["status"] for r in newest.pop("attendees")}
    assert recorded == {m: s[3] for m, s in plan.items()} | {late: "ABSENT"}
    assert newest == {
        "heldOn": MEETING_DATES[3],
        "attendance": {"expected": 6, "attended": 2, "apologies": 1, "rate": 2 / 6},
    }
    assert oldest["attendance"] == {"expected": 5, "attended": 4, "apologies": 0, "rate": 0.8}

    async def at_risk(n: int) -> set[str]:
        data = await gql.data(AT_RISK, {"set": lset["id"], "n": n}, as_role=("member", sha))
        return {r["member"]["id"] for r in data["learningSetMembersAtRisk"]["nodes"]}

    assert await at_risk(2) == {b, c, d}
    assert await at_risk(3) == {d}
    assert await at_risk(1) == {b, c, d, late}
    assert await at_risk(5) == set()
    bad = await gql(AT_RISK, {"set": lset["id"], "n": 0}, as_role=("member", sha))
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    # Actions: recorded by the facilitator, owned by set members.
    lead = make_token("member", sha, member_id=member_key(people[5]))
    created = []
    for title, owner, due in (
        ("Audit referrals", a, "2026-10-01"),
        ("Pathway map", b, "2027-03-01"),
    ):
        data = await gql.data(
            CREATE_ACTION,
            {"input": {"meetingId": meetings[3], "title": title, "ownerId": owner, "dueOn": due}},
            token=lead,
        )
        assert data["createLearningSetAction"]["__typename"] == "LearningSetActionPayload", data
        created.append(data["createLearningSetAction"]["action"])
    assert created[0]["isOverdue"] is True
    # The owner may close their own action; another plain member may not.
    by_other = await gql.data(
        UPDATE_ACTION,
        {"input": {"id": created[1]["id"], "status": "DONE"}},
        token=make_token("member", sha, member_id=member_key(people[0])),
    )
    assert by_other["updateLearningSetAction"]["__typename"] == "ForbiddenError"
    done = await gql.data(
        UPDATE_ACTION,
        {"input": {"id": created[1]["id"], "status": "DONE"}},
        token=make_token("member", sha, member_id=member_key(people[1])),
    )
    assert done["updateLearningSetAction"]["action"]["completedOn"]
    listed = await gql.data(ACTIONS, {"set": lset["id"]}, as_role=("member", sha))
    assert [n["title"] for n in listed["learningSetActions"]["nodes"]] == ["Audit referrals"]
    assert listed["learningSet"]["openActionCount"] == 1
    assert listed["learningSet"]["meetingsHeld"] == 4
    assert listed["learningSet"]["size"] == "WITHIN_RANGE"  # 6 members: the default 6-120
    assert [f["member"]["id"] for f in listed["learningSet"]["facilitators"]] == [facilitator]

    # A plain member may not run meetings; the facilitator may; sets meet monthly.
    refused = await gql.data(
        SCHEDULE,
        {"input": {"setId": lset["id"], "heldOn": "2026-12-09", "topic": "x"}},
        token=make_token("member", sha, member_id=member_key(people[0])),
    )
    assert refused["scheduleLearningSetMeeting"]["__typename"] == "ForbiddenError"
    ok = await gql.data(
        SCHEDULE, {"input": {"setId": lset["id"], "heldOn": "2026-12-09", "topic": "x"}}, token=lead
    )
    assert ok["scheduleLearningSetMeeting"]["__typename"] == "LearningSetMeetingPayload"
    twice = await gql.data(
        SCHEDULE, {"input": {"setId": lset["id"], "heldOn": "2026-12-23", "topic": "y"}}, token=lead
    )
    assert twice["scheduleLearningSetMeeting"]["__typename"] == "ConflictError"

    # Every change was audited in the set's SHA.
    assert await audit_actions(admin_url, settings.db_schema, member_key(lset)) == [
        "learning_set.create",
        "learning_set.add_members",
        "learning_set.add_members",
        "learning_set.add_members",
    ]
    assert await audit_actions(admin_url, settings.db_schema, member_key({"id": meetings[0]})) == [
        "learning_set_meeting.create",
        "learning_set_meeting.attendance",
    ]
