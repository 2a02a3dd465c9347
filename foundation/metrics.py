"""The service's Prometheus metrics: what each operation costs, per SHA and caller kind.

Every label takes values from a bounded set, so a hostile or careless client cannot
grow the series count: operation names are checked against a pattern and only the
first `MAX_OPERATIONS` distinct ones get their own series (later ones are `other`),
only a signed-in caller's name can take one of those places (an anonymous visitor
of the public portal cannot fill them and push the API's own names into `other`),
SHA labels are checked codes (or `national`/`none`), caller kinds and outcomes are
fixed vocabularies. Multi-worker: with `PROMETHEUS_MULTIPROC_DIR` set (an empty
folder shared by the workers, emptied before start) every process writes its values
there and a scrape of any worker aggregates them all (gauges sum the live processes).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MAX_OPERATIONS = 200
MAX_OUTCOMES = 64
OTHER = "other"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_SHA = re.compile(r"[A-Z][0-9A-Z]{1,4}")
_CODE = re.compile(r"[A-Z][A-Z_]{1,47}|[1-5][0-9][0-9]")
CALLER_KINDS = frozenset({"user", "partner", "anonymous"})
ROUTES = ("graphql", "oauth", "metadata", "health", "metrics", "status", "graphiql", "other")

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
STATEMENT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5)


class BoundedLabel:
    """The first `limit` distinct values that match `pattern`; anything else is `other`."""

    def __init__(self, pattern: re.Pattern[str], limit: int) -> None:
        self.pattern = pattern
        self.limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, value: str | None, *, admit: bool = True) -> str:
        """`admit=False` uses a value only if it already has its series."""
        if not value or not self.pattern.fullmatch(value):
            return OTHER
        if value in self._seen:
            return value
        if not admit:
            return OTHER
        with self._lock:
            if len(self._seen) >= self.limit:
                return OTHER
            self._seen.add(value)
        return value

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()


operation_label = BoundedLabel(_NAME, MAX_OPERATIONS)


def operation_attribute(name: str) -> str:
    """The name for a span attribute: any GraphQL-like name (spans are not series, so
    no count limit), anything else `other`."""
    return name if _NAME.fullmatch(name) else OTHER


outcome_label = BoundedLabel(_CODE, MAX_OUTCOMES)


def sha_label(codes: frozenset[str] | set[str] | tuple[str, ...]) -> str:
    """One SHA's code, `national` for several, `none` for no region."""
    if not codes:
        return "none"
    if len(codes) > 1:
        return "national"
    (code,) = codes
    return code if _SHA.fullmatch(code) else OTHER


def caller_label(principal: Any) -> str:
    if principal is None:
        return "anonymous"
    kind = getattr(principal, "kind", None)
    return kind if kind in CALLER_KINDS else OTHER


def route_label(path: str) -> str:
    if path == "/graphql" or (path.startswith("/sha/") and path.endswith("/graphql")):
        return "graphql"
    if path.startswith("/oauth/"):
        return "oauth"
    if path.startswith("/.well-known/"):
        return "metadata"
    if path in ("/healthz", "/readyz"):
        return "health"
    if path == "/metrics":
        return "metrics"
    if path == "/status" or path.startswith("/status/"):
        return "status"
    if path.startswith("/graphiql/"):
        return "graphiql"
    return OTHER


_REQUEST_LABELS = ("route", "operation", "sha", "caller", "outcome")

REQUESTS = Counter(
    "cln_requests",
    "HTTP requests by route, GraphQL operation, SHA, caller kind and outcome",
    _REQUEST_LABELS,
)
REQUEST_SECONDS = Histogram(
    "cln_request_duration_seconds",
    "Time from the request's arrival to the end of its response",
    _REQUEST_LABELS,
    buckets=LATENCY_BUCKETS,
)
STATEMENT_SECONDS = Histogram(
    "cln_db_statement_duration_seconds",
    "Time of each SQL statement, measured around the driver call",
    buckets=STATEMENT_BUCKETS,
)
POOL_IN_USE = Gauge(
    "cln_db_pool_connections_in_use",
    "Connections checked out of the pool (kept ones included)",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "cln_db_pool_waiting",
    "Transactions waiting for a connection",
    multiprocess_mode="livesum",
)
WEBSOCKETS_OPEN = Gauge(
    "cln_websocket_connections",
    "Open GraphQL WebSocket connections",
    multiprocess_mode="livesum",
)
WEBSOCKET_DELIVERIES = Counter(
    "cln_websocket_deliveries",
    "Subscription events sent to clients",
    ("sha",),
)
OUTBOX_DEPTH = Gauge(
    "cln_notification_outbox_depth",
    "Notifications waiting in the outbox (read at scrape time)",
    multiprocess_mode="mostrecent",
)
RATE_LIMITED = Counter(
    "cln_rate_limit_refusals",
    "Requests refused with 429 by the per-client rate limit",
    ("caller",),
)
TOKEN_VERIFICATIONS = Counter(
    "cln_token_verifications",
    "Bearer tokens verified, by outcome",
    ("outcome",),
)

# Probes run before each scrape (async, with the app's state): the notifications
# app registers the outbox depth (clngraph/outbox_probe.py) here.
ScrapeProbe = Callable[[Any], Awaitable[None]]
_probes: list[ScrapeProbe] = []


def register_scrape_probe(probe: ScrapeProbe) -> None:
    if probe not in _probes:
        _probes.append(probe)


async def run_scrape_probes(state: Any) -> None:
    for probe in list(_probes):
        await probe(state)


def token_outcome(reason: str | None) -> str:
    """`accepted`, or a coarse class of the refusal (never the free-text reason)."""
    if reason is None:
        return "accepted"
    lowered = reason.lower()
    if "expired" in lowered or "exp" in lowered.split():
        return "expired"
    if "revoked" in lowered:
        return "revoked"
    return "refused"


def exposition() -> tuple[bytes, str]:
    """The text format of every metric, aggregated across workers in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def prepare_multiprocess_dir(folder: Path) -> Path:
    """Empty `folder` and name it in `PROMETHEUS_MULTIPROC_DIR`, for worker processes
    started after this (they import prometheus_client with it set). A folder left by
    an earlier run would add its counts to this one's, so it is emptied first."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder


def mark_process_dead() -> None:
    """Drop this worker's live gauges from the shared folder when it stops."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(os.getpid())
