"""The resource side: verify this service's partner access tokens on every request.

Fails closed at each step: the header must say `typ: at+jwt`, `alg: ES256` and a
`kid` this service publishes; the signature, `iss`, `aud`, `exp`, `nbf` and `iat`
must hold; then one SQL statement checks that the `jti` is not revoked and that
the agreement the token was issued under is still in force for a live client.
"""

from __future__ import annotations

from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import extract_compact
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from auth.authenticator import AuthenticationError, claims_refusal
from auth.oauth.keys import ALGORITHM, SigningKeyStore
from auth.principal import Principal
from auth.verified import VerifiedTokens

TOKEN_TYPE = "at+jwt"

# One statement: the client, the token's agreement (if still the client's partner's)
# and whether each still holds, so a refusal names the true reason.
_STATE = text(
    "SELECT c.disabled_at IS NOT NULL AS disabled, a.scopes, a.sha_codes,"
    " (a.id IS NOT NULL AND a.withdrawn_at IS NULL AND a.valid_from <= now()"
    " AND a.valid_until > now()) AS in_force,"
    " EXISTS (SELECT 1 FROM oauth_revoked_tokens r WHERE r.jti = :jti) AS revoked"
    " FROM partner_clients c LEFT JOIN data_sharing_agreements a"
    " ON a.partner_id = c.partner_id AND a.id = CAST(:agreement AS uuid)"
    " WHERE c.client_id = :client_id"
)


def peek_header(token: str) -> dict[str, Any]:
    """The JOSE header, unverified: only to pick the key and refuse early."""
    try:
        return dict(extract_compact(token.encode()).headers())
    except (JoseError, ValueError, UnicodeError):
        raise AuthenticationError("malformed token") from None


class PartnerTokenAuthenticator:
    def __init__(
        self,
        engine: AsyncEngine,
        keys: SigningKeyStore,
        *,
        issuer: str,
        audience: str,
        leeway_s: int = 30,
    ) -> None:
        self.engine = engine
        self.keys = keys
        self.issuer = issuer
        self.registry = jwt.JWTClaimsRegistry(
            leeway=leeway_s,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            jti={"essential": True},
            client_id={"essential": True},
            cln_agreement={"essential": True},
        )
        # signatures only; claims, revocation and agreements are checked every time
        self.verified = VerifiedTokens()

    async def decode(self, token: str, *, check_claims: bool = True) -> dict[str, Any]:
        """Verified claims; `check_claims=False` still checks the signature and issuer
        (revocation accepts an expired token and answers 200, per RFC 7009)."""
        header = peek_header(token)
        if header.get("typ") != TOKEN_TYPE:
            raise AuthenticationError("token type must be at+jwt")
        if header.get("alg") != ALGORITHM:
            raise AuthenticationError("token algorithm not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise AuthenticationError("token names no key")
        material = await self.keys.material(unknown_kid=kid)
        if kid not in material.kids:
            raise AuthenticationError("token signed by an unknown key")
        try:
            _header, remembered = self.verified.verify(
                token, lambda t: jwt.decode(t, material.published, algorithms=[ALGORITHM])
            )
        except (JoseError, ValueError, TypeError) as exc:
            raise AuthenticationError(f"invalid token: {type(exc).__name__}") from None
        claims = dict(remembered)
        if check_claims:
            self.validate_claims(claims)
        elif claims.get("iss") != self.issuer:
            raise AuthenticationError("token from another issuer")
        return claims

    def validate_claims(self, claims: dict[str, Any]) -> None:
        """`iss`, `aud`, `exp`, `nbf`, `iat` and the claims every partner token carries."""
        try:
            self.registry.validate(claims)
        except (JoseError, ValueError, TypeError) as exc:
            raise claims_refusal(exc) from None

    async def in_force(self, claims: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
        """The scopes and SHAs the token still grants; raises when none."""
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    _STATE,
                    {
                        "jti": str(claims["jti"]),
                        "client_id": str(claims["client_id"]),
                        "agreement": str(claims["cln_agreement"]),
                    },
                )
            ).first()
        if row is None:
            raise AuthenticationError("token for a client that does not exist", recognised=True)
        if row.revoked:
            raise AuthenticationError("token revoked", recognised=True)
        if row.disabled:
            raise AuthenticationError("the client of this token is disabled", recognised=True)
        if not row.in_force:
            raise AuthenticationError(
                "the agreement behind this token is no longer in force", recognised=True
            )
        scopes = frozenset(str(claims.get("scope", "")).split()) & frozenset(row.scopes)
        shas = frozenset(claims.get("cln_shas") or []) & frozenset(row.sha_codes)
        return scopes, shas

    async def authenticate(self, token: str) -> Principal:
        claims = await self.decode(token)
        try:
            scopes, shas = await self.in_force(claims)
        except (ValueError, TypeError, KeyError, DBAPIError):
            raise AuthenticationError("invalid token claims") from None
        return Principal(
            subject=str(claims["sub"]),
            kind="partner",
            scopes=scopes,
            granted_shas=shas,
            client_id=str(claims["client_id"]),
            token_id=str(claims["jti"]),
            claims=claims,
        )
