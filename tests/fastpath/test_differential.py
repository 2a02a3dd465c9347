"""The fast path (schema/fastpath/) answers exactly as stock strawberry does.

Two apps on one database, one with `CLN_FAST_PATH` on (the session's `app`) and one
with it off, get the same requests: every bench operation (bench/operations/ours),
and a corpus of the shapes the fast path treats specially (fragments, interfaces
and unions, `@include`/`@skip`, aliases, errors bubbling to nullable parents,
introspection, `_entities`, request errors). Each pair of responses must agree on
status, data with its key order, and errors with their paths and order. Upgrading a
pinned strawberry-graphql, graphql-core or SQLAlchemy is one commit whose CI runs
this test.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bench.operations import query_text
from clngraph.app import create_app
from foundation.settings import Settings
from tests.connect_networks.conftest import create_forum, start_thread
from tests.factories import create_member
from tests.support import GraphQLClient


@pytest.fixture(scope="session")
async def stock_app(admin_url: str, settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(replace(settings, fast_path=False), admin_url=admin_url)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def stock_http(stock_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=stock_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


Request = tuple[str, dict[str, Any], tuple[str, str | None] | None]


class Both:
    """Sends each request to both apps and compares the answers."""

    def __init__(self, fast: httpx.AsyncClient, stock: httpx.AsyncClient, make_token: Any):
        self.fast, self.stock, self.make_token = fast, stock, make_token

    async def compare(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        role: tuple[str, str | None] | None = ("member", "Q31"),
        *,
        token: str | None = None,
        volatile: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        if role is not None and token is None:
            token = self.make_token(*role)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {"query": query, "variables": variables or {}}
        fast = await self.fast.post("/graphql", json=body, headers=headers)
        stock = await self.stock.post("/graphql", json=body, headers=headers)
        assert fast.status_code == stock.status_code, (fast.text, stock.text)
        fast_text, stock_text = _masked(fast.text, volatile), _masked(stock.text, volatile)
        # the texts compared as parsed JSON written back: key order and error order count
        assert _canonical(fast_text) == _canonical(stock_text), (fast_text, stock_text)
        answer: dict[str, Any] = fast.json()
        return answer


def _canonical(text: str) -> str:
    return json.dumps(json.loads(text))


def _masked(text: str, volatile: tuple[str, ...]) -> str:
    """Values that differ by design between two writes (`id`, `createdAt`)."""
    for key in volatile:
        text = re.sub(rf'("{key}":)"[^"]*"', r'\1"<volatile>"', text)
    return text


@pytest.fixture
def both(http: httpx.AsyncClient, stock_http: httpx.AsyncClient, make_token: Any) -> Both:
    return Both(http, stock_http, make_token)


async def _member_ids(both: Both, sha: str, count: int) -> list[str]:
    data = await both.compare(
        "query($n: Int!) { members(first: $n) { nodes { id } } }", {"n": count}, ("member", sha)
    )
    return [n["id"] for n in data["data"]["members"]["nodes"]]


# --- every bench operation ------------------------------------------------------------


async def test_bench_directory_page(both: Both) -> None:
    for profession in ("DOCTOR", "NURSE", "MANAGER"):
        body = await both.compare(query_text("ours", "1"), {"profession": profession, "first": 50})
        assert "errors" not in body


async def test_bench_national_dashboard(both: Both) -> None:
    body = await both.compare(query_text("ours", "2"), role=("national_lead", None))
    assert body["data"]["nationalDashboard"]["membersBySha"]


async def test_bench_wide_page(both: Both) -> None:
    body = await both.compare(query_text("ours", "3"), {"first": 500})
    assert len(body["data"]["members"]["nodes"]) >= 30


async def test_bench_node_lookup(both: Both) -> None:
    for member_id in await _member_ids(both, "Q31", 5):
        body = await both.compare(query_text("ours", "4"), {"id": member_id})
        assert body["data"]["node"]["id"] == member_id


async def test_bench_add_forum_post(both: Both, gql: GraphQLClient, make_token: Any) -> None:
    member = await create_member(gql, "Q31")
    forum = await create_forum(gql, "Q31", moderators=[member["id"]])
    token = make_token("member", "Q31", roles=["member"], member_id=member["id"])
    thread = (await start_thread(gql, token, forum["id"]))["thread"]
    body = await both.compare(
        query_text("ours", "5"),
        {"threadId": thread["id"], "body": "Same answer both ways."},
        token=token,
        volatile=("id", "createdAt"),
    )
    assert body["data"]["addForumPost"]["__typename"] == "PostPayload"
    missing = base64_id("ForumThread", "Q31", str(uuid.uuid4()))
    body = await both.compare(
        query_text("ours", "5"), {"threadId": missing, "body": "Nowhere."}, token=token
    )
    assert body["data"]["addForumPost"]["__typename"] != "PostPayload"


def base64_id(type_name: str, sha: str, key: str) -> str:
    from resolvers.common.ids import encode_id

    return encode_id(type_name, sha, key)


# --- the shapes the fast path treats specially ----------------------------------------

FRAGMENTS = """
fragment Org on Organisation { id code name }
fragment Person on Member { id givenName familyName organisation { ...Org } }
query($first: Int!) {
  members(first: $first) {
    edges { cursor node { ...Person ... on Member { roles status } } }
    nodes { ... on Member { shaCode joinedOn } ...Person }
  }
}"""

DIRECTIVES = """
query($first: Int!, $yes: Boolean!, $no: Boolean!) {
  members(first: $first) {
    nodes {
      id
      givenName @include(if: $yes)
      familyName @include(if: $no)
      email @skip(if: $yes)
      roles @skip(if: $no)
      organisation @include(if: $yes) { code name @skip(if: $yes) }
      ... on Member @include(if: $no) { profession }
    }
  }
}"""

ALIASES = """
query($first: Int!) {
  a: members(first: $first) { nodes { key: id who: givenName id } }
  b: members(first: 2) { pageInfo { more: hasNextPage } total: totalCount }
  shas { code c2: code }
}"""

INTERFACE = """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    id
    ... on Member { givenName organisation { __typename id name } }
    ... on Organisation { code }
  }
}"""

ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    __typename
    ... on Member { id givenName sha_: shaCode }
    ... on Organisation { id name }
  }
}"""


