"""Partner clients and their agreements as the token endpoint sees them.

Loaded asynchronously before authlib's (synchronous) grant runs, so authlib's
`query_client` is a lookup. Secret attempts are counted per client in the database
(so every API process sees the same count), and each attempt is counted BEFORE its
secret is checked, in one `UPDATE ... RETURNING` (the row lock orders concurrent
attempts, each gets its own number): an attempt numbered above `lockout_threshold`
since the last success is refused without looking at its secret, whatever the
concurrency. The attempt that reaches the threshold and fails locks the client for
`lockout_s`, during which even the right secret is refused with the same answer as a
wrong one. Failures during a lockout do not extend it (so nobody can keep a partner
locked out for ever), but once it ends a single further attempt is allowed, and its
failure locks again; a success or a secret rotation resets the count.

An unknown client id and a disabled client get a stand-in client that no secret or
key authenticates, so all three answer the same `invalid_client` (RFC 6749 5.2)
and nothing tells an attacker which ids exist.
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
    counted: bool = False  # this request's attempt was counted (a secret was presented)
    known: bool = True  # False: the stand-in for an unknown or disabled client
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
        # a stand-in's hash matches no secret; the comparison still runs, so an unknown
        # id costs the same time as a wrong secret
        matches = verify_secret(client_secret, self.secret_hash)
        self.secret_ok = self.known and not self.locked and matches
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


_COLUMNS = "client_id, partner_id, secret_hash, jwks"
_CLIENT = text(
    f"SELECT {_COLUMNS}, (locked_until IS NOT NULL AND locked_until > now()) AS locked"
    " FROM partner_clients WHERE client_id = :client_id AND disabled_at IS NULL"
)
# Count this attempt before its secret is checked. A lock that has run out is
# cleared, and the count set so that exactly one further attempt is allowed. The time
# is a parameter: Citus refuses now() inside CASE in an UPDATE of a reference table.
_ATTEMPT = text(
    "UPDATE partner_clients SET"
    " failed_attempts = CASE WHEN locked_until IS NOT NULL"
    " AND locked_until <= CAST(:now AS timestamptz) THEN :threshold ELSE failed_attempts + 1 END,"
    " locked_until = CASE WHEN locked_until <= CAST(:now AS timestamptz)"
    " THEN NULL ELSE locked_until END"
    " WHERE client_id = :client_id AND disabled_at IS NULL"
    f" RETURNING {_COLUMNS},"
    " (locked_until IS NOT NULL OR failed_attempts > :threshold) AS locked"
)
_AGREEMENTS = text(
    "SELECT id, scopes, sha_codes, valid_until FROM data_sharing_agreements"
    " WHERE partner_id = :partner_id AND withdrawn_at IS NULL"
    " AND valid_from <= now() AND valid_until > now()"
)
# a failed check: lock once the count has reached the threshold (never extending a lock)
_FAILED = text(
    "UPDATE partner_clients SET locked_until = now() + make_interval(secs => :lock_s)"
    " WHERE client_id = :client_id AND failed_attempts >= :threshold AND locked_until IS NULL"
)
_SUCCEEDED = text(
    "UPDATE partner_clients SET failed_attempts = 0, locked_until = NULL"
    " WHERE client_id = :client_id"
)
# the stand-in's hash: well formed, matched by no secret
_NO_SECRET = "sha256$-$-"


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
    engine: AsyncEngine,
    client_id: str,
    *,
    assertion_jti: str | None = None,
    count_attempt: bool = False,
    threshold: int = 5,
) -> PartnerClient:
    """The client with its agreements in force, or a stand-in when it is unknown or
    disabled. `count_attempt` (a secret was presented) counts the attempt first, in the
    same committed transaction; with `assertion_jti`, also whether that client
    assertion was used before."""
    async with engine.begin() as conn:
        if count_attempt:
            now = dt.datetime.now(dt.UTC)
            params = {"client_id": client_id, "threshold": threshold, "now": now}
            row = (await conn.execute(_ATTEMPT, params)).first()
        else:
            row = (await conn.execute(_CLIENT, {"client_id": client_id})).first()
        if row is None:
            return PartnerClient(
                client_id=client_id, partner_id="", secret_hash=_NO_SECRET, known=False
            )
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
        counted=count_attempt,
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
    """After a counted attempt: reset the count on success, lock at the threshold on
    failure (the attempt itself was counted before its secret was checked)."""
    if not client.known or not client.counted:
        return
    async with engine.begin() as conn:
        if client.secret_ok:
            await conn.execute(_SUCCEEDED, {"client_id": client.client_id})
        else:
            await conn.execute(
                _FAILED,
                {"client_id": client.client_id, "threshold": threshold, "lock_s": lockout_s},
            )
