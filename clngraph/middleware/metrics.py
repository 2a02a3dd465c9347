"""Count and time every HTTP request and WebSocket connection (pure ASGI).

The middleware puts a `RequestRecord` in the ASGI scope; the GraphQL view fills in
the operation, the SHA label and the GraphQL outcome as it learns them. The caller
kind comes from the principal the authentication middleware leaves in the scope.
Outermost but one (inside the request id), so refusals by authentication (401) and
the rate limit (429) are counted too.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clngraph.middleware.authentication import PRINCIPAL_KEY
from foundation import metrics as m
from foundation.request_record import RECORD_KEY, RequestRecord


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            m.WEBSOCKETS_OPEN.inc()
            try:
                await self.app(scope, receive, send)
            finally:
                m.WEBSOCKETS_OPEN.dec()
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord()
        scope[RECORD_KEY] = record
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = m.route_label(scope.get("path", ""))
            caller = m.caller_label(scope.get(PRINCIPAL_KEY))
            labels = (
                route,
                # an anonymous caller's name gets a series only if a signed-in one's did
                m.operation_label(record.operation, admit=caller != "anonymous")
                if route == "graphql" and record.operation != "-"
                else "-",
                record.sha,
                caller,
                m.outcome_label(record.outcome or str(status)),
            )
            m.REQUESTS.labels(*labels).inc()
            m.REQUEST_SECONDS.labels(*labels).observe(time.perf_counter() - started)
