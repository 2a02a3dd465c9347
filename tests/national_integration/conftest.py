"""Fixtures of the national-integration tests: owner-side SQL for checking figures, and
an app that accepts partner tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest

from auth.authenticator import ChainAuthenticator
from clngraph.app import create_app
from foundation.settings import Settings
from tests.rollout.partner_tokens import PartnerTokenAuthenticator


@pytest.fixture
def owner_sql(admin_url: str, settings: Settings) -> Callable[..., Awaitable[list[Any]]]:
    """Run one query as the superuser, so RLS cannot hide rows from the check."""

    async def run(query: str, *args: Any) -> list[Any]:
        conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return run


@pytest.fixture
async def partner_http(
    admin_url: str, settings: Settings, signing_key: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """An app that also accepts partner tokens (client credentials with agreed SHAs)."""
    authenticator = ChainAuthenticator(
        PartnerTokenAuthenticator(signing_key, issuer=settings.issuer, audience=settings.audience)
    )
    app = create_app(settings, admin_url=admin_url, authenticator=authenticator)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
