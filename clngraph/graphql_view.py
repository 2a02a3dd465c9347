"""The strawberry ASGI view: builds the typed context for each request.

Tenant resolution happens here: the region the request names (path, header or
host) intersected with the principal's reach. A region out of reach answers a
FORBIDDEN GraphQL error before anything executes.
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import ExecutionResult, GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from clngraph.middleware.authentication import PRINCIPAL_KEY
from clngraph.request_id import current_request_id
from clngraph.state import AppState
from clngraph.websocket import (
    CLNTransportWSHandler,
    SocketContext,
    TextWebSocketAdapter,
    WebSocketOptions,
    authenticate_socket,
    socket_context,
)
from resolvers.common.context import Context
from resolvers.common.errors import BadUserInput, Forbidden
from tenants.codes import InvalidShaCode
from tenants.resolution import requested_shas
from tenants.scope import RegionForbidden, TenantScope, resolve_scope
from tenants.transaction import TenantDB


class CLNGraphQLView(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = CLNTransportWSHandler
    websocket_adapter_class = TextWebSocketAdapter

    def __init__(
        self,
        schema: Any,
        state: AppState,
        websocket: WebSocketOptions | None = None,
        **kwargs: Any,
    ) -> None:
        ws = websocket or WebSocketOptions()
        super().__init__(schema, **ws.view_kwargs(), **kwargs)
        handler: Any = type(
            "CLNTransportWSHandler", (CLNTransportWSHandler,), {"keepalive_s": ws.keepalive_s}
        )
        self.graphql_transport_ws_handler_class = handler
        self.state = state

    async def on_ws_connect(self, context: Context) -> Any:
        """Authenticate the `connection_init` payload (see clngraph.websocket)."""
        if isinstance(context, SocketContext):
            await authenticate_socket(context)
        return await super().on_ws_connect(context)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        state = self.state
        settings = state.settings
        principal = request.scope.get(PRINCIPAL_KEY)
        shas = await state.registry.snapshot()
        error: GraphQLError | None = None
        try:
            scope = resolve_scope(principal, shas, requested_shas(request, settings.host_map))
        except InvalidShaCode as exc:
            scope, error = TenantScope(), BadUserInput(str(exc), argument="sha")
        except RegionForbidden as exc:
            scope, error = TenantScope(), Forbidden(str(exc), shas=exc.codes)
        db = TenantDB(
            state.engine,
            scope,
            actor=principal.audit_name if principal else "anonymous",
            statement_timeout_ms=settings.statement_timeout_ms,
            mode=settings.tenancy_mode,
        )
        context = Context(
            request=request,
            response=response,
            settings=settings,
            engine=state.engine,
            registry=state.registry,
            shas=shas,
            principal=principal,
            scope=scope,
            db=db,
            request_id=current_request_id() or "",
            app_state=state,
            scope_error=error,
        )
        return socket_context(request, context)

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        context: Context = kwargs["context"]
        if context.scope_error is not None:
            return ExecutionResult(data=None, errors=[context.scope_error])
        return await super().execute_operation(*args, **kwargs)
