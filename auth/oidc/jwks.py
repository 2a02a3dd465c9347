"""An issuer's signing keys, fetched over HTTPS and cached.

Refetched when a token names a `kid` the cache does not hold, so the issuer can
rotate keys without a restart, but at most once per `min_refresh_s`: a flood of
tokens with invented `kid`s cannot turn into a flood of fetches.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc.jwk import KeySet

from auth.authenticator import AuthenticationError
from auth.config import OidcIssuer


class JwksCache:
    def __init__(
        self,
        issuer: OidcIssuer,
        client: httpx.AsyncClient,
        *,
        min_refresh_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock  # seconds, never going back (a test passes its own)
        self.issuer = issuer
        self.client = client
        self.min_refresh_s = min_refresh_s
        self.fetches = 0
        self._jwks_uri = issuer.jwks_uri
        self._keys: KeySet | None = None
        self._kids: frozenset[str] = frozenset()
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _get_json(self, url: str) -> Any:
        response = await self.client.get(url, timeout=5.0)
        response.raise_for_status()
        return response.json()

    async def _resolve_jwks_uri(self) -> str:
        if self._jwks_uri is None:
            assert self.issuer.discovery_url is not None
            document = await self._get_json(self.issuer.discovery_url)
            if str(document.get("issuer", "")).rstrip("/") != self.issuer.issuer.rstrip("/"):
                raise AuthenticationError("issuer discovery document names another issuer")
            self._jwks_uri = str(document["jwks_uri"])
        return self._jwks_uri

    async def _refresh(self) -> None:
        self._fetched_at = self.clock()
        self.fetches += 1
        try:
            data = await self._get_json(await self._resolve_jwks_uri())
            keys = [k for k in data.get("keys", []) if k.get("use", "sig") == "sig" and "kid" in k]
            self._keys = KeySet.import_key_set({"keys": keys})
            self._kids = frozenset(str(k["kid"]) for k in keys)
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            raise AuthenticationError("the issuer's keys are unavailable") from None

    async def keys_for(self, kid: str) -> KeySet:
        """The key set holding `kid`; refetched (within the floor) if it is not there."""
        if kid not in self._kids:
            async with self._lock:
                due = self.clock() - self._fetched_at >= self.min_refresh_s
                if kid not in self._kids and due:
                    await self._refresh()
        if self._keys is None or kid not in self._kids:
            raise AuthenticationError("token signed by an unknown key")
        return self._keys
