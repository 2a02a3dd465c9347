"""Staff access tokens from a trusted OIDC issuer -> Principal.

The token is verified against the issuer's JWKS (asymmetric algorithms only),
then its claims are mapped: role values through the issuer's `role_map`; the
organisation codes (CIS2 `nhsid_nrbac_roles[].org_code`) to the one SHA that holds
them, through the `sha_codes_for_org` definer function (organisations are an RLS
tenant table and no tenant is known yet). Regional roles need exactly one SHA.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import extract_compact
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import Text

from auth.authenticator import AuthenticationError, claims_refusal
from auth.config import OidcIssuer
from auth.oidc.jwks import JwksCache
from auth.principal import NATIONAL_ROLES, Principal, Role

ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

_SHAS_FOR_ORGS = text(
    "SELECT code FROM shas WHERE code = ANY(:codes)"
    " UNION SELECT unnest(sha_codes_for_org(c)) FROM unnest(:codes) AS c"
).bindparams(bindparam("codes", type_=ARRAY(Text())))


_MEMBER_FOR_SUBJECT = text("SELECT member_for_subject(:sha, :subject)")


def claim_values(claims: Any, path: str) -> list[str]:
    """Values at `path`: `a.b` walks objects, `a[].b` walks every element of list `a`."""
    current: list[Any] = [claims]
    for part in path.split("."):
        each = part.endswith("[]")
        name = part[:-2] if each else part
        found: list[Any] = []
        for value in current:
            if not isinstance(value, dict) or name not in value:
                continue
            item = value[name]
            if each:
                found.extend(item if isinstance(item, list) else [])
            else:
                found.append(item)
        current = found
    values: list[str] = []
    for value in current:
        values.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    return values


@functools.lru_cache(maxsize=4096)
def peek_issuer(token: str) -> str | None:
    """The unverified `iss`, only to route the token to the right verifier. A pure
    function of the token string, remembered: a front end sends one token with every
    request until it expires (the verifier still checks the token in full)."""
    try:
        payload = json.loads(extract_compact(token.encode()).payload)
    except (JoseError, ValueError, UnicodeError):
        return None
    iss = payload.get("iss") if isinstance(payload, dict) else None
    return iss if isinstance(iss, str) else None


class StaffTokenAuthenticator:
    def __init__(self, issuer: OidcIssuer, jwks: JwksCache, engine: AsyncEngine) -> None:
        self.issuer = issuer
        self.jwks = jwks
        self.engine = engine
        self.algorithms = [a for a in issuer.algorithms if a in ASYMMETRIC]
        self.registry = jwt.JWTClaimsRegistry(
            leeway=issuer.leeway_s,
            iss={"essential": True, "value": issuer.issuer},
            aud={"essential": True, "value": issuer.audience},
            exp={"essential": True},
        )

    async def verify(self, token: str) -> dict[str, Any]:
        try:
            header = dict(extract_compact(token.encode()).headers())
        except (JoseError, ValueError, UnicodeError):
            raise AuthenticationError("malformed token") from None
        if header.get("alg") not in self.algorithms:
            raise AuthenticationError("token algorithm not accepted")
        if self.issuer.required_typ and header.get("typ") != self.issuer.required_typ:
            raise AuthenticationError(f"token type must be {self.issuer.required_typ}")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise AuthenticationError("token names no key")
        keys = await self.jwks.keys_for(kid)
        try:
            decoded = jwt.decode(token, keys, algorithms=self.algorithms)
        except (JoseError, ValueError, TypeError) as exc:
            raise AuthenticationError(f"invalid token: {type(exc).__name__}") from None
        claims = dict(decoded.claims)
        try:
            self.registry.validate(claims)
        except (JoseError, ValueError, TypeError) as exc:
            raise claims_refusal(exc) from None
        return claims

    async def home_sha(self, org_codes: list[str]) -> str:
        codes = sorted({c.strip().upper() for c in org_codes if c.strip()})
        if not codes:
            raise AuthenticationError("token names no organisation")
        async with self.engine.connect() as conn:
            shas = sorted({row[0] for row in await conn.execute(_SHAS_FOR_ORGS, {"codes": codes})})
        if len(shas) != 1:
            reason = "unknown organisation" if not shas else "organisations in several SHAs"
            raise AuthenticationError(f"token's {reason}")
        return str(shas[0])

    async def member_for(self, sha: str, subject: str) -> str | None:
        """The member record linked to this subject (`member_identities`), if any."""
        async with self.engine.connect() as conn:
            found = await conn.scalar(_MEMBER_FOR_SUBJECT, {"sha": sha, "subject": subject})
        return str(found) if found is not None else None

    async def authenticate(self, token: str) -> Principal:
        claims = await self.verify(token)
        subject = claim_values(claims, self.issuer.subject_claim)
        if len(subject) != 1 or not subject[0]:
            raise AuthenticationError("token has no subject")
        roles = {
            self.issuer.role_map[v]
            for v in claim_values(claims, self.issuer.role_claim)
            if v in self.issuer.role_map
        }
        if not roles:
            raise AuthenticationError("token carries no role this service knows")
        home: str | None = None
        qualified = f"{self.issuer.issuer}#{subject[0]}"
        member_id: str | None = None
        if not roles & NATIONAL_ROLES:
            home = await self.home_sha(claim_values(claims, self.issuer.org_claim))
            roles.add(Role.MEMBER)
            member_id = await self.member_for(home, qualified)
        return Principal(
            subject=qualified,
            roles=frozenset(roles),
            home_sha=home,
            member_id=member_id,
            token_id=str(claims["jti"]) if "jti" in claims else None,
            claims=claims,
        )
