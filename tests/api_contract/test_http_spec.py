"""GraphQL over HTTP, checked by the published audit suite (npm `graphql-http`) against a
real uvicorn server, plus the points the suite cannot see (tenant refusals, 405, 415)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from clngraph.http_protocol import negotiate
from clngraph.nodejs import NodeProject
from tests.api_contract.conftest import run_node

GQL_JSON = "application/graphql-response+json"


def test_graphql_http_audits_all_pass(live_url: str, node_tools: NodeProject) -> None:
    results = run_node(node_tools, "audit.mjs", f"{live_url}/graphql")
    assert len(results) > 30
    required = [r for r in results if r["name"].startswith(("MUST", "SHOULD"))]
    failed = [r for r in required if r["status"] != "ok"]
    assert not failed, failed
    optional = [r for r in results if r["name"].startswith("MAY")]
    # The MAY points are met too (GET with URL-encoded variables, 400 on bad params).
    assert [r for r in optional if r["status"] != "ok"] == []


async def test_request_errors_have_no_data_and_4xx(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{ nope }"}, headers={"accept": GQL_JSON})
    assert response.status_code == 400
    assert response.headers["content-type"] == f"{GQL_JSON}; charset=utf-8"
    body = response.json()
    assert "data" not in body and body["errors"]


async def test_legacy_json_clients_get_200_for_request_errors(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", json={"query": "{ nope }"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "data" not in response.json()


@pytest.mark.parametrize(("accept", "status"), [(GQL_JSON, 403), ("application/json", 200)])
async def test_region_out_of_reach_is_forbidden_before_execution(
    http: httpx.AsyncClient, make_token: Any, accept: str, status: int
) -> None:
    token = make_token("member", "Q31")
    response = await http.post(
        "/sha/Q36/graphql",
        json={"query": "{ viewer { subject } }"},
        headers={"accept": accept, "authorization": f"Bearer {token}"},
    )
    assert response.status_code == status
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_mutations_over_get_are_405(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/graphql",
        params={"query": "mutation { createOrganisation(input: {}) { __typename } }"},
        headers={"accept": GQL_JSON},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_queries_over_get_work(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/graphql", params={"query": "{ __typename }"}, headers={"accept": GQL_JSON}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/plain", b'{"query": "{ __typename }"}', 415),
        (None, b'{"query": "{ __typename }"}', 415),
        ("application/json; charset=latin-1", b'{"query": "{ __typename }"}', 415),
        ("application/json", b"{not json", 400),
        ("application/json", b"", 400),
        ("application/json", b"[]", 400),
        ("application/json", b'{"query": 1}', 400),
        ("application/json", b'{"query": "{ __typename }", "variables": [1]}', 400),
    ],
)
async def test_bad_bodies_are_clear_4xx(
    http: httpx.AsyncClient, content_type: str | None, body: bytes, status: int
) -> None:
    headers = {"accept": GQL_JSON}
    if content_type:
        headers["content-type"] = content_type
    response = await http.post("/graphql", content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["errors"][0]["message"]


async def test_other_methods_are_405_and_unacceptable_media_406(http: httpx.AsyncClient) -> None:
    put = await http.put("/graphql", json={"query": "{ __typename }"})
    assert put.status_code == 405
    plain = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": "text/plain"}
    )
    assert plain.status_code == 406


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("application/graphql-response+json, application/json;q=0.9", GQL_JSON),
        ("application/json, application/graphql-response+json", GQL_JSON),
        ("application/json;q=1, application/graphql-response+json;q=0.5", "application/json"),
        ("application/graphql-response+json;q=0, application/json", "application/json"),
        ("text/html", None),
        ("application/xml, text/plain;q=0.5", None),
    ],
)
def test_media_type_negotiation(accept: str | None, media: str | None) -> None:
    assert negotiate(accept) == media
