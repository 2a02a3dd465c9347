"""Hostile bodies are refused at the door: a body over the limit (413, before the
rest is read), JSON nested too deep (400), strings PostgreSQL cannot store
(BAD_USER_INPUT, whether in a variable or a literal, over HTTP or a WebSocket),
malformed `_entities` representations (BAD_USER_INPUT at their index); a WebSocket
message is held to the same limits as a body."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.types import Message

from clngraph.app import create_app
from clngraph.http_protocol import MAX_JSON_DEPTH
from foundation.settings import Settings
from tests.edges.live import serving, socket_answer
from tests.factories import create_member
from tests.support import GraphQLClient, error_codes

LIMIT = 1_048_576  # the default of CLN_MAX_BODY_BYTES


async def call_asgi(
    app: Starlette, headers: list[tuple[bytes, bytes]], chunks: Any
) -> tuple[int, dict[str, Any], int]:
    """The app called as a server calls it, the body given chunk by chunk: the status,
    the JSON body and how many chunks the app asked for."""
    asked = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": next(chunks), "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), asked


def endless() -> Any:
    while True:
        yield b" " * 65536


async def test_a_declared_length_over_the_limit_is_refused_before_any_of_it_is_read(
    app: Starlette,
) -> None:
    status, body, asked = await call_asgi(app, [(b"content-length", b"104857600")], endless())
    assert status == 413 and asked == 0
    assert body["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(app: Starlette) -> None:
    status, body, asked = await call_asgi(app, [(b"transfer-encoding", b"chunked")], endless())
    assert status == 413
    assert asked == LIMIT // 65536 + 1  # one chunk past the limit, and no more
    assert body["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_a_body_under_the_limit_is_served(http: httpx.AsyncClient) -> None:
    query = "{ viewer { roles } }" + " " * (LIMIT - 1000)
    response = await http.post("/graphql", json={"query": query})
    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": {"roles": []}}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


async def test_json_nested_too_deep_is_a_bad_request(http: httpx.AsyncClient) -> None:
    for depth in (MAX_JSON_DEPTH, 5000, 100_000):
        text = (
            '{"query": "query($ids: [ID!]) { nodes(ids: $ids) { id } }", "variables": {"ids": %s}}'
        )
        response = await http.post(
            "/graphql",
            content=text % nested(depth),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert "nests deeper" in response.json()["errors"][0]["message"]
    # at the limit: parsed, and refused by variable coercion as any wrong value is
    text = '{"query": "query($ids: [ID!]) { nodes(ids: $ids) { id } }", "variables": {"ids": %s}}'
    response = await http.post(
        "/graphql",
        content=text % nested(MAX_JSON_DEPTH - 2),
        headers={"content-type": "application/json", "accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["errors"]


async def test_deep_get_variables_are_a_bad_request(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/graphql",
        params={"query": "{ viewer { roles } }", "variables": '{"a": ' + nested(5000) + "}"},
    )
    assert response.status_code == 400


UNSTORABLE = ["a\u0000b", "\ud800", "x\udfff", "\udc00\ud800"]


async def test_unstorable_strings_in_variables_are_bad_user_input(gql: GraphQLClient) -> None:
    query = "query($q: String) { members(first: 1, filter: {search: $q}) { totalCount } }"
    for value in UNSTORABLE:
        text = json.dumps({"query": query, "variables": {"q": value}})  # \\ud800 escapes
        response = await gql.http.post(
            "/graphql",
            content=text,
            headers={
                "content-type": "application/json",
                "authorization": f"Bearer {gql.make_token('sha_admin', 'Q35')}",
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert "data" not in body  # refused before execution: a request error
    # nested in objects and lists (a federation `_Any` takes any JSON), and as a key
    for reps in (
        [{"__typename": "Member", "id": "ok"}, {"__typename": "Member", "id": "\u0000"}],
        [{"__typename": "Member", "id": ["ok", {"deep": "\ud800"}]}],
        [{"__typename": "Member", "\u0000": "x"}],
    ):
        response = await gql.http.post(
            "/graphql",
            content=json.dumps({"query": ENTITIES, "variables": {"reps": reps}}),
            headers={"content-type": "application/json"},
        )
        assert error_codes(response.json()) == ["BAD_USER_INPUT"], response.text


async def test_unstorable_strings_in_literals_are_bad_user_input(gql: GraphQLClient) -> None:
    query = '{ members(first: 1, filter: {search: "a\\u0000b"}) { totalCount } }'
    body = await gql(query, as_role=("sha_admin", "Q35"))
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    # a lone surrogate escape is already a syntax error of GraphQL itself
    body = await gql('{ members(first: 1, filter: {search: "\\ud800"}) { totalCount } }')
    assert body["errors"] and "data" not in body


async def test_an_ordinary_string_still_goes_through(gql: GraphQLClient) -> None:
    query = "query($q: String) { members(first: 1, filter: {search: $q}) { totalCount } }"
    data = await gql.data(query, {"q": "Zoë 🩺 O'Brien \\ %_"}, as_role=("sha_admin", "Q35"))
    assert data["members"]["totalCount"] == 0


ENTITIES = """query($reps: [_Any!]!) { _entities(representations: $reps) {
  __typename ... on Member { id } } }"""


async def test_malformed_entity_representations_are_bad_user_input(gql: GraphQLClient) -> None:
    member = await create_member(gql, "Q35")
    malformed = [
        "Member",
        42,
        [],
        {},
        {"id": member["id"]},
        {"__typename": 7, "id": member["id"]},
        {"__typename": "NoSuchType", "id": member["id"]},
        {"__typename": "Query", "id": member["id"]},
        {"__typename": "Member"},
        {"__typename": "Member", "id": 5},
        {"__typename": "Member", "id": member["id"], "extra": True},
    ]
    reps = [*malformed, {"__typename": "Member", "id": member["id"]}]
    body = await gql(ENTITIES, {"reps": reps}, as_role=("sha_admin", "Q35"))
    errors = {tuple(e["path"]): e["extensions"]["code"] for e in body.get("errors", [])}
    refused = {
        ("_entities", i): "BAD_USER_INPUT" for i, rep in enumerate(malformed) if rep is not None
    }
    assert errors == refused or errors == {("_entities", 2): "BAD_USER_INPUT", **refused}, body
    if "data" in body and body["data"] is not None:
        assert body["data"]["_entities"][-1] == {"__typename": "Member", "id": member["id"]}


async def test_an_operation_name_that_cannot_be_stored_is_a_request_error(
    http: httpx.AsyncClient,
) -> None:
    """It names no operation: the error repeats it, and a lone surrogate in the body made
    the JSON encoder fail (a 500) before the body was written with an escape instead."""
    for name in ("\u0000", "\ud800", "x\udfff"):
        response = await http.post(
            "/graphql",
            content=json.dumps({"query": "query A { viewer { roles } }", "operationName": name}),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "data" not in body and "Unknown operation" in body["errors"][0]["message"]


SUBSCRIBE = "subscription($since: DateTime) { notificationAdded(since: $since) { id } }"


def subscribe(variables: str) -> str:
    query = json.dumps(SUBSCRIBE)
    return f'{{"id": "s", "type": "subscribe", "payload": {{"query": {query}, "variables": {variables}}}}}'


async def test_websocket_messages_are_held_to_the_same_door(
    app: Starlette, make_token: Any
) -> None:
    """graphql-transport-ws: an unstorable string in a subscription's variables is that
    operation's BAD_USER_INPUT error (it was completed without a word, or the socket
    closed, 4400, for a lone surrogate orjson would not parse); a message nested past
    MAX_JSON_DEPTH is not well-formed (4400, as invalid JSON); a message over the body
    limit closes the socket with 1009 before it is parsed."""
    token = make_token("member", "Q35")
    async with serving(app) as port:
        for value in UNSTORABLE:
            answer = await socket_answer(port, token, subscribe(json.dumps({"since": value})))
            assert isinstance(answer, dict) and answer["type"] == "error", answer
            assert error_codes({"errors": answer["payload"]}) == ["BAD_USER_INPUT"]
        for depth in (MAX_JSON_DEPTH + 1, 5000):
            answer = await socket_answer(port, token, subscribe(f'{{"since": {nested(depth)}}}'))
            assert answer == 4400
        big = subscribe(json.dumps({"since": "x" * LIMIT}))
        assert await socket_answer(port, token, big) == 1009
        # an ordinary message on the same server is answered as before (this caller has
        # no member record: FORBIDDEN, as a `next` of that operation)
        answer = await socket_answer(port, token, subscribe('{"since": null}'))
        assert isinstance(answer, dict) and answer["type"] == "next", answer
        assert error_codes(answer["payload"]) == ["FORBIDDEN"]


async def test_the_body_limit_is_configurable(admin_url: str, settings: Settings) -> None:
    """CLN_MAX_BODY_BYTES reaches the middleware: 2 KB here, refused by its declared
    length and, chunked, as soon as it passes it."""
    assert Settings.from_env({"CLN_MAX_BODY_BYTES": "2048"}).max_body_bytes == 2048
    small = create_app(replace(settings, max_body_bytes=2048), admin_url=admin_url)
    status, body, asked = await call_asgi(small, [(b"content-length", b"2049")], endless())
    assert (status, asked) == (413, 0)
    assert "2048 bytes" in body["errors"][0]["message"]
    chunks = iter([b" " * 1024] * 3)
    status, _, asked = await call_asgi(small, [(b"transfer-encoding", b"chunked")], chunks)
    assert (status, asked) == (413, 3)
