"""Partner clients and their agreements as the token endpoint sees them.

Loaded asynchronously before authlib's (synchronous) grant runs, so authlib's
`query_client` is a lookup. Failed secrets are counted per client in the database
(so every API process sees the same count): after `lockout_threshold` consecutive
failures the client is locked for `lockout_s`, during which even the right secret
is refused with the same answer as a wrong one. Failures during a lockout do not
extend it (so nobody can keep a partner locked out for ever), but once it ends a
single further failure locks again until a success or a secret rotation resets
the count.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from auth.oauth.scopes import SHA_SCOPE_PREFIX
from auth.oauth.secrets import verify_secret

SECRET_METHODS = frozenset({"client_secret_basic", "client_secret_post"})
KEY_METHOD = "private_key_jwt"
AUTH_METHODS = SECRET_METHODS | {KEY_METHOD}


@dataclass(frozen=True)
class Agreement:
    id: str
    scopes: frozenset[str]
    sha_codes: frozenset[str]
    valid_until: dt.datetime


@dataclass
class PartnerClient(ClientMixin):
    """A partner's client with the agreements in force right now."""

    client_id: str
    partner_id: str
    secret_hash: str = field(repr=False)
    locked: bool = False
    has_failures: bool = False
    agreements: Sequence[Agreement] = ()
    jwks: dict[str, Any] | None = None
    assertion_seen: bool = False
    used_assertion: tuple[str, int] | None = None
    secret_checked: bool = False
    secret_ok: bool = False
    chosen: Agreement | None = None
    granted_scopes: list[str] = field(default_factory=list)
    granted_shas: list[str] = field(default_factory=list)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """Secrets always; `private_key_jwt` once the client has registered its keys."""
        return method in SECRET_METHODS or (method == KEY_METHOD and bool(self.jwks))

    def check_client_secret(self, client_secret: str) -> bool:
        self.secret_checked = True
        self.secret_ok = not self.locked and verify_secret(client_secret, self.secret_hash)
        return self.secret_ok

    def choose(self, requested: list[str] | None) -> bool:
        """Pick the agreement that covers every requested scope and `sha:` value.

        No scope requested: the newest agreement, in full. Returns False when no
        agreement covers the request (the caller answers invalid_scope).
        """
        scopes = {s for s in requested or [] if not s.startswith(SHA_SCOPE_PREFIX)}
        shas = {
            s[len(SHA_SCOPE_PREFIX) :] for s in requested or [] if s.startswith(SHA_SCOPE_PREFIX)
        }
        for agreement in sorted(self.agreements, key=lambda a: a.valid_until, reverse=True):
            if scopes <= agreement.scopes and shas <= agreement.sha_codes:
                self.chosen = agreement
                self.granted_scopes = sorted(scopes or agreement.scopes)
                self.granted_shas = sorted(shas or agreement.sha_codes)
                return True
        return False

    def get_allowed_scope(self, scope: str | None) -> str | None:
        return " ".join(self.granted_scopes) if self.chosen else None


_CLIENT = text(
    "SELECT c.client_id, c.partner_id, c.secret_hash, c.jwks,"
    " (c.locked_until IS NOT NULL AND c.locked_until > now()) AS locked,"
    " (c.failed_attempts > 0 OR c.locked_until IS NOT NULL) AS has_failures"
    " FROM partner_clients c WHERE c.client_id = :client_id AND c.disabled_at IS NULL"
)
_AGREEMENTS = text(
    "SELECT id, scopes, sha_codes, valid_until FROM data_sharing_agreements"
    " WHERE partner_id = :partner_id AND withdrawn_at IS NULL"
    " AND valid_from <= now() AND valid_until > now()"
)
_FAILED = text(
    "UPDATE partner_clients SET failed_attempts = failed_attempts + 1,"
    " locked_until = CASE WHEN failed_attempts + 1 >= :threshold"
    " AND (locked_until IS NULL OR locked_until <= now())"
    " THEN now() + make_interval(secs => :lock_s) ELSE locked_until END"
    " WHERE client_id = :client_id"
)
_SUCCEEDED = text(
    "UPDATE partner_clients SET failed_attempts = 0, locked_until = NULL"
    " WHERE client_id = :client_id"
)


_SEEN = text("SELECT 1 FROM oauth_used_assertions WHERE client_id = :client_id AND jti = :jti")
_REMEMBER = text(
    "INSERT INTO oauth_used_assertions (client_id, jti, expires_at)"
    " VALUES (:client_id, :jti, to_timestamp(:exp)) ON CONFLICT DO NOTHING RETURNING jti"
)


def _json(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return dict(json.loads(value) if isinstance(value, str) else value)


async def load_client(
    engine: AsyncEngine, client_id: str, *, assertion_jti: str | None = None
) -> PartnerClient | None:
    """The client with its agreements in force; with `assertion_jti`, also whether
    that client assertion was used before."""
    async with engine.connect() as conn:
        row = (await conn.execute(_CLIENT, {"client_id": client_id})).first()
        if row is None:
            return None
        rows = (await conn.execute(_AGREEMENTS, {"partner_id": row.partner_id})).all()
        seen = False
        if assertion_jti is not None:
            found = await conn.execute(_SEEN, {"client_id": client_id, "jti": assertion_jti})
            seen = found.first() is not None
    return PartnerClient(
        client_id=row.client_id,
        partner_id=str(row.partner_id),
        secret_hash=row.secret_hash,
        locked=bool(row.locked),
        has_failures=bool(row.has_failures),
        jwks=_json(row.jwks),
        agreements=[
            Agreement(str(a.id), frozenset(a.scopes), frozenset(a.sha_codes), a.valid_until)
            for a in rows
        ],
        assertion_seen=seen,
    )


async def remember_assertion(engine: AsyncEngine, client: PartnerClient) -> bool:
    """Record a verified assertion's `jti`; False when a concurrent request used it first."""
    if client.used_assertion is None:
        return True
    jti, exp = client.used_assertion
    async with engine.begin() as conn:
        result = await conn.execute(
            _REMEMBER, {"client_id": client.client_id, "jti": jti, "exp": exp}
        )
        return result.first() is not None


async def record_outcome(
    engine: AsyncEngine, client: PartnerClient, *, threshold: int, lockout_s: int
) -> None:
    """Count a failed secret (locking at the threshold) or reset after a success."""
    if not client.secret_checked or (client.secret_ok and not client.has_failures):
        return
    async with engine.begin() as conn:
        if client.secret_ok:
            await conn.execute(_SUCCEEDED, {"client_id": client.client_id})
        else:
            await conn.execute(
                _FAILED,
                {"client_id": client.client_id, "threshold": threshold, "lock_s": lockout_s},
            )
