"""Test-only: a partner Principal from a real signed JWT.

The partner OAuth server is built on another branch; until it lands, this
authenticator verifies a development token exactly as the app does (signature,
`typ`, issuer, audience, expiry) and, when it carries `cln_partner_client`, maps it
to a partner Principal with that client id and the SHAs in `cln_partner_shas`.
"""

from __future__ import annotations

from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from auth.authenticator import AuthenticationError
from auth.dev_tokens import ALGORITHM, TOKEN_TYPE, DevTokenAuthenticator, issue_dev_token
from auth.principal import Principal
from foundation.settings import Settings


class PartnerTestAuthenticator:
    def __init__(self, key: ECKey, settings: Settings) -> None:
        self.users = DevTokenAuthenticator(key, issuer=settings.issuer, audience=settings.audience)
        self.keyset = KeySet.import_key_set({"keys": [key.as_dict(private=False)]})

    async def authenticate(self, token: str) -> Principal:
        try:
            decoded = jwt.decode(token, self.keyset, algorithms=[ALGORITHM])
        except Exception:
            raise AuthenticationError("invalid token") from None
        client_id = decoded.claims.get("cln_partner_client")
        if not client_id:
            return await self.users.authenticate(token)
        if decoded.header.get("typ") != TOKEN_TYPE:
            raise AuthenticationError("token type must be at+jwt")
        self.users.registry.validate(decoded.claims)
        return Principal(
            subject=str(decoded.claims["sub"]),
            kind="partner",
            client_id=str(client_id),
            granted_shas=frozenset(decoded.claims.get("cln_partner_shas", [])),
            scopes=frozenset(str(decoded.claims.get("scope", "")).split()),
            token_id=decoded.claims.get("jti"),
        )


def partner_token(key: ECKey, settings: Settings, client_id: str, shas: list[str]) -> str:
    """A signed token for a partner client (roles are required by the dev token format)."""
    extra: dict[str, Any] = {
        "cln_partner_client": client_id,
        "cln_partner_shas": shas,
        "scope": "directory:read",
    }
    return issue_dev_token(
        key,
        issuer=settings.issuer,
        audience=settings.audience,
        subject=f"{client_id}-service",
        roles=["member"],
        sha=shas[0],
        extra=extra,
    )
