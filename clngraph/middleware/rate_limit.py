"""Per-client rate limit: a token bucket per caller, in memory, per process.

The caller is the partner's `client_id`, else the user's subject. A request with no
token is the public (the regional portal's visitors): it is limited per client
address by its own buckets and figures (`CLN_PUBLIC_RATE_LIMIT_*`), so anonymous
traffic never spends an authenticated caller's budget, nor the reverse. Each bucket holds up to `burst` requests and refills at
`per_minute / 60` a second; an empty bucket answers 429 with `Retry-After` (whole
seconds until one request is available again). Buckets live in this process only:
with N processes behind a load balancer a caller gets up to N times the rate, so
set the figures per process (docs/api-contract.md). The table of buckets is
bounded (least recently used evicted; an evicted caller starts with a full bucket).
Runs after authentication, so it sees the principal; HTTP only (WebSocket
subscriptions have their own per-connection limits).
"""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from clngraph.middleware.authentication import PRINCIPAL_KEY
from foundation.metrics import RATE_LIMITED, caller_label

EXEMPT_PATHS = frozenset({"/healthz", "/readyz"})


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(
        self,
        per_minute: int,
        burst: int,
        *,
        max_keys: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> float:
        """Spend one token; 0 when allowed, else the seconds until one is available."""
        now = self.clock()
        bucket = self._buckets.pop(key, None) or _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        self._buckets[key] = bucket
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate if self.rate > 0 else math.inf


def caller_key(scope: Scope) -> str:
    principal = scope.get(PRINCIPAL_KEY)
    if principal is not None:
        if principal.kind == "partner" and principal.client_id:
            return f"client:{principal.client_id}"
        return f"sub:{principal.subject}"
    client = scope.get("client")
    return f"addr:{client[0] if client else 'unknown'}"


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        per_minute: int,
        burst: int,
        public_per_minute: int | None = None,
        public_burst: int | None = None,
    ) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute, burst)
        self.enabled = per_minute > 0 and burst > 0
        public_per_minute = per_minute if public_per_minute is None else public_per_minute
        public_burst = burst if public_burst is None else public_burst
        self.public_enabled = public_per_minute > 0 and public_burst > 0
        self.public_buckets = TokenBuckets(public_per_minute, public_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        public = scope.get(PRINCIPAL_KEY) is None
        enabled = self.public_enabled if public else self.enabled
        if not enabled or scope["type"] != "http" or scope.get("path") in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        buckets = self.public_buckets if public else self.buckets
        wait = buckets.take(caller_key(scope))
        if wait == 0:
            await self.app(scope, receive, send)
            return
        RATE_LIMITED.labels(caller_label(scope.get(PRINCIPAL_KEY))).inc()
        retry_after = str(max(1, math.ceil(wait)) if math.isfinite(wait) else 3600)
        body = json.dumps(
            {
                "errors": [
                    {
                        "message": f"rate limit exceeded: retry after {retry_after} s",
                        "extensions": {"code": "RATE_LIMITED", "retryAfter": int(retry_after)},
                    }
                ]
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", retry_after.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
