"""Remember which token strings this process has already verified the signature of.

An SHA front end sends the same bearer token with every request until it expires,
and ES256 verification with joserfc's decoding is a large part of a request's CPU
(docs/benchmarks.md). Only the *signature* result is remembered, keyed by
the exact token string: the time claims, the token type, revocation and agreements
are still checked on every request, as before. Entries live at most `ttl_s`, so a
signing key withdrawn from a key set stops being accepted within that time, and the
cache is bounded (least recently used entries go first).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

Verified = tuple[dict[str, Any], dict[str, Any]]  # (header, claims)


class VerifiedTokens:
    def __init__(
        self,
        *,
        maxsize: int = 4096,
        ttl_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.maxsize = maxsize
        self.ttl_s = ttl_s
        self.clock = clock  # seconds, never going back (a test passes its own)
        self._entries: OrderedDict[str, tuple[float, Verified]] = OrderedDict()

    def get(self, token: str) -> Verified | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        if entry[0] <= self.clock():
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return entry[1]

    def verify(self, token: str, decode: Callable[[str], Any]) -> Verified:
        """(header, claims) of `token`: remembered, or from `decode` (a joserfc decode
        that raises on a bad signature; nothing is remembered then)."""
        found = self.get(token)
        if found is None:
            decoded = decode(token)
            found = dict(decoded.header), dict(decoded.claims)
            self.put(token, *found)
        return found

    def put(self, token: str, header: dict[str, Any], claims: dict[str, Any]) -> None:
        self._entries[token] = (self.clock() + self.ttl_s, (header, claims))
        self._entries.move_to_end(token)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
