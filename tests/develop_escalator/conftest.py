"""Fixtures of the develop-escalator tests: members with real tokens, audit lookups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

from foundation.settings import Settings
from resolvers.common.ids import decode_id
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient, SqlLog


@dataclass
class Person:
    """A member created through the API, and a token that acts as that member."""

    id: str
    sha: str
    organisation_id: str
    token: str
    profession: str


MakePerson = Callable[..., Awaitable[Person]]


@pytest.fixture
def person(gql: GraphQLClient, make_token: Any) -> MakePerson:
    async def _make(
        sha: str, *, role: str = "member", organisation_id: str | None = None, **fields: Any
    ) -> Person:
        org = organisation_id or (await create_organisation(gql, sha))["id"]
        member = await create_member(gql, sha, org, **fields)
        raw = decode_id(member["id"]).key
        token = make_token(role, sha, member_id=raw)
        return Person(member["id"], sha, org, token, member["profession"])

    return _make


@pytest.fixture
def audit_actions(admin_url: str, settings: Settings) -> Callable[[str], Awaitable[list[str]]]:
    """The audit actions recorded for an entity id (read as the owner, outside RLS)."""

    async def _actions(entity_id: str) -> list[str]:
        conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
        try:
            rows = await conn.fetch(
                "SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY occurred_at", entity_id
            )
            return [r["action"] for r in rows]
        finally:
            await conn.close()

    return _actions


def raw_key(global_id: str) -> str:
    return decode_id(global_id).key


def counted(sql_log: SqlLog) -> int:
    """Statements of the request itself (see SqlLog.queries)."""
    return len(sql_log.queries())


SET_LEAD = """
mutation($input: EscalatorLeadInput!) {
  setEscalatorLead(input: $input) {
    __typename
    ... on EscalatorLeadPayload { lead { organisation { id } member { id } } }
    ... on UserError { code message }
  }
}"""


async def name_lead(gql: GraphQLClient, who: Person, *organisations: str) -> None:
    """An admin of the person's SHA names them Escalator lead of `organisations`
    (default: their own organisation)."""
    for org in organisations or (who.organisation_id,):
        result = await gql.data(
            SET_LEAD,
            {"input": {"organisationId": org, "memberId": who.id}},
            as_role=("sha_admin", who.sha),
        )
        assert result["setEscalatorLead"]["__typename"] == "EscalatorLeadPayload", result


@pytest.fixture
def backdate_plan(admin_url: str, settings: Settings) -> Callable[[str, int], Awaitable[None]]:
    """Move a plan's next review `days` into the past, as time would (the API refuses a
    past review date, so an overdue plan can only come about by waiting)."""

    async def _backdate(plan_id: str, days: int) -> None:
        conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
        try:
            await conn.execute(
                "UPDATE engagement_plans SET next_review_on = current_date - $2::int"
                " WHERE id = $1::uuid",
                decode_id(plan_id).key,
                days,
            )
        finally:
            await conn.close()

    return _backdate
