"""The strawberry ASGI view: builds the typed context for each request.

Tenant resolution happens here: the region the request names (path, header or
host) intersected with the principal's reach. A region out of reach answers a
FORBIDDEN GraphQL error before anything executes.

HTTP requests go through `clngraph.http_protocol` (GraphQL over HTTP, media
types and status codes); WebSocket requests are strawberry's own.
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from clngraph import http_protocol as hp
from clngraph.graphiql import PAGE as GRAPHIQL_PAGE
from clngraph.middleware.authentication import PRINCIPAL_KEY
from clngraph.state import AppState
from clngraph.websocket import (
    CLNTransportWSHandler,
    SocketContext,
    TextWebSocketAdapter,
    WebSocketOptions,
    authenticate_socket,
    socket_context,
)
from foundation.availability import (
    RETRY_AFTER_S,
    SERVICE_UNAVAILABLE,
    DatabaseUnavailable,
    is_unavailable,
)
from foundation.request_id import current_request_id
from foundation.request_record import record_of
from resolvers.common.context import Context
from resolvers.common.errors import BadUserInput, Forbidden
from schema.errors import mask_error, should_mask
from tenants.codes import InvalidShaCode
from tenants.resolution import requested_shas
from tenants.scope import RegionForbidden, TenantScope, resolve_scope
from tenants.transaction import TenantDB

log = logging.getLogger("clngraph.errors")
TRY_AGAIN_LATER = 1013  # WebSocket close code: the server is overloaded or unavailable

ALLOWED_OPERATIONS = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
}


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
            "CLNTransportWSHandler",
            (CLNTransportWSHandler,),
            {"keepalive_s": ws.keepalive_s, "token_recheck_s": ws.token_recheck_s},
        )
        self.graphql_transport_ws_handler_class = handler
        self.state = state

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL with assets served by this service (clngraph/graphiql.py)."""
        return GRAPHIQL_PAGE

    async def on_ws_connect(self, context: Context) -> Any:
        """Authenticate the `connection_init` payload (see clngraph.websocket)."""
        if isinstance(context, SocketContext):
            await authenticate_socket(context)
        return await super().on_ws_connect(context)

    def encode_json(self, data: object) -> bytes:
        return hp.dump_json(data)

    def decode_json(self, data: str | bytes) -> object:
        """A graphql-transport-ws message, parsed as a request body is: a lone surrogate
        escape is kept (the input check refuses it as BAD_USER_INPUT, for that
        operation), nesting past MAX_JSON_DEPTH is not well-formed (4400, as invalid
        JSON is)."""
        try:
            return hp.load_json(data)
        except hp.JsonRefused as refused:
            raise json.JSONDecodeError(f"the message {refused}", "", 0) from None

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        state = self.state
        settings = state.settings
        principal = request.scope.get(PRINCIPAL_KEY)
        shas = await state.registry.snapshot()
        error: GraphQLError | None = None
        try:
            scope = resolve_scope(
                principal, shas, requested_shas(request, settings.host_map, state.registry.hosts)
            )
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
            connections=state.connections,
            prepared=settings.fast_path,
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            try:
                await super().__call__(scope, receive, send)
            except Exception as error:
                # a socket opened while the database is out of reach (no SHA registry
                # to resolve its region with): closed with 1013, try again later, not
                # dropped without a close frame
                if scope["type"] != "websocket" or not is_unavailable(error):
                    raise
                log.warning("websocket closed: database unavailable (%s)", type(error).__name__)
                with contextlib.suppress(Exception):
                    await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
            return
        request = Request(scope, receive)
        response = await self.handle_http(request)
        await response(scope, receive, send)

    # --- GraphQL over HTTP ----------------------------------------------------------

    async def handle_http(self, request: Request) -> Response:
        media = hp.negotiate(request.headers.get("accept"))
        try:
            if request.method not in ALLOWED_OPERATIONS:
                raise hp.HttpProblem(405, "use GET or POST", {"Allow": "GET, POST"})
            if self.graphql_ide and self.should_render_graphql_ide(request):  # type: ignore[arg-type]
                return HTMLResponse(self.graphql_ide_html)
            if media is None:
                raise hp.HttpProblem(
                    406, f"accept {hp.GRAPHQL_RESPONSE_JSON} or {hp.APPLICATION_JSON}"
                )
            if request.method == "GET":
                params = hp.params_from_get(request.query_params)
            else:
                params = hp.params_from_post(
                    request.headers.get("content-type"), await request.body()
                )
            return await self._execute(request, params, media)
        except hp.HttpProblem as problem:
            return self._problem(problem, media or hp.APPLICATION_JSON)

    async def _execute(self, request: Request, params: hp.GraphQLParams, media: str) -> Response:
        try:
            context = await self.get_context(request, None)
        except DatabaseUnavailable:  # no SHA registry to resolve the region with
            error = GraphQLError(
                "The service is unavailable; retry later", extensions={"code": SERVICE_UNAVAILABLE}
            )
            _note_outcome(request, [error])
            return self._unavailable({"errors": [error.formatted]}, media)
        if context.scope_error is not None:
            _note_outcome(request, [context.scope_error])
            return self._request_error([context.scope_error], media)
        try:
            return await self._run(request, context, params, media)
        finally:
            context.release()

    async def _run(
        self, request: Request, context: Context, params: hp.GraphQLParams, media: str
    ) -> Response:
        allowed = ALLOWED_OPERATIONS[request.method]
        try:
            result = await self.schema.execute(
                params.query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=params.extensions,
            )
        except InvalidOperationTypeError as exc:
            if request.method == "GET" and exc.operation_type == OperationType.MUTATION:
                raise hp.HttpProblem(405, "mutations need POST", {"Allow": "POST"}) from None
            raise hp.HttpProblem(400, exc.as_http_error_reason(request.method)) from None
        except CannotGetOperationTypeError as exc:
            return self._request_error([GraphQLError(exc.as_http_error_reason())], media)
        except MissingQueryError:
            raise hp.HttpProblem(400, "`query` is missing") from None
        # errors raised outside MaskErrors' reach (e.g. by a commit when the operation
        # ends) are masked here, so no exception text reaches the client
        errors = [mask_error(e) if should_mask(e) else e for e in result.errors or []]
        _note_outcome(request, errors)
        if any((e.extensions or {}).get("code") == SERVICE_UNAVAILABLE for e in errors):
            partial = {"data": result.data} if result.data is not None else {}
            return self._unavailable({**partial, "errors": [e.formatted for e in errors]}, media)
        if hp.is_request_error(result.data, errors):
            return self._request_error(errors, media, result.extensions)
        body: dict[str, Any] = {"data": result.data}
        if errors:
            body["errors"] = [e.formatted for e in errors]
        if result.extensions:
            body["extensions"] = result.extensions
        return self._json(body, 200, media)

    def _request_error(
        self, errors: list[GraphQLError], media: str, extensions: dict[str, Any] | None = None
    ) -> Response:
        body: dict[str, Any] = {"errors": [e.formatted for e in errors]}
        if extensions:
            body["extensions"] = extensions
        return self._json(body, hp.request_error_status(media, errors), media)

    def _unavailable(self, body: dict[str, Any], media: str) -> Response:
        """The database is out of reach: 503 whatever the media type, so that proxies
        and clients that look only at the status retry too (docs/operations.md)."""
        return self._json(body, 503, media, {"Retry-After": str(RETRY_AFTER_S)})

    def _problem(self, problem: hp.HttpProblem, media: str) -> Response:
        return self._json(problem.body, problem.status, media, problem.headers)

    def _json(
        self, body: object, status: int, media: str, headers: dict[str, str] | None = None
    ) -> Response:
        return Response(
            hp.dump_json(body),
            status_code=status,
            headers=headers,
            media_type=f"{media}; charset=utf-8",
        )


def _note_outcome(request: Request, errors: list[GraphQLError]) -> None:
    """The first error's code is the request's outcome in the metrics (else its status)."""
    record = record_of(request.scope)
    if record is not None and errors:
        code = (errors[0].extensions or {}).get("code")
        record.outcome = code if isinstance(code, str) else "ERROR"
