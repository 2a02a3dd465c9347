"""Every root field of the schema (queries, mutations and subscriptions), fed a corpus
of hostile inputs: no answer may be a 5xx or carry INTERNAL_SERVER_ERROR, since an
internal error a client's input can cause is a defect. The fields and their
arguments come from introspection, so a field added later is covered without an edit
here, and the test fails should any root field go unsent.

Each field gets, in turn:

* every hostile string of `CORPUS` in every string, ID and custom-scalar place of its
  arguments at once (input objects included; a federation `_Any` alternately as the
  string and as a representation whose `id` is the string), enums cycling through
  their values;
* when it takes numbers, every hostile number of `NUMBERS` in every Int and Float
  place, with the optional string places left out (so that a bad string does not
  refuse the request before the number is read);
* when it takes neither, a plain call;
* the request-level cases, whatever the field: its variables with one more nested
  5,000 arrays deep, and the request padded past the 1 MB body limit (400 and 413 over
  HTTP; 4400 and 1009 closing a socket of their own over WebSocket).

Queries and mutations go over HTTP; subscriptions over graphql-transport-ws to a
uvicorn server on the same app, where an answer is a `next` or `error` message and a
5xx is the server closing the socket. The corpus runs on a database of its own (its
mutations write whatever they accept), as a caller with every role, and a quarter of
the HTTP requests anonymously."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
import websockets
from starlette.applications import Starlette

from clngraph.app import create_app
from clngraph.bootstrap import prepare_database
from foundation.db import with_database
from foundation.settings import Settings
from tests.edges.live import serving, socket_answer

NUMERIC = {"Int", "Float"}
NOT_STRINGS = {*NUMERIC, "Boolean"}


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


CORPUS = [
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfff",
    "",
    " \t\n",
    "x" * 20_000,
    "' OR 1=1 --",
    "%_\\",
    "<script>alert(1)</script>",
    "\u202eevil",
    "🩺" * 30,
    "-1",
    "9" * 40,
    "2026-13-45T99:99:99",
    "!!!not base64",
    _b64("Member:Q35:not-a-uuid"),
    _b64("Member:ZZZ:00000000-0000-0000-0000-000000000000"),
    _b64("NoSuchType:Q35:00000000-0000-0000-0000-000000000000"),
    _b64("Member:Q35"),
    _b64("\u0000:\u0000:\u0000"),
]

# (Int, Float): zero, negative, the 32-bit edges GraphQL's Int allows, far beyond
# anything a page, a capacity or a score means, and the double's edges
NUMBERS: list[tuple[int, float]] = [
    (0, 0.0),
    (-1, -1.0),
    (-2_147_483_648, -1e308),
    (2_147_483_647, 1e308),
    (1_000_000, 5e-324),
    (100_001, -0.0),
]

FILLER = "x"  # a required string place in a numeric case

INTROSPECT = """{ __schema {
  queryType { name } mutationType { name } subscriptionType { name }
  types { name kind
    fields { name args { name type { ...T } } type { ...T } }
    inputFields { name type { ...T } }
    enumValues { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name } } } } }"""


@dataclass(frozen=True)
class Case:
    """One set of values for every place of a field's arguments."""

    string: str | None  # None: optional string places left out, required ones FILLER
    integer: int = 1
    number: float = 1.5
    flag: bool = True
    choice: int = 0  # which value of each enum
    entity: bool = False  # a federation `_Any` as a representation, not a string


OMIT = object()  # an optional place left out


@pytest.fixture(scope="module")
async def corpus_app(server_admin_url: str, settings: Settings) -> AsyncIterator[Starlette]:
    url = with_database(server_admin_url, f"cln_corpus_{secrets.token_hex(4)}")
    await prepare_database(url, settings)
    # no rate limit: a request it refuses (429) would test nothing of the field
    unlimited = replace(
        settings,
        rate_limit_per_minute=10**6,
        rate_limit_burst=10**6,
        public_rate_limit_per_minute=10**6,
        public_rate_limit_burst=10**6,
    )
    application = create_app(unlimited, admin_url=url)
    async with application.router.lifespan_context(application):
        yield application


