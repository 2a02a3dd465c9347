"""Fixtures of the API contract tests: a live uvicorn server and the Node tools."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from starlette.applications import Starlette

from clngraph.app import create_app
from clngraph.nodejs import NodeProject, ensure_node_project
from foundation.settings import Settings
from tests.api_contract.live import live_server
from tests.api_contract.partner_auth import PartnerTestAuthenticator
from tests.support import SqlLog


@pytest.fixture(scope="session")
def node_tools() -> NodeProject:
    return ensure_node_project("api-contract")


@pytest.fixture(scope="module")
def live_url(admin_url: str, settings: Settings) -> Iterator[str]:
    """The API served by uvicorn on a free port (its own app, engine and event loop)."""
    with live_server(create_app(settings, admin_url=admin_url)) as url:
        yield url


def run_node(tools: NodeProject, script: str, *args: str) -> Any:
    """Run a script of node_tools/api-contract and parse the JSON of its last output line
    (Apollo's servers log their own lines to stdout before it)."""
    done = tools.run(script, *args, timeout=240)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.asynccontextmanager
async def started(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An app with its lifespan running, and an HTTP client over ASGI."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            client.cln_app = app  # type: ignore[attr-defined]  # for statement logs
            yield client


@contextlib.contextmanager
def statements_of(client: httpx.AsyncClient) -> Iterator[SqlLog]:
    """Every SQL statement the API engine of a `started` app sends meanwhile."""
    engine = client.cln_app.state.cln.engine.sync_engine  # type: ignore[attr-defined]
    log = SqlLog()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture(scope="module")
async def production_http(admin_url: str, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app configured as in production: no introspection, no GraphiQL, a short
    statement timeout; also a depth limit of 5 (today's schema has no cycle deep
    enough to reach the default 12) and APQ turned off. Dev tokens stay on so the
    tests can sign in."""
    production = replace(
        settings,
        environment="production",
        introspection=False,
        graphiql=False,
        statement_timeout_ms=250,
        max_query_depth=5,
        apq_cache_size=0,
    )
    async with started(create_app(production, admin_url=admin_url)) as client:
        yield client


def _partner_app(admin_url: str, settings: Settings, key: Any, **overrides: Any) -> Starlette:
    configured = replace(settings, **overrides)
    authenticator = PartnerTestAuthenticator(key, configured)
    return create_app(configured, admin_url=admin_url, authenticator=authenticator)


@pytest.fixture(scope="module")
async def partner_http(
    admin_url: str, settings: Settings, signing_key: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with partner tokens accepted (see partner_auth.py)."""
    async with started(_partner_app(admin_url, settings, signing_key)) as client:
        yield client


@pytest.fixture(scope="module")
async def limited_http(
    admin_url: str, settings: Settings, signing_key: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """Partner tokens accepted and a tight rate limit (a burst of 2, then 1 a minute),
    so the limit is reached without waiting."""
    app = _partner_app(
        admin_url, settings, signing_key, rate_limit_per_minute=1, rate_limit_burst=2
    )
    async with started(app) as client:
        yield client
