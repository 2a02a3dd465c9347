"""Fixtures and helpers for action learning sets and events: rows are made through the
API, as an SHA admin or national lead would, with real JWTs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient

CREATE_EVENT = """
mutation($input: CreateEventInput!) {
  createEvent(input: $input) {
    __typename
    ... on EventPayload { event { id shaCode title isNational ownership capacity } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

REGISTER = """
mutation($input: RegisterForEventInput!) {
  registerForEvent(input: $input) {
    __typename
    ... on EventRegistrationPayload {
      registration { id shaCode eventShaCode status sequence waitlistPosition }
    }
    ... on UserError { message code }
  }
}"""

CANCEL = """
mutation($id: ID!) {
  cancelEventRegistration(input: {id: $id}) {
    __typename
    ... on CancelEventRegistrationPayload { promotedCount registration { id status } }
    ... on UserError { message code }
  }
}"""


def member_key(member: dict[str, Any]) -> str:
    """The database key of a member (the last part of its global id)."""
    import base64

    raw = member["id"] + "=" * (-len(member["id"]) % 4)
    return base64.urlsafe_b64decode(raw).decode().split(":", 2)[2]


def future(days: int, hours: int = 9) -> str:
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=days, hours=hours)
    return start.isoformat()


async def create_event(
    gql: GraphQLClient, sha: str, *, role: str = "sha_admin", **fields: Any
) -> dict[str, Any]:
    values = {
        "shaCode": sha,
        "title": "Regional clinical leaders meeting",
        "kind": "REGIONAL_MEETING",
        "startsAt": future(30),
        "endsAt": future(30, 17),
        "capacity": 10,
        **fields,
    }
    data = await gql.data(CREATE_EVENT, {"input": values}, as_role=(role, sha))
    result = data["createEvent"]
    assert result["__typename"] == "EventPayload", result
    return dict(result["event"])


async def create_members(gql: GraphQLClient, sha: str, count: int) -> list[dict[str, Any]]:
    org = await create_organisation(gql, sha)
    return [await create_member(gql, sha, org["id"]) for _ in range(count)]


def member_token(make_token: Any, sha: str, member: dict[str, Any]) -> str:
    token: str = make_token("member", sha, member_id=member_key(member))
    return token


async def insert_members(admin_url: str, schema: str, sha: str, count: int) -> list[str]:
    """Many members at once (for the 120-member rule), inserted as the owner role like the
    demo seed; returns their global ids. Everything else goes through the API."""
    import uuid

    import asyncpg

    from resolvers.common.ids import encode_id

    conn = await asyncpg.connect(admin_url, server_settings={"search_path": schema})
    try:
        org = await conn.fetchval(
            "INSERT INTO organisations (sha_code, code, name, type)"
            " VALUES ($1, $2, 'Bulk test practice', 'ACADEMY') RETURNING id",
            sha,
            f"B{uuid.uuid4().hex[:7].upper()}",
        )
        ids = [uuid.uuid4() for _ in range(count)]
        await conn.copy_records_to_table(
            "members",
            records=[(sha, i, org, "Bulk", f"Member{n:03d}", "MANAGER") for n, i in enumerate(ids)],
            columns=[
                "sha_code",
                "id",
                "organisation_id",
                "given_name",
                "family_name",
                "profession",
            ],
            schema_name=schema,
        )
    finally:
        await conn.close()
    return [encode_id("Member", sha, i) for i in ids]


async def audit_actions(admin_url: str, schema: str, entity_id: str) -> list[str]:
    """The audit actions recorded for an entity (by database key), oldest first."""
    import asyncpg

    conn = await asyncpg.connect(admin_url, server_settings={"search_path": schema})
    try:
        rows = await conn.fetch(
            "SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY occurred_at", entity_id
        )
    finally:
        await conn.close()
    return [r["action"] for r in rows]


CREATE_SET = """
mutation($input: CreateLearningSetInput!) {
  createLearningSet(input: $input) {
    __typename
    ... on LearningSetPayload { learningSet { id shaCode name } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

ADD_MEMBERS = """
mutation($input: AddLearningSetMembersInput!) {
  addLearningSetMembers(input: $input) {
    __typename
    ... on LearningSetPayload { learningSet { id memberCount size } }
    ... on LearningSetFullError { message code maximum current requested }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

SCHEDULE = """
mutation($input: ScheduleLearningSetMeetingInput!) {
  scheduleLearningSetMeeting(input: $input) {
    __typename
    ... on LearningSetMeetingPayload { meeting { id heldOn status } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

ATTENDANCE = """
mutation($input: RecordAttendanceInput!) {
  recordLearningSetAttendance(input: $input) {
    __typename
    ... on LearningSetMeetingPayload { meeting { id status attendance { expected attended } } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

CREATE_ACTION = """
mutation($input: CreateLearningSetActionInput!) {
  createLearningSetAction(input: $input) {
    __typename
    ... on LearningSetActionPayload { action { id status isOverdue owner { id } } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""


async def create_set(gql: GraphQLClient, sha: str, **fields: Any) -> dict[str, Any]:
    values = {
        "shaCode": sha,
        "name": "Choose and Book action learning set",
        "focusKind": "PRIORITY",
        "focus": "Choose and Book",
        **fields,
    }
    data = await gql.data(CREATE_SET, {"input": values}, as_role=("sha_admin", sha))
    result = data["createLearningSet"]
    assert result["__typename"] == "LearningSetPayload", result
    return dict(result["learningSet"])


async def add_members(
    gql: GraphQLClient, sha: str, set_id: str, member_ids: list[str], **fields: Any
) -> dict[str, Any]:
    data = await gql.data(
        ADD_MEMBERS,
        {"input": {"setId": set_id, "memberIds": member_ids, **fields}},
        as_role=("sha_admin", sha),
    )
    return dict(data["addLearningSetMembers"])


async def schedule(gql: GraphQLClient, sha: str, set_id: str, held_on: str) -> str:
    data = await gql.data(
        SCHEDULE,
        {"input": {"setId": set_id, "heldOn": held_on, "topic": f"Meeting {held_on}"}},
        as_role=("sha_admin", sha),
    )
    result = data["scheduleLearningSetMeeting"]
    assert result["__typename"] == "LearningSetMeetingPayload", result
    return str(result["meeting"]["id"])


async def record(
    gql: GraphQLClient, sha: str, meeting_id: str, entries: dict[str, str]
) -> dict[str, Any]:
    data = await gql.data(
        ATTENDANCE,
        {
            "input": {
                "meetingId": meeting_id,
                "entries": [{"memberId": m, "status": s} for m, s in entries.items()],
            }
        },
        as_role=("sha_admin", sha),
    )
    return dict(data["recordLearningSetAttendance"])


def counted(statements: list[str]) -> int:
    """Statements a request issued for its own work, given `SqlLog.queries()`."""
    return len(statements)
