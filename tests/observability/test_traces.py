"""Traces through the real app with the SDK's in-memory exporter: one request is one
trace from the HTTP server span through the GraphQL operation and its DataLoader
batches to each SQL statement, and no exported attribute carries a token, a query
string, a client address or a member's data; operations over a WebSocket are spans of
the connection's trace; the OTEL_* variables alone send spans to an OTLP collector."""

from __future__ import annotations

import http.server
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import httpx
import pytest
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from clngraph.app import create_app
from foundation.settings import Settings
from foundation.tracing import active_tracer
from tests.connect_networks.conftest import create_forum, start_thread
from tests.factories import create_member
from tests.support import GraphQLClient

PAGE = """query DirectoryPage($first: Int!) {
  members(first: $first) {
    edges { node { id displayName email organisation { name } networks { role } } }
  }
}"""


@dataclass
class Traced:
    http: httpx.AsyncClient
    spans: InMemorySpanExporter


@pytest.fixture
async def traced(admin_url: str, settings: Settings) -> AsyncIterator[Traced]:
    exporter = InMemorySpanExporter()
    app = create_app(settings, admin_url=admin_url, trace_exporter=exporter)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 51000))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
    ):
        exporter.clear()  # start-up statements are not a request's
        yield Traced(http, exporter)
    assert active_tracer() is None  # the app's shutdown turns tracing off again


async def personal_values(admin_url: str) -> set[str]:
    """E-mail addresses and names of Q31's members, straight from the database."""
    engine = create_async_engine(admin_url.replace("postgresql://", "postgresql+asyncpg://"))
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT email, given_name || ' ' || family_name FROM cln.members "
                        "WHERE sha_code = 'Q31' AND email IS NOT NULL"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    return {value for row in rows for value in row if value}


async def test_one_request_is_one_trace_from_http_to_sql(
    traced: Traced, make_token: Any, admin_url: str
) -> None:
    token = make_token("member", "Q31", subject="trace-subject-7f3a")
    response = await traced.http.post(
        "/graphql?trace-probe=secret-in-query-string",
        json={"query": PAGE, "variables": {"first": 3}, "operationName": "DirectoryPage"},
        headers={"Authorization": f"Bearer {token}", "User-Agent": "probe-agent/1.0"},
    )
    assert response.status_code == 200 and not response.json().get("errors")
    spans = traced.spans.get_finished_spans()

    assert len({s.context.trace_id for s in spans}) == 1, "one trace"
    by_id = {s.context.span_id: s for s in spans}
    roots = [s for s in spans if s.parent is None]
    assert len(roots) == 1 and roots[0].kind == SpanKind.SERVER

    operation = next(s for s in spans if s.name == "graphql DirectoryPage")
    assert operation.attributes is not None
    assert operation.attributes["graphql.operation.name"] == "DirectoryPage"
    assert operation.attributes["graphql.operation.type"] == "query"
    assert operation.attributes["cln.sha"] == "Q31"
    assert operation.attributes["cln.caller.kind"] == "user"

    sql = [s for s in spans if (s.attributes or {}).get("db.system") == "postgresql"]
    assert sql, "the asyncpg spans are in the trace"
    batches = [s for s in spans if s.name.startswith("dataloader ")]
    assert batches, "a span per DataLoader batch"

    def ancestors(span: Any) -> list[Any]:
        chain, parent = [], span.parent
        while parent is not None:
            chain.append(by_id[parent.span_id])
            parent = by_id[parent.span_id].parent
        return chain

    # every statement is in the request's trace (connection set-up and the registry
    # refresh under the server span), the operation's own statements under its span
    for span in sql:
        assert roots[0] in ancestors(span), span.name
    data = [s for s in sql if "members" in str((s.attributes or {}).get("db.statement"))]
    assert data
    for span in [*data, *batches]:
        assert operation in ancestors(span), span.name

    secrets = {token, "trace-subject-7f3a", "secret-in-query-string", "probe-agent", "203.0.113.9"}
    secrets |= await personal_values(admin_url)
    for span in spans:
        for key, value in (span.attributes or {}).items():
            for secret in secrets:
                assert secret not in str(value), (span.name, key)
        for secret in secrets:
            assert secret not in span.name, span.name
        assert not span.events


async def test_tracing_is_off_by_default(app: Any) -> None:
    assert active_tracer() is None
    assert Settings.from_env({}).tracing is False
    assert Settings.from_env({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}).tracing
    assert Settings.from_env({"OTEL_TRACES_EXPORTER": "otlp"}).tracing
    assert not Settings.from_env(
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}
    ).tracing