async def test_fragments(both: Both) -> None:
    await both.compare(FRAGMENTS, {"first": 20})


async def test_include_and_skip(both: Both) -> None:
    await both.compare(DIRECTIVES, {"first": 10, "yes": True, "no": False})
    await both.compare(DIRECTIVES, {"first": 10, "yes": False, "no": True})


async def test_aliases(both: Both) -> None:
    await both.compare(ALIASES, {"first": 10})


async def test_interfaces(both: Both) -> None:
    """`nodes(ids:)` answers `[Node]`: members and organisations resolved through the
    interface, and null for an id of another region."""
    data = await both.compare("{ members(first: 3) { nodes { id organisation { id } } } }")
    members = data["data"]["members"]["nodes"]
    organisation = next(m["organisation"]["id"] for m in members if m["organisation"])
    other = await _member_ids(both, "Q32", 1)
    ids = [members[0]["id"], organisation, members[1]["id"], *other, members[2]["id"]]
    body = await both.compare(INTERFACE, {"ids": ids})
    kinds = [node and node["__typename"] for node in body["data"]["nodes"]]
    assert kinds == ["Member", "Organisation", "Member", None, "Member"], kinds
    # an id that does not decode fails the whole (non-null) list
    body = await both.compare(INTERFACE, {"ids": [*ids, "not-an-id"]})
    assert body["data"] is None and body["errors"][0]["path"] == ["nodes"]


