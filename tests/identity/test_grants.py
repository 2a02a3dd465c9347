"""The API role gets only what identity needs: it reads signing keys but cannot
change them, and it cannot rewrite the platform audit log or agreements' terms."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from auth.authenticator import AuthenticationError
from auth.config import OidcIssuer
from auth.oidc.authenticator import StaffTokenAuthenticator
from auth.oidc.jwks import JwksCache
from clngraph.commands.identity import with_admin
from foundation.embedded import free_port


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE oauth_signing_keys SET retired_at = now()",
        "INSERT INTO oauth_signing_keys (kid, alg, private_jwk, public_jwk)"
        " VALUES ('attacker-key', 'ES256', '{}', '{}')",
        "DELETE FROM oauth_signing_keys",
        "UPDATE platform_audit_log SET actor = 'nobody'",
        "DELETE FROM platform_audit_log",
        "DELETE FROM oauth_revoked_tokens",
        "UPDATE data_sharing_agreements SET sha_codes = '{Q30,Q31,Q32}'",
        "UPDATE partner_clients SET partner_id = partner_id",
    ],
)
async def test_api_role_cannot(statement: str, admin_url: str, settings: Any) -> None:
    async def attempt(db: Any) -> None:
        await db.rows(text(f"SET LOCAL ROLE {settings.api_role}"))
        await db.rows(text(statement))

    with pytest.raises(DBAPIError) as raised:
        await with_admin(admin_url, settings, attempt)
    assert "permission denied" in str(raised.value)


async def test_unreachable_issuer_keys_fail_closed(app: Any) -> None:
    """An issuer whose JWKS cannot be fetched refuses its tokens (401), never a 500."""
    issuer = OidcIssuer(
        issuer="http://127.0.0.1:1/idp",
        audience="cln-graph",
        jwks_uri=f"http://127.0.0.1:{free_port()}/jwks",
    )
    async with httpx.AsyncClient() as client:
        staff = StaffTokenAuthenticator(
            issuer, JwksCache(issuer, client, min_refresh_s=0), app.state.cln.engine
        )
        from joserfc import jwt
        from joserfc.jwk import RSAKey

        key = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
        token = jwt.encode(
            {"alg": "RS256", "kid": "k1"},
            {"iss": issuer.issuer, "aud": "cln-graph", "exp": 9999999999},
            key,
        )
        with pytest.raises(AuthenticationError, match="unavailable"):
            await staff.authenticate(token)
