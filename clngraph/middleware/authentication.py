"""Turn a bearer token into a Principal before the request reaches GraphQL.

A missing token is allowed (the request sees no tenant data); a malformed, invalid
or expired one is answered 401 with a `WWW-Authenticate` header (RFC 6750), so a
client knows to fetch a new token instead of reading an empty result.
"""

from __future__ import annotations

import json
import logging

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.authenticator import AuthenticationError, Authenticator

log = logging.getLogger("clngraph.auth")
PRINCIPAL_KEY = "cln.principal"


def bearer_token(headers: Headers) -> str | None:
    value = headers.get("authorization")
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("Authorization must be `Bearer <token>`")
    return token.strip()


class AuthenticationMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        authenticator: Authenticator,
        realm: str = "cln-graph",
        public_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.authenticator = authenticator
        self.realm = realm
        # Paths that authenticate by other means (the OAuth endpoints take HTTP Basic).
        self.public_prefixes = public_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            self.public_prefixes and scope["path"].startswith(self.public_prefixes)
        ):
            await self.app(scope, receive, send)
            return
        try:
            token = bearer_token(Headers(scope=scope))
            principal = await self.authenticator.authenticate(token) if token else None
        except AuthenticationError as exc:
            log.info("authentication refused", extra={"reason": exc.reason})
            await self._unauthorized(send, exc.reason)
            return
        scope[PRINCIPAL_KEY] = principal
        await self.app(scope, receive, send)

    async def _unauthorized(self, send: Send, reason: str) -> None:
        safe_reason = reason.replace('"', "'")
        body = json.dumps(
            {"errors": [{"message": reason, "extensions": {"code": "UNAUTHENTICATED"}}]}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (
                        b"www-authenticate",
                        f'Bearer realm="{self.realm}", error="invalid_token", '
                        f'error_description="{safe_reason}"'.encode(),
                    ),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
