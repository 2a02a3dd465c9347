"""Limits: depth, aliases, tokens, cost and page size (each refused before execution
with an error naming the limit), the per-client rate limit (429 + Retry-After), the
statement timeout, masked errors with an id in the log, introspection and GraphiQL
off in production."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
import httpx
import pytest

from foundation.settings import Settings
from schema import build_schema
from schema.cost import operation_cost
from tests.api_contract.partner_auth import partner_token
from tests.support import GraphQLClient

GQL_JSON = "application/graphql-response+json"
MEMBER_FIELDS = """
  id givenName familyName displayName email profession roles joinedOn status createdAt
  updatedAt shaCode registration { body number }
  organisation { id name code type createdAt updatedAt shaCode memberCount }
"""


async def _post(http: httpx.AsyncClient, query: str, token: str | None = None, **kw: Any) -> Any:
    headers = {"accept": GQL_JSON}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return await http.post("/graphql", json={"query": query, **kw}, headers=headers)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }", ["aliases", "30"]),
        ("{ " + "__typename " * 5001 + "}", ["token", "5000"]),
    ],
    ids=["aliases", "tokens"],
)
async def test_static_limits_refuse_before_execution(
    http: httpx.AsyncClient, query: str, words: list[str]
) -> None:
    response = await _post(http, query)
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    message = body["errors"][0]["message"].lower()
    assert all(w in message for w in words), message


async def test_depth_limit_names_the_limit(production_http: httpx.AsyncClient) -> None:
    deep = "{ members { edges { node { organisation { sha { statusHistory { status } } } } } } }"
    response = await _post(production_http, deep)
    assert response.status_code == 400
    assert "maximum operation depth of 5" in response.json()["errors"][0]["message"]


def test_cost_counts_fields_times_page_sizes() -> None:
    schema = build_schema().graphql_schema
    from graphql import parse

    def cost(query: str, variables: dict[str, Any] | None = None) -> int:
        return operation_cost(schema, parse(query), None, variables)

    # members 1 + edges 10 + node 10 + id 10
    assert cost("{ members(first: 10) { edges { node { id } } } }") == 31
    assert cost("query($n: Int) { members(first: $n) { nodes { id } } }", {"n": 100}) == 201
    # no first/last: the default page size of 50
    assert cost("{ members { nodes { id __typename } } }") == 101
    assert cost('{ nodes(ids: ["a", "b"]) { id } }') == 3
    reps = [{"__typename": "Member", "id": str(i)} for i in range(40)]
    entities = (
        "query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Member { id } } }"
    )
    assert cost(entities, {"r": reps}) == 41
    assert cost("{ viewer { subject } ...F } fragment F on Query { shas { code } }") == 4


async def test_cost_limit_refuses_expensive_query_without_sql(
    gql: GraphQLClient, make_token: Any, sql_log: Any
) -> None:
    query = (
        "{ "
        + " ".join(
            f"m{i}: members(first: 500) {{ edges {{ node {{ {MEMBER_FIELDS} }} }} }}"
            for i in range(3)
        )
        + " }"
    )
    sql_log.clear()
    response = await _post(gql.http, query, make_token("national_lead"))
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert error["extensions"]["limit"] == "maxCost"
    assert "cost limit of 25000" in error["message"]
    assert sql_log.queries() == []
    # the same shape with small pages is within the limit and runs
    cheap = query.replace("first: 500", "first: 5")
    ok = await _post(gql.http, cheap, make_token("national_lead"))
    assert ok.status_code == 200
    assert len(ok.json()["data"]["m0"]["edges"]) == 5


async def test_page_size_above_maximum_names_the_limit(gql: GraphQLClient) -> None:
    response = await _post(gql.http, "{ members(first: 501) { nodes { id } } }")
    error = response.json()["errors"][0]
    assert response.status_code == 400
    assert error["extensions"] == {
        "code": "COST_LIMIT_EXCEEDED",
        "limit": "maxPageSize",
        "max": 500,
    }
    assert "maximum page size of 500" in error["message"]


async def test_rate_limit_per_subject_answers_429_with_retry_after(
    limited_http: httpx.AsyncClient, make_token: Any
) -> None:
    token, other = make_token("member", "Q31"), make_token("member", "Q31")
    statuses = [(await _post(limited_http, "{ __typename }", token)).status_code for _ in range(2)]
    assert statuses == [200, 200]
    refused = await _post(limited_http, "{ __typename }", token)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # another subject has its own bucket
    assert (await _post(limited_http, "{ __typename }", other)).status_code == 200


async def test_rate_limit_per_partner_client_spans_its_tokens(
    limited_http: httpx.AsyncClient, signing_key: Any, settings: Settings
) -> None:
    tokens = [partner_token(signing_key, settings, "nhs-institute", ["Q31"]) for _ in range(3)]
    statuses = [(await _post(limited_http, "{ __typename }", t)).status_code for t in tokens]
    assert statuses == [200, 200, 429]
    other_client = partner_token(signing_key, settings, "royal-college", ["Q31"])
    assert (await _post(limited_http, "{ __typename }", other_client)).status_code == 200


async def test_introspection_and_graphiql_off_in_production(
    production_http: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    query = "{ __schema { queryType { name } } }"
    refused = await _post(production_http, query)
    assert refused.status_code == 400
    assert "introspection" in refused.json()["errors"][0]["message"].lower()
    assert (await _post(http, query)).json()["data"]["__schema"]["queryType"]["name"] == "Query"

    page = await production_http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 406
    assert "<html" not in page.text.lower()
    dev_page = await http.get("/graphql", headers={"accept": "text/html"})
    assert dev_page.status_code == 200 and "graphiql" in dev_page.text.lower()


async def test_unexpected_errors_are_masked_with_an_id_that_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """MaskErrorsWithId on a one-field schema whose resolver fails like a bug would."""
    import strawberry

    from schema.errors import MaskErrorsWithId

    @strawberry.type(description="Root.")
    class Query:
        @strawberry.field(description="Fails.")
        def broken(self) -> int:
            raise RuntimeError("SELECT secret FROM credentials")

    schema = strawberry.Schema(query=Query, extensions=[MaskErrorsWithId])
    with caplog.at_level(logging.ERROR, logger="clngraph.errors"):
        result = await schema.execute("{ broken }")
    assert result.errors is not None
    [error] = result.errors
    error_id = error.extensions["errorId"]  # type: ignore[index]
    assert error.message == f"Internal server error (error id {error_id})"
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id}
    assert "secret" not in str(error.formatted)
    [record] = [r for r in caplog.records if getattr(r, "error_id", None) == error_id]
    assert error_id in record.getMessage() and "RuntimeError" in record.getMessage()
    assert record.exc_info is not None and "secret" in str(record.exc_info[1])


async def test_statement_timeout_is_a_clean_masked_error_with_logged_id(
    production_http: httpx.AsyncClient,
    make_token: Any,
    admin_url: str,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A lock held by another session makes the members query wait past the 250 ms
    statement timeout; the client sees a typed error with an id, no SQL, no 500."""
    blocker = await asyncpg.connect(admin_url)
    try:
        transaction = blocker.transaction()
        await transaction.start()
        await blocker.execute(f"LOCK TABLE {settings.db_schema}.members IN ACCESS EXCLUSIVE MODE")
        with caplog.at_level(logging.ERROR, logger="clngraph.errors"):
            response = await _post(
                production_http,
                "{ viewer { homeSha } members(first: 3) { nodes { id } } }",
                make_token("member", "Q31"),
            )
        await transaction.rollback()
    finally:
        await blocker.close()
    assert response.status_code == 200
    body = response.json()
    # `members` is non-null, so the field error nulls the whole data (a field error:
    # 200 with a data entry, not a request error)
    assert body["data"] is None
    error = body["errors"][0]
    assert error["path"][0] == "members"  # the page query runs when its field resolves
    assert error["extensions"]["code"] == "STATEMENT_TIMEOUT"
    error_id = error["extensions"]["errorId"]
    assert error_id in error["message"]
    assert "select" not in error["message"].lower() and "Traceback" not in response.text
    logged = [r for r in caplog.records if getattr(r, "error_id", None) == error_id]
    assert len(logged) == 1 and error_id in logged[0].getMessage()
    assert logged[0].exc_info is not None
