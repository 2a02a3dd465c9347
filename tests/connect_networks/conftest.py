"""Fixtures of the network-map and forum tests: rows made through the API, member tokens,
and a reader of the audit log."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import asyncpg
import pytest

from foundation.settings import Settings
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient, SqlLog

CREATE_NETWORK = """
mutation($input: CreateNetworkInput!) {
  createNetwork(input: $input) {
    __typename
    ... on NetworkPayload { network { id name shaCode kind clinicalArea policyAreaCodes } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

SET_MEMBER = """
mutation($n: ID!, $m: ID!, $role: NetworkRole!) {
  setNetworkMember(networkId: $n, memberId: $m, role: $role) {
    __typename
    ... on NetworkMembershipPayload { membership { role member { id } network { id } } }
    ... on UserError { message code }
  }
}"""

CREATE_FORUM = """
mutation($input: CreateForumInput!) {
  createForum(input: $input) {
    __typename
    ... on ForumPayload { forum { id title kind moderators { id } } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

START_THREAD = """
mutation($f: ID!, $title: String!, $body: String!) {
  startForumThread(forumId: $f, title: $title, bodyMarkdown: $body) {
    __typename
    ... on ThreadPayload { thread { id title } post { id bodyMarkdown bodyHtml } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

ADD_POST = """
mutation($t: ID!, $body: String!) {
  addForumPost(threadId: $t, bodyMarkdown: $body) {
    __typename
    ... on PostPayload { post { id bodyMarkdown bodyHtml createdAt } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

_counter = iter(range(10**6))


def unique(prefix: str) -> str:
    return f"{prefix} {next(_counter)}"


async def create_network(gql: GraphQLClient, sha: str, **fields: Any) -> dict[str, Any]:
    values = {
        "shaCode": sha,
        "name": unique("Network"),
        "kind": "FORMAL_MANAGED",
        "clinicalArea": "CARDIAC",
        **fields,
    }
    data = await gql.data(CREATE_NETWORK, {"input": values}, as_role=("sha_admin", sha))
    result = data["createNetwork"]
    assert result["__typename"] == "NetworkPayload", result
    return dict(result["network"])


async def add_to_network(
    gql: GraphQLClient, sha: str, network: str, member: str, role: str
) -> None:
    data = await gql.data(
        SET_MEMBER, {"n": network, "m": member, "role": role}, as_role=("sha_admin", sha)
    )
    assert data["setNetworkMember"]["__typename"] == "NetworkMembershipPayload", data


async def create_forum(
    gql: GraphQLClient, sha: str, moderators: list[str] | None = None, **fields: Any
) -> dict[str, Any]:
    values = {
        "shaCode": sha,
        "title": unique("Forum"),
        "kind": "TOPIC",
        "topic": "Stroke pathway",
        "moderatorIds": moderators or [],
        **fields,
    }
    data = await gql.data(CREATE_FORUM, {"input": values}, as_role=("sha_admin", sha))
    result = data["createForum"]
    assert result["__typename"] == "ForumPayload", result
    return dict(result["forum"])


def parse_elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every element of an HTML fragment as a browser's parser would see it."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


def counted(sql_log: SqlLog) -> int:
    """Statements a request sent for its own work (see SqlLog.queries)."""
    return len(sql_log.queries())


@pytest.fixture
def member_token(make_token: Any) -> Callable[..., str]:
    """A token acting as `member` (a dict with id and shaCode), optionally with extra roles."""

    def _make(member: dict[str, Any], *, roles: list[str] | None = None) -> str:
        token: str = make_token(
            "member", member["shaCode"], roles=roles or ["member"], member_id=member["id"]
        )
        return token

    return _make


async def new_member(gql: GraphQLClient, sha: str, **fields: Any) -> dict[str, Any]:
    return await create_member(gql, sha, **fields)


async def start_thread(
    gql: GraphQLClient, token: str, forum: str, body: str = "First post"
) -> dict[str, Any]:
    data = await gql.data(
        START_THREAD, {"f": forum, "title": unique("Thread"), "body": body}, token=token
    )
    result = data["startForumThread"]
    assert result["__typename"] == "ThreadPayload", result
    return dict(result)


async def add_post(gql: GraphQLClient, token: str, thread: str, body: str) -> dict[str, Any]:
    data = await gql.data(ADD_POST, {"t": thread, "body": body}, token=token)
    return dict(data["addForumPost"])


@pytest.fixture
def audit_rows(admin_url: str, settings: Settings) -> Callable[..., Any]:
    """audit_rows(action, entity_id_fragment) -> rows of the audit log (read as owner)."""

    async def _read(action: str) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(admin_url)
        try:
            return list(
                await conn.fetch(
                    f"SELECT * FROM {settings.db_schema}.audit_log WHERE action = $1"
                    " ORDER BY occurred_at",
                    action,
                )
            )
        finally:
            await conn.close()

    return _read


__all__ = [
    "ADD_POST",
    "create_forum",
    "create_network",
    "create_organisation",
    "new_member",
]