class Values:
    """A value for each type of the schema, as a case says."""

    def __init__(self, types: dict[str, Any]) -> None:
        self.types = types

    def of(self, ref: dict[str, Any], case: Case, depth: int = 0) -> Any:
        """A value of the type `ref`, or OMIT where the case leaves an optional place out."""
        required = ref["kind"] == "NON_NULL"
        if required:
            ref = ref["ofType"]
        if not required and case.string is None and not self.holds(ref, NUMERIC):
            return OMIT
        kind = ref["kind"]
        if kind == "LIST":
            item = self.of(ref["ofType"], case, depth)
            return [] if item is OMIT else [item]
        name = ref["name"]
        if kind == "ENUM":
            values = self.types[name]["enumValues"]
            return values[case.choice % len(values)]["name"]
        if kind == "INPUT_OBJECT":
            found = {}
            for field in self.types[name]["inputFields"]:
                if depth >= 3 and field["type"]["kind"] != "NON_NULL":
                    continue
                value = self.of(field["type"], case, depth + 1)
                if value is not OMIT:
                    found[field["name"]] = value
            return found
        if name == "Int":
            return case.integer
        if name == "Float":
            return case.number
        if name == "Boolean":
            return case.flag
        text = FILLER if case.string is None else case.string
        if name == "_Any" and case.entity:
            return {"__typename": "Member", "id": text}
        return text  # String, ID and every custom scalar

    def holds(self, ref: dict[str, Any], names: set[str] | None, depth: int = 0) -> bool:
        """Whether a value of this type has a place of a scalar named in `names` (None:
        any string-like scalar) within the depth `of` fills."""
        while ref["kind"] in ("NON_NULL", "LIST"):
            ref = ref["ofType"]
        if ref["kind"] == "INPUT_OBJECT":
            return depth < 4 and any(
                self.holds(f["type"], names, depth + 1)
                for f in self.types[ref["name"]]["inputFields"]
            )
        if ref["kind"] != "SCALAR":
            return False
        return ref["name"] in names if names is not None else ref["name"] not in NOT_STRINGS

    def cases(self, arguments: dict[str, Any]) -> list[Case]:
        refs = list(arguments.values())
        found: list[Case] = []
        if any(self.holds(r, None) for r in refs):
            found += [
                Case(hostile, flag=i % 2 == 0, choice=i, entity=i % 2 == 1)
                for i, hostile in enumerate(CORPUS)
            ]
        if any(self.holds(r, NUMERIC) for r in refs):
            found += [Case(None, integer, number) for integer, number in NUMBERS]
        return found or [Case(None, choice=i) for i in range(3)]

    def variables(self, arguments: dict[str, Any], case: Case) -> dict[str, Any]:
        values = {name: self.of(ref, case) for name, ref in arguments.items()}
        return {name: value for name, value in values.items() if value is not OMIT}


def graphql_type(ref: dict[str, Any]) -> str:
    if ref["kind"] == "NON_NULL":
        return graphql_type(ref["ofType"]) + "!"
    if ref["kind"] == "LIST":
        return f"[{graphql_type(ref['ofType'])}]"
    return str(ref["name"])


def selection(ref: dict[str, Any]) -> str:
    while ref["kind"] in ("NON_NULL", "LIST"):
        ref = ref["ofType"]
    return " { __typename }" if ref["kind"] in ("OBJECT", "INTERFACE", "UNION") else ""


@dataclass(frozen=True)
class RootField:
    operation: str  # query, mutation or subscription
    name: str
    document: str
    arguments: dict[str, Any]  # name -> type reference


def root_fields(schema: dict[str, Any]) -> Iterator[RootField]:
    """Every field of every root type, with a document passing each argument as a variable."""
    types = {t["name"]: t for t in schema["types"]}
    for operation in ("query", "mutation", "subscription"):
        root = schema[f"{operation}Type"]
        if root is None:
            continue
        for field in types[root["name"]]["fields"]:
            args = field["args"]
            declared = ", ".join(f"${a['name']}: {graphql_type(a['type'])}" for a in args)
            passed = ", ".join(f"{a['name']}: ${a['name']}" for a in args)
            document = (
                f"{operation}{f'({declared})' if args else ''}"
                f" {{ {field['name']}{f'({passed})' if args else ''}{selection(field['type'])} }}"
            )
            yield RootField(
                operation, field["name"], document, {a["name"]: a["type"] for a in args}
            )


def door_bodies(field: RootField, variables: dict[str, Any]) -> list[tuple[int, str]]:
    """(the status expected, the body) of the request-level cases: the variables with
    one more, nested 5,000 arrays deep (400), and the request padded past the 1 MB
    body limit (413)."""
    listed = json.dumps(variables)[:-1] + (", " if variables else "")
    nested = "[" * 5000 + "]" * 5000
    deep = f'{{"query": {json.dumps(field.document)}, "variables": {listed}"deep": {nested}}}}}'
    padded = json.dumps({"query": field.document + " " * 1_048_576, "variables": variables})
    return [(400, deep), (413, padded)]


def codes_of(errors: Any) -> list[Any]:
    return [(e.get("extensions") or {}).get("code") for e in errors or [] if isinstance(e, dict)]


