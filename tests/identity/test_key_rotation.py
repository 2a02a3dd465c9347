"""Signing-key rotation by the operator: the old key stays published until its last
token has expired, so rotation breaks no caller; then it is gone."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import text

from auth.config import IdentityConfig
from clngraph.commands.identity import rotate_key, with_admin
from tests.identity.test_partner_admin import run_cli
from tests.support import GraphQLClient

VIEWER = "{ viewer { kind } }"


def kid_of(token: str) -> str:
    import base64

    head = token.split(".")[0]
    return str(json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))["kid"])


async def published(http: httpx.AsyncClient) -> set[str]:
    return {k["kid"] for k in (await http.get("/.well-known/jwks.json")).json()["keys"]}


async def test_rotation_keeps_old_tokens_working_until_they_expire(
    http: httpx.AsyncClient,
    gql: GraphQLClient,
    make_partner: Any,
    partner_token: Any,
    admin_url: str,
    settings: Any,
    identity_config: IdentityConfig,
) -> None:
    partner = await make_partner(["directory:read"], ["Q31"])
    old_token = await partner_token(partner)
    old_kid = kid_of(old_token)

    result = await rotate_key(admin_url, settings, identity_config)
    assert result["retired"] == [old_kid]
    assert result["published_for_s"] >= identity_config.token_lifetime_s
    assert await published(http) >= {old_kid, result["kid"]}
    await gql.data(VIEWER, token=old_token)

    new_token = await partner_token(partner)
    assert kid_of(new_token) == result["kid"]
    await gql.data(VIEWER, token=new_token)

    async def outlive(db: Any) -> None:
        """As if the old key's last token had expired."""
        await db.rows(
            text(
                "UPDATE oauth_signing_keys SET publish_until = now() - interval '1 second'"
                " WHERE kid = :kid"
            ),
            {"kid": old_kid},
        )

    await with_admin(admin_url, settings, outlive)
    assert old_kid not in await published(http)
    assert (await gql.post(VIEWER, token=old_token)).status_code == 401
    await gql.data(VIEWER, token=new_token)


async def test_rotate_key_command(
    http: httpx.AsyncClient, admin_url: str, settings: Any, partner_token: Any, make_partner: Any
) -> None:
    before = await published(http)
    result = run_cli(admin_url, settings, "oauth-rotate-key")
    assert result["kid"] not in before
    assert set(result["retired"]) <= before
    assert result["kid"] in await published(http)
    partner = await make_partner(["directory:read"], ["Q31"])
    assert kid_of(await partner_token(partner)) == result["kid"]
