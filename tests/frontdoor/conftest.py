"""Fixtures of the front-door tests: members with tokens of their own, the audit reader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import pytest

from foundation.settings import Settings
from resolvers.common.ids import decode_id
from tests.factories import create_member


@pytest.fixture
def member_token(make_token: Any) -> Callable[..., str]:
    """A token acting as `member` (a dict with id and shaCode), optionally with more roles."""

    def _make(member: dict[str, Any], *, roles: list[str] | None = None) -> str:
        key = decode_id(member["id"]).key  # the member's uuid, as staff tokens carry it
        token: str = make_token(
            "member", member["shaCode"], roles=roles or ["member"], member_id=key
        )
        return token

    return _make


@pytest.fixture
def owner_sql(admin_url: str, settings: Settings) -> Callable[..., Any]:
    """owner_sql(sql, *args) -> rows, run as the owner (bypasses RLS), search_path set."""

    async def _run(sql: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return _run


async def new_member(gql: Any, sha: str, **fields: Any) -> dict[str, Any]:
    member = await create_member(gql, sha, **fields)
    return member
