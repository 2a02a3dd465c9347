"""GraphQL over WebSocket (graphql-transport-ws): authentication, tenant scope, one
transaction per operation, keep-alive pings and the connection limits.

The HTTP authentication middleware does not see WebSocket handshakes (browsers cannot
set headers on them), so the token comes in `connection_init`:
`{"Authorization": "Bearer <jwt>"}` or `{"token": "<jwt>"}`. No token, or an expired
one, closes the socket with 4401; a bad token or a region out of reach closes it with
4403; the close reason names why, as an HTTP refusal's description does.

A token accepted at `connection_init` is checked again before every message that
delivers a result (`next`), as an HTTP request would check it: expiry every time
(4401), and the full authentication (revocation, agreement in force, client enabled;
for staff tokens the signature and time claims) at most every CLN_WS_TOKEN_RECHECK_S
seconds (default 2): a revoked token, a withdrawn or lapsed agreement, a disabled
client, or an agreement narrowed below what the connection was granted closes the
socket with 4403, and nothing more is delivered.

Strawberry builds one context per connection; operations run concurrently in their
own tasks, so the request transaction (`ctx.db`) and the DataLoaders are looked up
through a ContextVar that each operation task sets for itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import os
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import (
    NonJsonMessageReceived,
    NonTextMessageReceived,
    WebSocketDisconnected,
)
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from auth.authenticator import AuthenticationError
from auth.principal import Principal
from clngraph.http_protocol import dump_json
from foundation.metrics import WEBSOCKET_DELIVERIES, sha_label
from resolvers.common.context import Context
from tenants.codes import InvalidShaCode
from tenants.resolution import requested_shas
from tenants.scope import RegionForbidden, resolve_scope
from tenants.transaction import TenantDB


@dataclass(frozen=True)
class WebSocketOptions:
    """From the environment: CLN_WS_ALLOWED_ORIGINS (comma separated, `*` for any),
    CLN_WS_MAX_OPERATIONS (per connection), CLN_WS_KEEPALIVE_S (server ping interval),
    CLN_WS_TOKEN_RECHECK_S (how long a token check is trusted before the next event)."""

    allowed_origins: tuple[str, ...] = ()
    max_operations: int = 20
    keepalive_s: float = 15.0
    init_timeout_s: float = 10.0
    token_recheck_s: float = 2.0

    @classmethod
    def from_env(cls, env: Any = None) -> WebSocketOptions:
        e = os.environ if env is None else env
        origins = tuple(
            o.strip() for o in e.get("CLN_WS_ALLOWED_ORIGINS", "").split(",") if o.strip()
        )
        return cls(
            allowed_origins=origins,
            max_operations=int(e.get("CLN_WS_MAX_OPERATIONS", "20")),
            keepalive_s=float(e.get("CLN_WS_KEEPALIVE_S", "15")),
            token_recheck_s=float(e.get("CLN_WS_TOKEN_RECHECK_S", "2")),
        )

    def view_kwargs(self) -> dict[str, Any]:
        return {
            "subscription_protocols": (GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            "allowed_origins": self.allowed_origins,
            "max_subscriptions_per_connection": self.max_operations,
            "connection_init_wait_timeout": timedelta(seconds=self.init_timeout_s),
        }


@dataclass
class _Operation:
    db: TenantDB
    loaders: dict[type, Any] = field(default_factory=dict)


_OPERATION: contextvars.ContextVar[_Operation | None] = contextvars.ContextVar(
    "cln_ws_operation", default=None
)


class SocketContext(Context):
    """A connection's context whose `db` and loaders belong to the running operation."""

    connection_params: dict[str, Any] | None = None

    @classmethod
    def from_context(cls, ctx: Context) -> SocketContext:
        return cls(**{f.name: getattr(ctx, f.name) for f in fields(Context)})

    @property
    def db(self) -> TenantDB:
        operation = _OPERATION.get()
        return operation.db if operation is not None else self._connection_db

    @db.setter
    def db(self, value: TenantDB) -> None:
        self._connection_db = value

    def loader(self, loader_class: Any) -> Any:
        operation = _OPERATION.get()
        if operation is None:
            return super().loader(loader_class)
        found = operation.loaders.get(loader_class)
        if found is None:
            found = operation.loaders[loader_class] = loader_class(self)
        return found

    def new_db(self) -> TenantDB:
        return TenantDB(
            self.engine,
            self.scope,
            actor=self.principal.audit_name if self.principal else "anonymous",
            statement_timeout_ms=self.settings.statement_timeout_ms,
            mode=self.settings.tenancy_mode,
            connections=self.app_state.connections if self.app_state is not None else None,
            prepared=self.settings.fast_path,
        )


