"""Persisted operations: Automatic Persisted Queries as Apollo clients speak them, and
per-partner allow-lists (registered operations only, anything else FORBIDDEN)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from clngraph.commands.api_contract import register_operations
from clngraph.nodejs import NodeProject
from foundation.settings import Settings
from schema.persisted import sha256_hex
from tests.api_contract.conftest import run_node, statements_of
from tests.api_contract.partner_auth import partner_token

GQL_JSON = "application/graphql-response+json"


def _apq(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}


async def _send(
    http: httpx.AsyncClient,
    body: dict[str, Any],
    token: str | None = None,
    accept: str = GQL_JSON,
) -> httpx.Response:
    headers = {"accept": accept}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return await http.post("/graphql", json=body, headers=headers)


async def test_apq_round_trip(http: httpx.AsyncClient) -> None:
    query = f"query Apq{uuid.uuid4().hex[:8]} {{ __typename }}"
    unknown = await _send(http, {"extensions": _apq(query)})
    assert unknown.status_code == 404
    error = unknown.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    legacy = await _send(http, {"extensions": _apq(query)}, accept="application/json")
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["message"] == "PersistedQueryNotFound"

    stored = await _send(http, {"query": query, "extensions": _apq(query)})
    assert stored.status_code == 200 and stored.json() == {"data": {"__typename": "Query"}}
    by_hash = await _send(http, {"extensions": _apq(query)})
    assert by_hash.json() == {"data": {"__typename": "Query"}}
    # Apollo clients send hashed queries over GET too
    got = await http.get(
        "/graphql",
        params={"extensions": _json(_apq(query))},
        headers={"accept": GQL_JSON},
    )
    assert got.status_code == 200 and got.json() == {"data": {"__typename": "Query"}}


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


async def test_apq_hash_must_match_the_query(http: httpx.AsyncClient) -> None:
    response = await _send(
        http, {"query": "{ __typename }", "extensions": _apq("{ viewer { subject } }")}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_apq_off_answers_not_supported(production_http: httpx.AsyncClient) -> None:
    response = await _send(production_http, {"extensions": _apq("{ __typename }")})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotSupported"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


REGISTERED = "query PartnerMembers { members(first: 5) { nodes { id shaCode } } }"


async def test_partner_allow_list_admits_only_registered_operations(
    partner_http: httpx.AsyncClient, admin_url: str, settings: Settings, signing_key: Any
) -> None:
    client_id = f"partner-{uuid.uuid4().hex[:8]}"
    [digest] = await register_operations(admin_url, settings, client_id, [REGISTERED])
    assert digest == sha256_hex(REGISTERED)
    token = partner_token(signing_key, settings, client_id, ["Q31"])

    allowed = await _send(partner_http, {"query": REGISTERED}, token)
    assert allowed.status_code == 200, allowed.text
    nodes = allowed.json()["data"]["members"]["nodes"]
    assert nodes and {n["shaCode"] for n in nodes} == {"Q31"}  # still tenant-scoped

    by_hash = await _send(partner_http, {"extensions": _apq(REGISTERED)}, token)
    assert by_hash.status_code == 200
    assert by_hash.json()["data"] == allowed.json()["data"]

    for other in ("{ __typename }", REGISTERED + " ", "{ viewer { subject } }"):
        refused = await _send(partner_http, {"query": other}, token)
        assert refused.status_code == 403, other
        body = refused.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["errors"][0]["extensions"]["reason"] == "OPERATION_NOT_ALLOWED"
        legacy = await _send(partner_http, {"query": other}, token, accept="application/json")
        assert legacy.status_code == 200
        assert legacy.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_unrestricted_callers_run_any_operation(
    partner_http: httpx.AsyncClient,
    admin_url: str,
    settings: Settings,
    signing_key: Any,
    make_token: Any,
) -> None:
    restricted = f"partner-{uuid.uuid4().hex[:8]}"
    await register_operations(admin_url, settings, restricted, [REGISTERED])
    free_partner = partner_token(signing_key, settings, f"partner-{uuid.uuid4().hex[:8]}", ["Q31"])
    for token in (free_partner, make_token("member", "Q31")):
        response = await _send(partner_http, {"query": "{ viewer { kind } }"}, token)
        assert response.status_code == 200
    kinds = (await _send(partner_http, {"query": "{ viewer { kind } }"}, free_partner)).json()
    assert kinds["data"]["viewer"]["kind"] == "partner"


def test_apollo_client_persisted_query_link(live_url: str, node_tools: NodeProject) -> None:
    """Apollo's own client: hash first, PersistedQueryNotFound, retry with the text, then
    the hash alone is enough (over GET, as `useGETForHashedQueries` sends it)."""
    name = f"ApolloApq{uuid.uuid4().hex[:8]}"
    report = run_node(node_tools, "apq-client.mjs", f"{live_url}/graphql", name)
    assert [r["error"] for r in report["results"]] == [None, None]
    assert report["results"][0]["data"] == report["results"][1]["data"] == {"shas": []}
    assert report["sent"] == [
        {"method": "GET", "status": 404, "withQuery": False},
        {"method": "POST", "status": 200, "withQuery": True},
        {"method": "GET", "status": 200, "withQuery": False},
    ]


async def test_allow_list_costs_one_statement_whatever_the_page_size(
    partner_http: httpx.AsyncClient, admin_url: str, settings: Settings, signing_key: Any
) -> None:
    client_id = f"partner-{uuid.uuid4().hex[:8]}"
    pages = [REGISTERED.replace("first: 5", f"first: {n}") for n in (2, 20)]
    await register_operations(admin_url, settings, client_id, pages)
    token = partner_token(signing_key, settings, client_id, ["Q31"])
    counts = []
    for page in pages:
        with statements_of(partner_http) as log:
            response = await _send(partner_http, {"query": page}, token)
        assert response.status_code == 200
        assert len([s for s in log.statements if "persisted_operations" in s]) == 1
        # the SHA registry snapshot refreshes now and then: not part of the request's cost
        counts.append(len([q for q in log.queries() if ".shas " not in q]))
    assert counts[0] == counts[1]
