"""bench.cpu sends requests straight into the ASGI app: a real request, through the
whole middleware stack, with the status it answered."""

from __future__ import annotations

from typing import Any

from bench.cpu import FIXED_COST_BODY, call


async def test_direct_asgi_calls_answer_like_http(app: Any, make_token: Any) -> None:
    token = make_token("member", "Q31")
    headers = [
        (b"authorization", f"Bearer {token}".encode()),
        (b"content-type", b"application/json"),
        (b"accept", b"application/graphql-response+json"),
        (b"host", b"bench"),
    ]
    assert await call(app, FIXED_COST_BODY, headers) == 200  # `bench.cpu 0`
    # a validation error is 400 with the GraphQL response media type (GraphQL over HTTP)
    assert await call(app, b'{"query": "{ nope }"}', headers) == 400
    bad_token = [(b"authorization", b"Bearer not-a-token"), *headers[1:]]
    assert await call(app, b'{"query": "{ __typename }"}', bad_token) == 401
