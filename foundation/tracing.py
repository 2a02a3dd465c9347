"""OpenTelemetry traces: off unless the standard OTEL_* variables ask for them.

When on, one request is one trace: the ASGI instrumentation's server span, a span per
GraphQL operation (`schema/observe.py`), one per DataLoader batch
(`resolvers/common/loaders.py`) and one per SQL statement (the asyncpg
instrumentation). Spans go to the OTLP/HTTP exporter, which reads its endpoint,
headers and timeouts from `OTEL_EXPORTER_OTLP_*`; the service name is
`OTEL_SERVICE_NAME` (default `cln-graph`).

Nothing personal leaves the process: every exported span passes `RedactingExporter`,
which keeps only attributes on an allow-list (no client address, user agent, query
string or header), cuts query strings off URLs and replaces SQL string literals with
`'?'` (the tenant context's `set_config` carries the actor's subject as a literal).
Statement parameters are never captured.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import Tracer

# The attributes a span may carry out of the process; anything else is dropped.
ALLOWED_ATTRIBUTES = frozenset(
    {
        # HTTP server span (old and new semantic conventions): no client, no agent
        "http.method",
        "http.request.method",
        "http.route",
        "http.target",
        "url.path",
        "url.scheme",
        "http.scheme",
        "http.flavor",
        "network.protocol.version",
        "http.status_code",
        "http.response.status_code",
        "http.server_name",
        "server.address",
        "server.port",
        "net.host.port",
        "net.host.name",
        "asgi.event.type",
        "error.type",
        # SQL spans
        "db.system",
        "db.system.name",
        "db.name",
        "db.namespace",
        "db.user",
        "db.statement",
        "db.query.text",
        "db.operation.name",
        # ours
        "graphql.operation.name",
        "graphql.operation.type",
        "cln.sha",
        "cln.caller.kind",
        "cln.request_id",
        "cln.loader",
        "cln.batch.size",
        "cln.outcome",
    }
)
_SQL_LITERAL = re.compile(r"'(?:[^']|'')*'")


def _clean(key: str, value: Any) -> Any:
    if key in ("http.target", "url.path") and isinstance(value, str):
        return value.split("?", 1)[0]
    if key in ("db.statement", "db.query.text") and isinstance(value, str):
        return _SQL_LITERAL.sub("'?'", value)
    return value


def redacted_attributes(attributes: Any) -> dict[str, Any]:
    return {k: _clean(k, v) for k, v in (attributes or {}).items() if k in ALLOWED_ATTRIBUTES}


class RedactingExporter(SpanExporter):
    """A SpanExporter that exports copies of the spans with only allowed attributes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        cleaned = [
            ReadableSpan(
                name=span.name,
                context=span.context,
                parent=span.parent,
                resource=span.resource,
                attributes=redacted_attributes(span.attributes),
                events=[],  # exception events carry messages; the status says enough
                links=span.links,
                kind=span.kind,
                status=span.status,
                start_time=span.start_time,
                end_time=span.end_time,
                instrumentation_scope=span.instrumentation_scope,
            )
            for span in spans
        ]
        return self.inner.export(cleaned)

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return bool(self.inner.force_flush(timeout_millis))


@dataclass
class Tracing:
    """The provider this app exports through, and what to undo at shutdown."""

    provider: Any
    tracer: Tracer

    def shutdown(self) -> None:
        global _active
        from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

        AsyncPGInstrumentor().uninstrument()
        self.provider.shutdown()
        if _active is self:
            _active = None


_active: Tracing | None = None


def active_tracer() -> Tracer | None:
    """The tracer of the running app, None when tracing is off (no span work at all)."""
    return _active.tracer if _active is not None else None


def start_tracing(exporter: Any | None = None, *, simple: bool = False) -> Tracing:
    """Install a tracer provider exporting to OTLP (or `exporter`, for tests) and
    instrument asyncpg. `simple` exports each span as it ends (tests); otherwise
    spans are batched off the request path."""
    global _active
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME") or "cln-graph"})
    provider = TracerProvider(resource=resource)
    processor = SimpleSpanProcessor if simple else BatchSpanProcessor
    provider.add_span_processor(processor(RedactingExporter(exporter)))
    instrumentor = AsyncPGInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider, capture_parameters=False)
    _active = Tracing(provider, provider.get_tracer("clngraph"))
    return _active
