"""Operations basics over real HTTP through the ASGI app: health, readiness, request ids,
authentication failures, logs that never carry a token."""

from __future__ import annotations

import json
import logging
from typing import Any

import asyncpg
import httpx
import pytest

from clngraph.logging_setup import JsonFormatter
from foundation.settings import Settings


async def test_healthz(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_migrations(
    http: httpx.AsyncClient, admin_url: str, settings: Settings
) -> None:
    response = await http.get("/readyz")
    assert response.status_code == 200, response.text
    current = response.json()["migrations"]
    conn = await asyncpg.connect(admin_url)
    schema = settings.db_schema
    try:
        await conn.execute(f"INSERT INTO {schema}.alembic_version VALUES ('stale')")
        stale = await http.get("/readyz")
        assert stale.status_code == 503
        assert stale.json()["migrations"]["expected"] == current
    finally:
        await conn.execute(f"DELETE FROM {schema}.alembic_version WHERE version_num = 'stale'")
        await conn.close()


async def test_request_id_echoed_or_made(http: httpx.AsyncClient) -> None:
    given = await http.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await http.get("/healthz", headers={"X-Request-ID": "bad id\n with spaces"})
    assert made.headers["x-request-id"] != "bad id\n with spaces"
    assert len(made.headers["x-request-id"]) == 32


@pytest.mark.parametrize("header", ["Bearer not.a.jwt", "Basic dXNlcjpwYXNz", "Bearer "])
async def test_bad_credentials_get_401_with_challenge(http: httpx.AsyncClient, header: str) -> None:
    response = await http.post(
        "/graphql", json={"query": "{ viewer { subject } }"}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="cln-graph"')
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_expired_and_foreign_tokens_refused(
    http: httpx.AsyncClient, make_token: Any, signing_key: Any, settings: Settings
) -> None:
    from auth.dev_tokens import issue_dev_token

    expired = issue_dev_token(
        signing_key,
        issuer=settings.issuer,
        audience=settings.audience,
        subject="x",
        roles=["member"],
        sha="Q31",
        now=1_000_000,
    )
    wrong_aud = issue_dev_token(
        signing_key,
        issuer=settings.issuer,
        audience="someone-else",
        subject="x",
        roles=["member"],
        sha="Q31",
    )
    for token in (expired, wrong_aud):
        response = await http.post(
            "/graphql",
            json={"query": "{ viewer { subject } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 401


async def test_unknown_sha_in_path_is_bad_input(http: httpx.AsyncClient, make_token: Any) -> None:
    response = await http.post(
        "/sha/q3x!/graphql",
        json={"query": "{ viewer { subject } }"},
        headers={"Authorization": f"Bearer {make_token('member', 'Q31')}"},
    )
    assert response.status_code < 500
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_logs_are_json_with_request_id_and_never_a_token(
    http: httpx.AsyncClient, make_token: Any, caplog: pytest.LogCaptureFixture
) -> None:
    token = make_token("member", "Q31")
    caplog.set_level(logging.INFO)
    await http.post(
        "/graphql",
        json={"query": "{ viewer { subject } }"},
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": "log-test-1"},
    )
    await http.post(
        "/graphql",
        json={"query": "{ viewer { subject } }"},
        headers={"Authorization": f"Bearer {token}x"},
    )
    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in caplog.records]
    entries = [json.loads(line) for line in lines]
    assert any(e["request_id"] == "log-test-1" and e.get("path") == "/graphql" for e in entries)
    signature = token.split(".")[2]
    for line in lines:
        assert signature not in line
        assert token.split(".")[1] not in line


def test_scrubber_redacts_tokens_that_reach_a_log_message() -> None:
    from clngraph.logging_setup import scrub

    leaked = "header was Bearer abc.def.ghi and eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    cleaned = scrub(leaked)
    assert "abc.def.ghi" not in cleaned and "eyJzdWIiOiJ4In0" not in cleaned
    # either pattern alone, in any case, and text with neither left as it is
    assert scrub("auth: BEARER s3cret-token") == "auth: BEARER [redacted]"
    assert scrub("got eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln") == "got [redacted-jwt]"
    assert scrub("request") == "request"


def test_a_log_line_is_one_json_object_with_its_timestamp_and_extras() -> None:
    record = logging.LogRecord("clngraph.access", logging.INFO, "x", 1, "request", (), None)
    record.created = 1_795_000_000.5  # the same second as the one below
    record.status, record.sizes, record.big = 200, {1: "a"}, 2**70
    second = logging.LogRecord("clngraph.access", logging.INFO, "x", 1, "later", (), None)
    second.created = 1_795_000_001.0
    formatter = JsonFormatter()
    first_entry = json.loads(formatter.format(record))
    later_entry = json.loads(formatter.format(second))
    expected = logging.Formatter().formatTime(record, "%Y-%m-%dT%H:%M:%S")
    assert first_entry["ts"] == expected
    assert later_entry["ts"] == logging.Formatter().formatTime(second, "%Y-%m-%dT%H:%M:%S")
    assert later_entry["ts"] != expected
    assert first_entry["status"] == 200 and first_entry["sizes"] == {"1": "a"}
    assert first_entry["big"] == 2**70  # beyond orjson's integers: the standard library


async def test_a_client_error_is_one_info_line_and_a_bug_still_an_error_with_traceback(
    http: httpx.AsyncClient, make_token: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """strawberry logs every GraphQL error at ERROR with a traceback; the service logs a
    client's own error (FORBIDDEN here) as one INFO line with its code
    (schema/errors.py QuietClientErrors)."""
    caplog.set_level(logging.INFO)
    response = await http.post(
        "/graphql",
        json={"query": '{ members(shas: ["Q32"], first: 1) { totalCount } }'},
        headers={"Authorization": f"Bearer {make_token('member', 'Q31')}"},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    [line] = [r for r in caplog.records if r.name == "clngraph.errors"]
    assert line.levelno == logging.INFO and line.exc_info is None
    assert "FORBIDDEN" in line.getMessage() and "members" in line.getMessage()


async def test_unexpected_errors_are_still_logged_by_strawberry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The mixin hands anything that would be masked to strawberry's own logging."""
    import strawberry

    from schema.errors import QuietClientErrors

    @strawberry.type
    class Query:
        @strawberry.field
        def broken(self) -> int:
            raise RuntimeError("a bug")

    class Recording(QuietClientErrors, strawberry.Schema):
        pass

    seen: list[str] = []
    original = strawberry.Schema.process_errors

    def record(self: Any, errors: list[Any], execution_context: Any = None) -> None:
        seen.extend(e.message for e in errors)
        original(self, errors, execution_context)

    monkeypatch.setattr(strawberry.Schema, "process_errors", record)
    await Recording(query=Query).execute("{ broken }")
    assert seen == ["a bug"]