class Collector(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP receiver: keeps each export's path, headers and decoded body."""

    received: ClassVar[list[tuple[str, dict[str, str], Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(body)
        self.received.append((self.path, dict(self.headers), request))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()
        self.wfile.write(trace_service_pb2.ExportTraceServiceResponse().SerializeToString())

    def log_message(self, *args: Any) -> None:
        pass


async def test_the_otel_variables_send_traces_to_an_otlp_collector(
    admin_url: str, settings: Settings, make_token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No exporter passed in: the standard variables alone turn tracing on and say where
    (endpoint, headers, service name); the spans reach a collector over OTLP/HTTP,
    redacted on the wire too."""
    Collector.received.clear()
    collector = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=collector.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv(
            "OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{collector.server_port}"
        )
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-collector-key=probe-7")
        monkeypatch.setenv("OTEL_SERVICE_NAME", "cln-graph-probe")
        traced = replace(settings, tracing=Settings.from_env().tracing)
        assert traced.tracing
        app = create_app(traced, admin_url=admin_url)
        token = make_token("member", "Q31", subject="otlp-subject-91c2")
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
        ):
            response = await client.post(
                "/graphql?otlp-probe=secret-in-query-string",
                json={"query": PAGE, "variables": {"first": 2}, "operationName": "DirectoryPage"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 200 and not response.json().get("errors")
        # the app's shutdown flushed the batch processor
    finally:
        collector.shutdown()
        thread.join()
    assert active_tracer() is None
    assert Collector.received, "no export reached the collector"
    for path, headers, _ in Collector.received:
        assert path == "/v1/traces"
        assert headers.get("x-collector-key") == "probe-7"
    spans = [
        (resource.resource, span)
        for _, _, request in Collector.received
        for resource in request.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    services = {
        a.value.string_value
        for resource, _ in spans
        for a in resource.attributes
        if a.key == "service.name"
    }
    assert services == {"cln-graph-probe"}
    names = {span.name for _, span in spans}
    assert "graphql DirectoryPage" in names
    assert any(name.startswith("dataloader ") for name in names)
    request_spans = [s for _, s in spans if s.name == "graphql DirectoryPage"]
    assert len({s.trace_id for s in request_spans}) == 1
    wire = b"".join(request.SerializeToString() for _, _, request in Collector.received)
    for secret in (token, "otlp-subject-91c2", "secret-in-query-string"):
        assert secret.encode() not in wire


SUBSCRIBE = """subscription ForumFeed($forum: ID) {
  forumPostAdded(forumId: $forum, since: "2000-01-01T00:00:00Z") { bodyMarkdown author { id } }
}"""


async def test_operations_over_a_websocket_are_traced_in_its_trace(
    admin_url: str,
    settings: Settings,
    gql: GraphQLClient,
    make_token: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One WebSocket connection is one trace: the server span of the connection, a span
    per operation sent over it (a subscription from subscribe to complete, one ended by
    the client going away, a query) with
    its name, type, SHA and caller kind, and the statements each ran under its span; the
    token of connection_init is in no attribute."""
    poster = await create_member(gql, "Q31")
    token = make_token("member", "Q31", member_id=poster["id"], subject="ws-subject-5d1e")
    forum = await create_forum(gql, "Q31")
    await start_thread(gql, token, forum["id"], body="Traced over the socket")
    exporter = InMemorySpanExporter()
    app = create_app(settings, admin_url=admin_url, trace_exporter=exporter)
    async with app.router.lifespan_context(app):
        exporter.clear()
        transport = ASGIWebSocketTransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
            aconnect_ws(
                "http://testserver/graphql", client, subprotocols=["graphql-transport-ws"]
            ) as socket,
        ):
            init = {"Authorization": f"Bearer {token}"}
            await socket.send_json({"type": "connection_init", "payload": init})
            assert (await socket.receive_json())["type"] == "connection_ack"
            variables = {"forum": forum["id"]}
            subscribe = {"query": SUBSCRIBE, "variables": variables}
            await socket.send_json({"id": "1", "type": "subscribe", "payload": subscribe})
            event = await socket.receive_json()
            assert event["payload"]["data"]["forumPostAdded"]["bodyMarkdown"] == (
                "Traced over the socket"
            )
            await socket.send_json({"id": "1", "type": "complete"})
            query = {"query": "query OneMember { members(first: 1) { edges { node { id } } } }"}
            await socket.send_json({"id": "2", "type": "subscribe", "payload": query})
            assert (await socket.receive_json())["type"] == "next"
            assert (await socket.receive_json())["type"] == "complete"
            # a subscription still open when the client goes away
            await socket.send_json({"id": "3", "type": "subscribe", "payload": subscribe})
            assert (await socket.receive_json())["type"] == "next"
    spans = exporter.get_finished_spans()
    assert len([s for s in spans if s.name == "graphql ForumFeed"]) == 2
    assert len({s.context.trace_id for s in spans}) == 1, "one trace"
    (root,) = [s for s in spans if s.parent is None]
    assert root.kind == SpanKind.SERVER
    by_id = {s.context.span_id: s for s in spans}

    def under(span: Any, ancestor: Any) -> bool:
        parent = span.parent
        while parent is not None:
            if parent.span_id == ancestor.context.span_id:
                return True
            parent = by_id[parent.span_id].parent
        return False

    feed = next(s for s in spans if s.name == "graphql ForumFeed")  # the completed one
    one = next(s for s in spans if s.name == "graphql OneMember")
    for span, kind in ((feed, "subscription"), (one, "query")):
        assert under(span, root)
        assert span.attributes is not None
        assert span.attributes["graphql.operation.type"] == kind
        assert span.attributes["cln.sha"] == "Q31"
        assert span.attributes["cln.caller.kind"] == "user"
        statements = [
            s
            for s in spans
            if (s.attributes or {}).get("db.system") == "postgresql" and under(s, span)
        ]
        assert statements, span.name
    # each span's context was attached and detached in the same task
    assert not [r for r in caplog.records if r.name.startswith("opentelemetry")]
    for span in spans:
        for secret in (token, "ws-subject-5d1e"):
            assert secret not in span.name
            for value in (span.attributes or {}).values():
                assert secret not in str(value), span.name
