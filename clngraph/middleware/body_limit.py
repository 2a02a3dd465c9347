"""Refuse a request body over the limit (413) before reading the rest of it.

A declared `Content-Length` over the limit is answered at once, without reading a
byte of the body; a body sent without one (chunked) is counted as it arrives and
refused as soon as it passes the limit. Either way the process never holds more
than the limit of one request's body (a 100 MB body used to be read and parsed
whole). The connection is closed after the answer: the unread rest of the body is
still on it.
"""

from __future__ import annotations

import orjson
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clngraph.http_protocol import HttpProblem


class BodyTooLarge(HttpProblem):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413, f"the request body is over the limit of {limit} bytes", {"Connection": "close"}
        )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                await _answer(send, HttpProblem(400, "Content-Length is not a number"))
                return
            if length > limit:
                await _answer(send, BodyTooLarge(limit))
                return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as problem:  # an app that did not answer it itself
            if started:
                raise
            await _answer(send, problem)


async def _answer(send: Send, problem: HttpProblem) -> None:
    body = orjson.dumps(problem.body)
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in problem.headers.items()),
    ]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
