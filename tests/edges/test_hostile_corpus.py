"""Every root field, every string, ID, custom-scalar or input argument, fed a corpus
of hostile strings: no answer may be a 5xx or carry INTERNAL_SERVER_ERROR, since an
internal error a client's input can cause is a defect. The fields and their
arguments come from introspection, so a field added later is covered without an edit
here. The corpus runs on a database of its own (its mutations write whatever they
accept), as a caller with every role, and as an anonymous one."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from clngraph.app import create_app
from clngraph.bootstrap import prepare_database
from foundation.db import with_database
from foundation.settings import Settings

STRINGISH = {"String", "ID"}
NUMBERS: dict[str, Any] = {"Int": 1, "Float": 1.5, "Boolean": True}


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

INTROSPECT = """{ __schema {
  queryType { name } mutationType { name }
  types { name kind
    fields { name args { name type { ...T } } type { ...T } }
    inputFields { name type { ...T } }
    enumValues { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name } } } } }"""


@pytest.fixture(scope="module")
async def corpus_app(server_admin_url: str, settings: Settings) -> AsyncIterator[Starlette]:
    url = with_database(server_admin_url, f"cln_corpus_{secrets.token_hex(4)}")
    await prepare_database(url, settings)
    application = create_app(settings, admin_url=url)
    async with application.router.lifespan_context(application):
        yield application


class Values:
    """A value for each type of the schema, the hostile string in every string place."""

    def __init__(self, types: dict[str, Any]) -> None:
        self.types = types

    def of(self, ref: dict[str, Any], hostile: str, depth: int = 0) -> Any:
        kind = ref["kind"]
        if kind == "NON_NULL":
            return self.of(ref["ofType"], hostile, depth)
        if kind == "LIST":
            return [self.of(ref["ofType"], hostile, depth)]
        name = ref["name"]
        if kind == "ENUM":
            return self.types[name]["enumValues"][0]["name"]
        if kind == "INPUT_OBJECT":
            fields = self.types[name]["inputFields"]
            return {
                f["name"]: self.of(f["type"], hostile, depth + 1)
                for f in fields
                if depth < 3 or f["type"]["kind"] == "NON_NULL"
            }
        return NUMBERS.get(name, hostile)  # String, ID and every custom scalar

    def hostile_places(self, ref: dict[str, Any], depth: int = 0) -> bool:
        """Whether a value of this type holds a string somewhere."""
        while ref["kind"] in ("NON_NULL", "LIST"):
            ref = ref["ofType"]
        if ref["kind"] == "INPUT_OBJECT":
            return depth < 4 and any(
                self.hostile_places(f["type"], depth + 1)
                for f in self.types[ref["name"]]["inputFields"]
            )
        return ref["kind"] == "SCALAR" and ref["name"] not in NUMBERS


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


def operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any], Values]]:
    """(document, the field's arguments as variables) for each root field with a
    string place among its arguments."""
    types = {t["name"]: t for t in schema["types"]}
    values = Values(types)
    found = []
    for root_kind, root in (("query", schema["queryType"]), ("mutation", schema["mutationType"])):
        for field in types[root["name"]]["fields"]:
            args = field["args"]
            if not any(values.hostile_places(a["type"]) for a in args):
                continue
            declared = ", ".join(f"${a['name']}: {graphql_type(a['type'])}" for a in args)
            passed = ", ".join(f"{a['name']}: ${a['name']}" for a in args)
            document = (
                f"{root_kind}({declared}) {{ {field['name']}({passed}){selection(field['type'])} }}"
            )
            found.append((document, {a["name"]: a["type"] for a in args}, values))
    return found


async def test_no_hostile_input_to_any_root_field_is_an_internal_error(
    corpus_app: Starlette, make_token: Any
) -> None:
    transport = httpx.ASGITransport(app=corpus_app)
    everyone = make_token(
        "platform_admin",
        "Q35",
        roles=["member", "moderator", "sha_admin", "national_lead", "platform_admin"],
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        schema = (
            await client.post(
                "/graphql",
                json={"query": INTROSPECT},
                headers={"authorization": f"Bearer {everyone}"},
            )
        ).json()["data"]["__schema"]
        found = operations(schema)
        assert len(found) > 50  # every domain's root fields, not a handful
        defects: list[str] = []
        sent = 0
        for document, arguments, values in found:
            for index, hostile in enumerate(CORPUS):
                variables = {name: values.of(ref, hostile) for name, ref in arguments.items()}
                headers = {"content-type": "application/json"}
                if index % 4 != 3:  # a quarter of them anonymous
                    headers["authorization"] = f"Bearer {everyone}"
                response = await client.post(
                    "/graphql",
                    content=json.dumps({"query": document, "variables": variables}),
                    headers=headers,
                )
                sent += 1
                body = response.json()
                codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors", [])]
                if response.status_code >= 500 or "INTERNAL_SERVER_ERROR" in codes:
                    defects.append(f"{response.status_code} {document} {hostile[:40]!r}: {body}")
    assert not defects, f"{len(defects)} of {sent} answers:\n" + "\n".join(defects[:40])
