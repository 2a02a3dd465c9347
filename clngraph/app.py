"""The app factory: routes, middleware and the lifespan that opens shared resources."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute

from auth.authenticator import Authenticator, ChainAuthenticator
from auth.dev_tokens import DevTokenAuthenticator, load_or_create_key
from clngraph.bootstrap import resolve_target
from clngraph.db import api_url, make_engine
from clngraph.graphql_view import CLNGraphQLView
from clngraph.health import healthz, readyz
from clngraph.middleware.authentication import AuthenticationMiddleware
from clngraph.middleware.request_id import RequestIdMiddleware
from clngraph.pubsub import close_broker
from clngraph.settings import Settings
from clngraph.state import AppState
from clngraph.websocket import WebSocketOptions
from schema import build_schema
from tenants.registry import ShaRegistry


def dev_key_path(settings: Settings) -> Any:
    return settings.data_dir / "dev-signing-key.json"


def default_authenticator(settings: Settings) -> Authenticator:
    authenticators: list[Authenticator] = []
    if settings.dev_tokens:
        key = load_or_create_key(dev_key_path(settings))
        authenticators.append(
            DevTokenAuthenticator(key, issuer=settings.issuer, audience=settings.audience)
        )
    return ChainAuthenticator(*authenticators)


class _LazyAuthenticator:
    """Delegates to the authenticator the lifespan installs (middleware is built first)."""

    def __init__(self) -> None:
        self.target: Authenticator | None = None

    async def authenticate(self, token: str) -> Any:
        assert self.target is not None, "app not started"
        return await self.target.authenticate(token)


def create_app(
    settings: Settings | None = None,
    *,
    admin_url: str | None = None,
    authenticator: Authenticator | None = None,
) -> Starlette:
    settings = settings or Settings.from_env()
    schema = build_schema(introspection=settings.introspection)
    lazy_auth = _LazyAuthenticator()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        admin = admin_url or resolve_target(settings).admin_url
        engine = make_engine(api_url(settings, admin), settings)
        state = AppState(
            settings=settings,
            engine=engine,
            admin_url=admin,
            registry=ShaRegistry(engine, settings.db_schema),
            authenticator=authenticator or default_authenticator(settings),
        )
        lazy_auth.target = state.authenticator
        app.state.cln = state
        view.state = state
        try:
            yield
        finally:
            await close_broker(state)
            await engine.dispose()

    view = CLNGraphQLView(
        schema,
        state=None,  # type: ignore[arg-type]  # set by the lifespan
        graphql_ide="graphiql" if settings.graphiql else None,
        websocket=WebSocketOptions.from_env(),
    )
    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", view, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", view),
        Route("/sha/{sha_code}/graphql", view, methods=["GET", "POST"]),
        WebSocketRoute("/sha/{sha_code}/graphql", view),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(AuthenticationMiddleware, authenticator=lazy_auth)
    app.add_middleware(RequestIdMiddleware)
    return app
