"""Signing keys of the authorization server, stored in `oauth_signing_keys`.

The newest unretired key signs; every key whose `publish_until` has not passed is
published in the JWKS and accepted, so rotation breaks no token already issued.
Each process caches the keys for `key_cache_s` and reloads early when a token
names an unknown `kid` (at most once per `min_reload_s`).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from joserfc.jwk import ECKey, KeySet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

ALGORITHM = "ES256"

_LOAD = text(
    "/* cache:signing-keys */ SELECT kid, private_jwk, public_jwk, retired_at"
    " FROM oauth_signing_keys"
    " WHERE publish_until IS NULL OR publish_until > now() ORDER BY created_at"
)


def generate_signing_key() -> ECKey:
    kid = f"cln-{time.strftime('%Y%m%d')}-{uuid.uuid4().hex[:8]}"
    return ECKey.generate_key(
        "P-256", parameters={"kid": kid, "use": "sig", "alg": ALGORITHM}, private=True
    )


def _as_dict(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


@dataclass(frozen=True)
class KeyMaterial:
    """One snapshot: the signing key and the published (verification) key set."""

    signing: ECKey | None
    published: KeySet
    kids: frozenset[str]


class SigningKeyStore:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        cache_s: float = 60.0,
        min_reload_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock  # seconds, never going back (a test passes its own)
        self.engine = engine
        self.cache_s = cache_s
        self.min_reload_s = min_reload_s
        self._material: KeyMaterial | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def _load(self) -> KeyMaterial:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(_LOAD)).all()
        signing: ECKey | None = None
        public: list[dict[str, Any]] = []
        for row in rows:
            public.append(_as_dict(row.public_jwk))
            if row.retired_at is None:
                signing = ECKey.import_key(_as_dict(row.private_jwk))
        return KeyMaterial(
            signing=signing,
            published=KeySet.import_key_set({"keys": public}),
            kids=frozenset(str(k["kid"]) for k in public),
        )

    async def material(self, *, unknown_kid: str | None = None) -> KeyMaterial:
        """The cached keys; reloaded when stale, or when `unknown_kid` is not among
        them and the last reload is older than the floor."""
        current = self._material
        age = self.clock() - self._loaded_at
        known = unknown_kid is None or (current is not None and unknown_kid in current.kids)
        if current is not None and age < self.cache_s and (known or age < self.min_reload_s):
            return current
        async with self._lock:
            if self._material is current:  # nobody reloaded while we waited
                self._material = await self._load()
                self._loaded_at = self.clock()
            material = self._material
        assert material is not None
        return material

    async def public_jwks(self) -> dict[str, Any]:
        material = await self.material()
        return dict(material.published.as_dict(private=False))


async def rotate_signing_key(
    conn: AsyncConnection, *, publish_margin_s: int
) -> tuple[str, list[str]]:
    """Add a new signing key and retire the current ones (run by an operator as the
    owner role). Retired keys stay published for `publish_margin_s`, then are pruned."""
    key = generate_signing_key()
    retired = await conn.execute(
        text(
            "UPDATE oauth_signing_keys SET retired_at = now(),"
            " publish_until = now() + make_interval(secs => :margin)"
            " WHERE retired_at IS NULL RETURNING kid"
        ),
        {"margin": publish_margin_s},
    )
    old = [row.kid for row in retired]
    await conn.execute(
        text(
            "INSERT INTO oauth_signing_keys (kid, alg, private_jwk, public_jwk)"
            " VALUES (:kid, :alg, CAST(:private AS jsonb), CAST(:public AS jsonb))"
        ),
        {
            "kid": key.kid,
            "alg": ALGORITHM,
            "private": json.dumps(key.as_dict(private=True)),
            "public": json.dumps(key.as_dict(private=False)),
        },
    )
    await conn.execute(text("DELETE FROM oauth_signing_keys WHERE publish_until < now()"))
    return str(key.kid), old
