"""The answer to an exception nothing else handled: a GraphQL-shaped JSON error, never
Starlette's plain-text 500 (after which uvicorn dropped the keep-alive connection,
resetting the client's next request).

A database out of reach answers 503 `SERVICE_UNAVAILABLE` with `Retry-After` (the
SHA registry with no snapshot yet, an authenticator that reads the database); any
other exception 500 `INTERNAL_SERVER_ERROR` with an error id that is also on the log
line carrying the traceback. Once a response has started there is nothing left to
answer with, and the exception goes on to the server.
"""

from __future__ import annotations

import logging

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clngraph.http_protocol import GRAPHQL_RESPONSE_JSON, negotiate
from foundation.availability import RETRY_AFTER_S, SERVICE_UNAVAILABLE, is_unavailable
from schema.errors import new_error_id

log = logging.getLogger("clngraph.errors")


class LastResortMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as error:
            if started:
                raise
            await send_error(scope, send, error)


async def send_error(scope: Scope, send: Send, error: Exception) -> None:
    error_id = new_error_id()
    headers: list[tuple[bytes, bytes]] = []
    if is_unavailable(error):
        log.warning("error %s: database unavailable (%s)", error_id, type(error).__name__)
        status, code, message = 503, SERVICE_UNAVAILABLE, "The service is unavailable; retry later"
        headers = [(b"retry-after", str(RETRY_AFTER_S).encode())]
    else:
        log.error("error %s: unhandled %s", error_id, type(error).__name__, exc_info=error)
        status, code, message = 500, "INTERNAL_SERVER_ERROR", "Internal server error"
    body = orjson.dumps(
        {
            "errors": [
                {
                    "message": f"{message} (error id {error_id})",
                    "extensions": {"code": code, "errorId": error_id},
                }
            ]
        }
    )
    accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1")
    media = (
        GRAPHQL_RESPONSE_JSON if negotiate(accept) == GRAPHQL_RESPONSE_JSON else "application/json"
    )
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", f"{media}; charset=utf-8".encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
