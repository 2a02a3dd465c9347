"""Personal progress counts real learning-set figures: meetings attended and actions
completed, each one batched statement per request, never across SHAs."""

from __future__ import annotations

import uuid
from typing import Any

from tests.connect_sets.conftest import (
    CREATE_ACTION,
    add_members,
    create_members,
    create_set,
    member_key,
    record,
    schedule,
)
from tests.support import GraphQLClient, SqlLog

PROGRESS = """
query($a: ID!, $b: ID!) {
  a: personalProgress(memberId: $a) { setsAttended actionsCompleted }
  b: personalProgress(memberId: $b) { setsAttended actionsCompleted }
}"""

UPDATE_ACTION = """
mutation($input: UpdateLearningSetActionInput!) {
  updateLearningSetAction(input: $input) { __typename }
}"""


async def _action(gql: GraphQLClient, sha: str, meeting: str, owner: str, title: str) -> str:
    data = await gql.data(
        CREATE_ACTION,
        {"input": {"meetingId": meeting, "title": title, "ownerId": owner, "dueOn": "2030-01-31"}},
        as_role=("sha_admin", sha),
    )
    result = data["createLearningSetAction"]
    assert result["__typename"] == "LearningSetActionPayload", result
    return str(result["action"]["id"])


async def _complete(gql: GraphQLClient, make_token: Any, sha: str, action: str, owner: Any) -> None:
    data = await gql.data(
        UPDATE_ACTION,
        {"input": {"id": action, "status": "DONE"}},
        token=make_token("member", sha, member_id=member_key(owner)),
    )
    assert data["updateLearningSetAction"]["__typename"] == "LearningSetActionPayload"


async def _set_with_history(
    gql: GraphQLClient, make_token: Any, sha: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two members: the first attends 2 of 3 held meetings and completes 1 of the 2
    actions they own; the second attends 1 and completes none of theirs."""
    first, second = await create_members(gql, sha, 2)
    lset = await create_set(gql, sha)
    added = await add_members(
        gql, sha, lset["id"], [first["id"], second["id"]], joinedOn="2026-01-01"
    )
    assert added["__typename"] == "LearningSetPayload", added
    meetings = [await schedule(gql, sha, lset["id"], d) for d in ("2026-01-14", "2026-02-11")]
    meetings.append(await schedule(gql, sha, lset["id"], "2026-03-11"))
    marks = [("ATTENDED", "ABSENT"), ("ATTENDED", "APOLOGIES"), ("APOLOGIES", "ATTENDED")]
    for meeting, (a, b) in zip(meetings, marks, strict=True):
        result = await record(gql, sha, meeting, {first["id"]: a, second["id"]: b})
        assert result["__typename"] == "LearningSetMeetingPayload", result
    done = await _action(gql, sha, meetings[0], first["id"], "Audit referrals")
    await _action(gql, sha, meetings[1], first["id"], "Redesign the booking letter")
    await _action(gql, sha, meetings[1], second["id"], "Talk to the PCT")
    await _complete(gql, make_token, sha, done, first)
    return first, second


async def test_progress_counts_attendance_and_completed_actions(
    gql: GraphQLClient, make_token: Any, owner_sql: Any, sql_log: SqlLog
) -> None:
    first, second = await _set_with_history(gql, make_token, "Q33")
    sql_log.clear()
    data = await gql.data(
        PROGRESS, {"a": first["id"], "b": second["id"]}, as_role=("sha_admin", "Q33")
    )
    assert data["a"] == {"setsAttended": 2, "actionsCompleted": 1}
    assert data["b"] == {"setsAttended": 1, "actionsCompleted": 0}
    # one statement per counter for both members
    assert sum("FROM learning_set_attendance" in s for s in sql_log.statements) == 1
    assert sum("FROM learning_set_actions" in s for s in sql_log.statements) == 1
    for member, got in ((first, data["a"]), (second, data["b"])):
        [row] = await owner_sql(
            "SELECT (SELECT count(*) FROM learning_set_attendance WHERE sha_code = 'Q33'"
            "        AND member_id = $1 AND status = 'ATTENDED') AS attended,"
            "       (SELECT count(*) FROM learning_set_actions WHERE sha_code = 'Q33'"
            "        AND owner_member_id = $1 AND status = 'DONE') AS done",
            uuid.UUID(member_key(member)),
        )
        assert got == {"setsAttended": row["attended"], "actionsCompleted": row["done"]}
    # the member sees their own progress
    own = await gql.data(
        PROGRESS,
        {"a": first["id"], "b": first["id"]},
        token=make_token("member", "Q33", member_id=member_key(first)),
    )
    assert own["a"] == {"setsAttended": 2, "actionsCompleted": 1}


async def test_progress_counter_cost_does_not_grow_with_members(
    gql: GraphQLClient, make_token: Any, sql_log: SqlLog
) -> None:
    first, second = await _set_with_history(gql, make_token, "Q34")
    many = " ".join(
        f'p{i}: personalProgress(memberId: "{m["id"]}") {{ setsAttended actionsCompleted }}'
        for i, m in enumerate([first, second] * 3)
    )
    sql_log.clear()
    await gql.data("{ " + many + " }", {}, as_role=("sha_admin", "Q34"))
    counted = [s for s in sql_log.statements if "learning_set" in s]
    assert len(counted) == 2, counted


async def test_progress_of_another_sha_is_unreachable(
    gql: GraphQLClient, make_token: Any, sql_log: SqlLog
) -> None:
    first, second = await _set_with_history(gql, make_token, "Q35")
    for role in ("sha_admin", "member"):
        sql_log.clear()
        data = await gql.data(
            PROGRESS, {"a": first["id"], "b": second["id"]}, as_role=(role, "Q37")
        )
        assert data == {"a": None, "b": None}
        # refused before any learning-set table is read
        assert not [s for s in sql_log.statements if "learning_set" in s]
    national = await gql.data(
        PROGRESS, {"a": first["id"], "b": second["id"]}, as_role=("national_lead", None)
    )
    assert national["a"] == {"setsAttended": 2, "actionsCompleted": 1}


async def test_counts_stay_inside_the_members_sha(gql: GraphQLClient, make_token: Any) -> None:
    """Activity of members of another SHA never adds to a member's figures, even when both
    are read in one national request."""
    here, _ = await _set_with_history(gql, make_token, "Q38")
    there, _ = await _set_with_history(gql, make_token, "Q39")
    data = await gql.data(
        PROGRESS, {"a": here["id"], "b": there["id"]}, as_role=("national_lead", None)
    )
    assert data["a"] == data["b"] == {"setsAttended": 2, "actionsCompleted": 1}
    empty = (await create_members(gql, "Q38", 1))[0]
    data = await gql.data(
        PROGRESS, {"a": empty["id"], "b": here["id"]}, as_role=("sha_admin", "Q38")
    )
    assert data["a"] == {"setsAttended": 0, "actionsCompleted": 0}