UNION = """
mutation($input: UpdateMemberInput!) {
  updateMember(input: $input) {
    __typename
    ... on MemberPayload { member { id givenName } }
    ... on UserError { code message }
  }
}"""


async def test_unions(both: Both, gql: GraphQLClient) -> None:
    """A mutation's result union, through three of its members (`_entities` answers
    the `_Entity` union: test_entities)."""
    member = await create_member(gql, "Q31")
    missing = base64_id("Member", "Q31", str(uuid.uuid4()))
    cases = [
        ("MemberPayload", {"id": member["id"], "givenName": "Test"}),
        ("NotFoundError", {"id": missing, "givenName": "X"}),
        ("ValidationError", {"id": member["id"], "givenName": ""}),
    ]
    for typename, values in cases:
        body = await both.compare(UNION, {"input": values}, role=("sha_admin", "Q31"))
        assert body["data"]["updateMember"]["__typename"] == typename, body


async def test_entities(both: Both) -> None:
    ids = await _member_ids(both, "Q31", 2)
    reps = [{"__typename": "Member", "id": i} for i in ids]
    reps.append({"__typename": "Member", "id": (await _member_ids(both, "Q32", 1))[0]})
    data = await both.compare("{ organisations(first: 1) { nodes { id } } }")
    organisation = data["data"]["organisations"]["nodes"][0]["id"]
    reps.append({"__typename": "Organisation", "id": organisation})
    body = await both.compare(ENTITIES, {"reps": reps})
    kinds = [entity and entity["__typename"] for entity in body["data"]["_entities"]]
    assert kinds == ["Member", "Member", None, "Organisation"], kinds


BUBBLING = """
query($id: ID!, $ids: [ID!]!) {
  node(id: $id) { id ... on Member { givenName networks(first: -1) { role } } }
  nodes(ids: $ids) { id ... on Member { networks(first: -1) { role } } }
  shas { code }
}"""


async def test_errors_bubble_to_nullable_parents(both: Both) -> None:
    # a non-null field failing under a nullable root field and under each nullable
    # item of a list: the parent becomes null, its siblings answer, errors in order
    ids = await _member_ids(both, "Q31", 3)
    body = await both.compare(BUBBLING, {"id": ids[0], "ids": ids})
    assert body["data"]["node"] is None and body["data"]["nodes"] == [None, None, None]
    assert body["data"]["shas"]
    assert [e["path"] for e in body["errors"]] == [
        ["node", "networks"],
        *(["nodes", i, "networks"] for i in range(3)),
    ]
    # a failing nullable root field beside one that answers
    body = await both.compare('{ node(id: "garbage") { id } shas { code } }')
    assert body["data"]["node"] is None and body["data"]["shas"] and body["errors"]
    # a failing field in every item of a non-null list: null up to the root
    body = await both.compare("{ members(first: 3) { nodes { id networks(first: -1) { role } } } }")
    assert body["data"] is None and body["errors"]
    # a field refused by its permission (anonymous caller)
    body = await both.compare("{ networks(first: 2) { nodes { id } } shas { code } }", role=None)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # a node id of another region resolves to null, without an error
    other = (await _member_ids(both, "Q32", 1))[0]
    body = await both.compare("query($id: ID!) { node(id: $id) { id } }", {"id": other})
    assert body == {"data": {"node": None}}


async def test_request_errors(both: Both) -> None:
    await both.compare("{ members(first: 1) { nodes { noSuchField } } }")
    await both.compare("query($n: Int!) { members(first: $n) { totalCount } }", {"n": "x"})
    await both.compare("{ members(first: 1) { nodes { id } ")


async def test_introspection(both: Both) -> None:
    await both.compare(
        """{ __schema { queryType { name } types { name kind } }
             __type(name: "Member") { name fields { name type { name kind ofType { name } } }
                                      interfaces { name } }
             shas { __typename code } }"""
    )