async def test_no_hostile_input_to_any_root_field_is_an_internal_error(
    corpus_app: Starlette, make_token: Any
) -> None:
    everyone = make_token(
        "platform_admin",
        "Q35",
        roles=["member", "moderator", "sha_admin", "national_lead", "platform_admin"],
    )
    transport = httpx.ASGITransport(app=corpus_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        schema = (
            await client.post(
                "/graphql",
                json={"query": INTROSPECT},
                headers={"authorization": f"Bearer {everyone}"},
            )
        ).json()["data"]["__schema"]
        values = Values({t["name"]: t for t in schema["types"]})
        fields = list(root_fields(schema))
        over_http = [f for f in fields if f.operation != "subscription"]
        live = [f for f in fields if f.operation == "subscription"]
        defects: list[str] = []
        sent: dict[str, int] = {}
        statuses: Counter[int] = Counter()
        for field in over_http:
            for index, case in enumerate(values.cases(field.arguments)):
                headers = {"content-type": "application/json"}
                if index % 4 != 3:  # a quarter of them anonymous
                    headers["authorization"] = f"Bearer {everyone}"
                variables = values.variables(field.arguments, case)
                response = await client.post(
                    "/graphql",
                    content=json.dumps({"query": field.document, "variables": variables}),
                    headers=headers,
                )
                sent[field.name] = sent.get(field.name, 0) + 1
                statuses[response.status_code] += 1
                body = response.json()
                if response.status_code >= 500 or "INTERNAL_SERVER_ERROR" in codes_of(
                    body.get("errors")
                ):
                    defects.append(f"{response.status_code} {field.document} {case}: {body}")
            # the bodies refused at the door, whatever field they ask for
            first = values.variables(field.arguments, values.cases(field.arguments)[0])
            for expected, text in door_bodies(field, first):
                response = await client.post(
                    "/graphql",
                    content=text,
                    headers={
                        "content-type": "application/json",
                        "authorization": f"Bearer {everyone}",
                    },
                )
                sent[field.name] += 1
                statuses[response.status_code] += 1
                if response.status_code != expected:
                    defects.append(
                        f"{response.status_code} {field.document}: {response.text[:200]}"
                    )
    defects += await subscriptions_defects(corpus_app, live, values, everyone, sent)

    # every root field of the schema was sent, none left out by the generator
    assert {f.name for f in fields} == set(sent), {f.name for f in fields} - set(sent)
    assert {f.operation for f in fields} == {"query", "mutation", "subscription"}
    assert len(fields) > 150  # every domain's root fields, not a handful
    print(f"corpus: {len(fields)} root fields, {sum(sent.values())} operations, HTTP {statuses}")
    assert statuses[429] == 0, "the rate limit answered for the fields"
    assert not defects, f"{len(defects)} of {sum(sent.values())} answers:\n" + "\n".join(
        d[:600] for d in defects[:40]
    )


async def subscriptions_defects(
    app: Starlette, fields: list[RootField], values: Values, token: str, sent: dict[str, int]
) -> list[str]:
    """Each subscription field with each case, over graphql-transport-ws on one socket
    with the token (a socket without one is refused at `connection_init`, 4401, before
    any subscription can be sent). A message with INTERNAL_SERVER_ERROR, a `complete`
    with no answer before it, or the server closing the socket is a defect."""
    requests: dict[str, tuple[RootField, Case]] = {}
    for field in fields:
        for index, case in enumerate(values.cases(field.arguments)):
            requests[f"{field.name}-{index}"] = (field, case)
            sent[field.name] = sent.get(field.name, 0) + 1
    async with serving(app) as port:
        defects = await _subscribe_all(port, token, requests, values)
        for field in fields:  # the messages refused at the door, each on its own socket
            variables = values.variables(field.arguments, values.cases(field.arguments)[0])
            for expected, text in door_bodies(field, variables):
                message = f'{{"id": "door", "type": "subscribe", "payload": {text}}}'
                answer = await socket_answer(port, token, message)
                sent[field.name] += 1
                if answer != {400: 4400, 413: 1009}[expected]:
                    defects.append(f"{field.name} {len(message)} bytes: {answer}")
        return defects


async def _subscribe_all(
    port: int, token: str, requests: dict[str, tuple[RootField, Case]], values: Values
) -> list[str]:
    """Subscribed ten at a time (a connection may hold 20 operations): the first message
    of each, or none within a quiet second (a live feed, waiting), then `complete`."""
    defects: list[str] = []
    keys = list(requests)
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_size=None,
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10))["type"] == "connection_ack"
        for start in range(0, len(keys), 10):
            batch = keys[start : start + 10]
            for key in batch:
                field, case = requests[key]
                payload = {
                    "query": field.document,
                    "variables": values.variables(field.arguments, case),
                }
                await socket.send(json.dumps({"id": key, "type": "subscribe", "payload": payload}))
            answered: set[str] = set()
            try:
                while len(answered) < len(batch):
                    message = json.loads(await asyncio.wait_for(socket.recv(), 1.0))
                    if message["type"] == "ping":
                        await socket.send(json.dumps({"type": "pong"}))
                        continue
                    key = message.get("id")
                    if key not in batch or key in answered:
                        continue
                    answered.add(key)
                    if message["type"] == "complete":
                        defects.append(f"completed without an answer: {requests[key]}"[:600])
                        continue
                    payload = message.get("payload")
                    errors = payload if message["type"] == "error" else payload.get("errors")
                    if "INTERNAL_SERVER_ERROR" in codes_of(errors):
                        defects.append(f"subscription {requests[key]}: {message}"[:600])
            except TimeoutError:
                pass  # the rest are live feeds, waiting for posts that never come
            except websockets.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                defects.append(f"the server closed the socket ({code}) in {batch}")
                return defects
            for key in set(batch) - answered:
                await socket.send(json.dumps({"id": key, "type": "complete"}))
    return defects