def token_from(params: dict[str, Any]) -> str | None:
    """The bearer token of a `connection_init` payload, or None when there is none."""
    header = params.get("Authorization") or params.get("authorization")
    if isinstance(header, str) and header.strip():
        scheme, _, token = header.strip().partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else ""
    value = params.get("token")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


class SocketRefused(Exception):
    """A `connection_init` refused with this close code and reason (the handler closes
    the socket; strawberry's own rejection would say 4403 "Forbidden" whatever the
    reason)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = _close_reason(reason)


def _token_refusal(exc: AuthenticationError) -> SocketRefused:
    if "expired" in exc.reason:
        return SocketRefused(4401, "Token expired")
    return SocketRefused(4403, exc.reason)


async def authenticate_socket(context: SocketContext) -> None:
    """Set the connection's principal and tenant scope, or refuse it: SocketRefused
    (4401 for an expired token, 4403 naming the reason otherwise)."""
    state = context.app_state
    token = token_from(context.connection_params or {})
    if not token:
        raise ConnectionRejectionError()
    try:
        principal = await state.authenticator.authenticate(token)
    except AuthenticationError as exc:
        raise _token_refusal(exc) from None
    try:
        request: Any = context.request
        scope = resolve_scope(
            principal, context.shas, requested_shas(request, state.settings.host_map)
        )
    except (InvalidShaCode, RegionForbidden) as exc:
        raise SocketRefused(4403, str(exc) or "Forbidden") from None
    context.principal = principal
    context.scope = scope
    context.scope_error = None
    context.db = context.new_db()


def _expired(principal: Principal) -> bool:
    expires = principal.claims.get("exp")
    return isinstance(expires, int | float) and expires <= time.time()


async def recheck_socket(context: SocketContext) -> tuple[int, str] | None:
    """None while the connection's token still holds; else the close code and reason:
    4401 for an expired token, 4403 for one revoked or no longer backed by an agreement
    in force (or backed by a narrower one)."""
    principal = context.principal
    if principal is None:
        return None
    if _expired(principal):
        return 4401, "Token expired"
    token = token_from(context.connection_params or {})
    if not token:
        return 4401, "Unauthorized"
    try:
        current = await context.app_state.authenticator.authenticate(token)
    except AuthenticationError as exc:
        refused = _token_refusal(exc)
        return refused.code, refused.reason
    if not principal.scopes <= current.scopes or (
        principal.granted_shas is not None
        and not principal.granted_shas <= (current.granted_shas or frozenset())
    ):
        return 4403, "Agreement narrowed"
    return None


def _close_reason(reason: str) -> str:
    """A WebSocket close reason is at most 123 bytes."""
    return reason.encode()[:120].decode(errors="ignore")


class CLNTransportWSHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws with 4401 for a missing token, a transaction per operation,
    server pings (the client answers with pong; a dead peer fails the send) and the
    token checked again before each result it delivers."""

    keepalive_s: float = 15.0
    token_recheck_s: float = 2.0
    _keepalive: asyncio.Task[None] | None = None
    _trusted_until: float = 0.0  # monotonic time until which the last full check holds
    _closed_for_token: bool = False

    async def send_message(self, message: Any) -> None:
        if message.get("type") == "next" and not await self._token_holds():
            return
        await super().send_message(message)
        if message.get("type") == "next":
            scope = getattr(self.context, "scope", None)
            WEBSOCKET_DELIVERIES.labels(sha_label(scope.read if scope else ())).inc()

    async def _token_holds(self) -> bool:
        """Expiry on every event; the full check when the last one is older than
        `token_recheck_s`. Closes the socket (once) when the token no longer holds."""
        if self._closed_for_token:
            return False
        context = self.context
        if not isinstance(context, SocketContext) or context.principal is None:
            return True
        now = time.monotonic()
        if now < self._trusted_until and not _expired(context.principal):
            return True
        refusal = await recheck_socket(context)
        if refusal is None:
            self._trusted_until = now + self.token_recheck_s
            return True
        self._closed_for_token = True
        with contextlib.suppress(Exception):
            await self.websocket.close(code=refusal[0], reason=refusal[1])
        return False

    async def handle_connection_init(self, message: Any) -> None:
        payload = message.get("payload") or {}
        if (
            isinstance(payload, dict)
            and not self.connection_init_received
            and token_from(payload) is None
        ):
            self.connection_init_received = True
            await self.websocket.close(code=4401, reason="Unauthorized")
            return
        try:
            await super().handle_connection_init(message)
        except SocketRefused as refused:
            await self.websocket.close(code=refused.code, reason=refused.reason)
            return
        if self.connection_acknowledged and self._keepalive is None:
            self._keepalive = asyncio.create_task(self._keep_alive())

    async def _keep_alive(self) -> None:
        """Ping the client every `keepalive_s`; close with 4401 when the token expires,
        so a long-lived subscription never outlives its credentials."""
        principal = getattr(self.context, "principal", None)
        expires = principal.claims.get("exp") if principal is not None else None
        with contextlib.suppress(Exception):
            while True:
                left = float(expires) - time.time() if isinstance(expires, int | float) else None
                if left is not None and left <= 0:
                    await self.websocket.close(code=4401, reason="Token expired")
                    return
                waits = [w for w in (self.keepalive_s if self.keepalive_s > 0 else None, left) if w]
                if not waits:
                    return
                await asyncio.sleep(min(waits))
                if left is None or min(waits) < left:
                    await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self._keepalive is not None:
            self._keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keepalive
        await super().shutdown()

    async def run_operation(self, operation: Any) -> None:
        context = self.context
        if not isinstance(context, SocketContext):
            await super().run_operation(operation)
            return
        state = _Operation(context.new_db())
        token = _OPERATION.set(state)
        try:
            await super().run_operation(operation)
        finally:
            await state.db.finish(commit=False)
            _OPERATION.reset(token)


MESSAGE_TOO_BIG = 1009  # RFC 6455: a message too big to process


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """Send protocol messages as text frames: graphql-transport-ws clients reject binary
    ones, and the view's encoder returns bytes. A message received over the
    body limit (CLN_MAX_BODY_BYTES, as for an HTTP body) closes the socket with 1009
    before it is parsed; the server (uvicorn's `--ws-max-size`, 16 MB by default)
    bounds what is read before that."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object]:
        view: Any = self.view  # clngraph.graphql_view.CLNGraphQLView
        limit = view.state.settings.max_body_bytes
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                try:
                    text = await self.ws.receive_text()
                    if len(text) * 4 > limit and len(text.encode("utf-8", "surrogatepass")) > limit:
                        await self.ws.close(MESSAGE_TOO_BIG, f"over {limit} bytes")
                        return
                    yield self.view.decode_json(text)
                except json.JSONDecodeError as e:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from e
        except KeyError as e:
            raise NonTextMessageReceived from e
        except WebSocketDisconnect:
            pass

    async def send_json(self, message: Any) -> None:
        try:
            await self.ws.send_text(dump_json(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


def socket_context(request: Any, context: Context) -> Context:
    return SocketContext.from_context(context) if isinstance(request, WebSocket) else context
