"""Partner principals for the rollout tests, until the OAuth server lands on its branch.

A real ES256 JWT in the shape of an RFC 9068 access token (`client_id`, `scope`,
plus the agreement's SHAs in `cln_shas`), verified with joserfc against the dev
key and turned into a partner `Principal`, the interface the OAuth work fills.
"""

from __future__ import annotations

import time
import uuid

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from auth.authenticator import AuthenticationError
from auth.principal import Principal


def issue_partner_token(
    key: ECKey, *, issuer: str, audience: str, client_id: str, scopes: list[str], shas: list[str]
) -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": client_id,
        "client_id": client_id,
        "scope": " ".join(scopes),
        "cln_shas": shas,
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode({"alg": "ES256", "kid": key.kid, "typ": "at+jwt"}, claims, key)


class PartnerTokenAuthenticator:
    def __init__(self, key: ECKey, *, issuer: str, audience: str) -> None:
        self.keyset = KeySet.import_key_set({"keys": [key.as_dict(private=False)]})
        self.claims = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            client_id={"essential": True},
            exp={"essential": True},
        )

    async def authenticate(self, token: str) -> Principal:
        try:
            decoded = jwt.decode(token, self.keyset, algorithms=["ES256"])
            self.claims.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise AuthenticationError(f"invalid partner token: {type(exc).__name__}") from None
        claims = decoded.claims
        return Principal(
            subject=str(claims["sub"]),
            kind="partner",
            scopes=frozenset(str(claims.get("scope", "")).split()),
            granted_shas=frozenset(claims.get("cln_shas", [])),
            client_id=str(claims["client_id"]),
            token_id=claims.get("jti"),
        )
