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
