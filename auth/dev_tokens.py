"""Development tokens: JWTs signed by a key the service keeps in its data folder.

They let a developer act as a member of any SHA or as a national lead before the
OAuth work lands. Disabled in production (`CLN_DEV_TOKENS`).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from auth.authenticator import AuthenticationError, claims_refusal
from auth.principal import Principal, Role
from auth.verified import VerifiedTokens
from tenants.codes import InvalidShaCode, validate_sha_code

ALGORITHM = "ES256"
TOKEN_TYPE = "at+jwt"


def load_or_create_key(path: Path) -> ECKey:
    if path.exists():
        return ECKey.import_key(json.loads(path.read_text()))
    key = ECKey.generate_key(
        "P-256", parameters={"kid": f"dev-{uuid.uuid4().hex[:8]}", "use": "sig"}, private=True
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(key.as_dict(private=True)))
    path.chmod(0o600)
    return key


def issue_dev_token(
    key: ECKey,
    *,
    issuer: str,
    audience: str,
    subject: str,
    roles: list[str],
    sha: str | None = None,
    member_id: str | None = None,
    lifetime_s: int = 8 * 3600,
    now: int | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    issued = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": issued,
        "nbf": issued,
        "exp": issued + lifetime_s,
        "jti": uuid.uuid4().hex,
        "cln_roles": roles,
    }
    if sha:
        claims["cln_sha"] = sha
    if member_id:
        claims["cln_member_id"] = member_id
    claims.update(extra or {})
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": TOKEN_TYPE}
    return jwt.encode(header, claims, key, algorithms=[ALGORITHM])


class DevTokenAuthenticator:
    """Verify development tokens: signature, `typ`, issuer, audience and time claims."""

    def __init__(self, key: ECKey, *, issuer: str, audience: str, leeway_s: int = 30) -> None:
        self.keyset = KeySet.import_key_set({"keys": [key.as_dict(private=False)]})
        self.registry = jwt.JWTClaimsRegistry(
            leeway=leeway_s,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            sub={"essential": True},
            exp={"essential": True},
        )
        self.verified = VerifiedTokens()  # signatures only: see auth/verified.py

    async def authenticate(self, token: str) -> Principal:
        try:
            header, claims = self.verified.verify(
                token, lambda t: jwt.decode(t, self.keyset, algorithms=[ALGORITHM])
            )
        except (JoseError, ValueError) as exc:
            raise AuthenticationError(f"invalid token: {type(exc).__name__}") from None
        # the signature is ours from here: the reasons below are the true ones
        if header.get("typ") != TOKEN_TYPE:
            raise AuthenticationError("token type must be at+jwt", recognised=True)
        try:
            self.registry.validate(claims)
        except (JoseError, ValueError) as exc:
            raise claims_refusal(exc) from None
        try:
            roles = frozenset(Role(r) for r in claims.get("cln_roles", []))
            sha = validate_sha_code(claims["cln_sha"]) if claims.get("cln_sha") else None
        except (ValueError, InvalidShaCode):
            raise AuthenticationError("invalid role or SHA claim", recognised=True) from None
        if not roles:
            raise AuthenticationError("token carries no role", recognised=True)
        if sha is None and not (roles & {Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN}):
            raise AuthenticationError("regional roles need an SHA claim", recognised=True)
        return Principal(
            subject=str(claims["sub"]),
            roles=roles,
            home_sha=sha,
            member_id=claims.get("cln_member_id"),
            token_id=claims.get("jti"),
            claims=dict(claims),
        )
