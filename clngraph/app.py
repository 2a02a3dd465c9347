"""The app factory: routes, middleware and the lifespan that opens shared resources."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute

from auth.authenticator import Authenticator, ChainAuthenticator
from auth.config import IdentityConfig
from auth.dev_tokens import DevTokenAuthenticator, load_or_create_key
from auth.identity import PUBLIC_PREFIXES, build_identity, oauth_routes
from clngraph.bootstrap import resolve_target
from clngraph.gc_tuning import tune_gc
from clngraph.graphiql import graphiql_assets
from clngraph.graphql_view import CLNGraphQLView
from clngraph.health import healthz, readyz
from clngraph.instrumentation import CountedAuthenticator, instrument_engine
from clngraph.jobs import run_forever
from clngraph.metrics_endpoint import metrics as metrics_endpoint
from clngraph.middleware.authentication import AuthenticationMiddleware
from clngraph.middleware.body_limit import BodyLimitMiddleware
from clngraph.middleware.last_resort import LastResortMiddleware
from clngraph.middleware.metrics import MetricsMiddleware
from clngraph.middleware.rate_limit import RateLimitMiddleware
from clngraph.middleware.request_id import RequestIdMiddleware
from clngraph.outbox_probe import outbox_depth
from clngraph.state import AppState
from clngraph.status.page import status_routes
from clngraph.websocket import WebSocketOptions
from foundation.db import api_url, make_engine
from foundation.metrics import mark_process_dead, register_scrape_probe
from foundation.settings import Settings
from foundation.tracing import start_tracing
from resolvers.gdpr.download import download_export
from resolvers.gdpr.exports import LINK_PATH as EXPORT_PATH
from schema import build_schema
from schema.build import Limits
from tenants.connections import kept_connections
from tenants.pubsub import close_broker
from tenants.registry import ShaRegistry


def dev_key_path(settings: Settings) -> Any:
    return settings.data_dir / "dev-signing-key.json"


def dev_authenticator(settings: Settings) -> Authenticator | None:
    if not settings.dev_tokens:
        return None
    key = load_or_create_key(dev_key_path(settings))
    return DevTokenAuthenticator(key, issuer=settings.issuer, audience=settings.audience)


def default_authenticator(settings: Settings) -> Authenticator:
    dev = dev_authenticator(settings)
    return ChainAuthenticator(*([dev] if dev else []))


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
    identity_config: IdentityConfig | None = None,
    trace_exporter: Any | None = None,
) -> Starlette:
    """`trace_exporter` turns tracing on with that exporter, spans sent as they end
    (tests); otherwise tracing follows the OTEL_* variables (`settings.tracing`)."""
    settings = settings or Settings.from_env()
    tracing = (
        start_tracing(trace_exporter, simple=trace_exporter is not None)
        if trace_exporter is not None or settings.tracing
        else None
    )
    schema = build_schema(
        introspection=settings.introspection,
        limits=Limits(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            max_fields=settings.max_fields,
            max_cost=settings.max_query_cost,
            apq_cache_size=settings.apq_cache_size,
        ),
        fast_path=settings.fast_path,
    )
    lazy_auth = _LazyAuthenticator()
    register_scrape_probe(outbox_depth)  # the notification outbox's depth per scrape

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        admin = admin_url or resolve_target(settings).admin_url
        engine = make_engine(api_url(settings, admin), settings)
        instrument_engine(engine)
        identity = build_identity(
            engine,
            identity_config or IdentityConfig.from_env(),
            issuer=settings.issuer,
            audience=settings.audience,
            dev=dev_authenticator(settings),
        )
        state = AppState(
            settings=settings,
            engine=engine,
            admin_url=admin,
            registry=ShaRegistry(engine, settings.db_schema),
            authenticator=CountedAuthenticator(authenticator or identity.authenticator),
            connections=kept_connections(engine, settings),
            extras={"identity": identity},
        )
        lazy_auth.target = state.authenticator
        app.state.cln = state
        view.state = state
        jobs = (
            asyncio.get_running_loop().create_task(run_forever(engine, settings))
            if settings.jobs_in_process
            else None
        )
        if settings.is_production:
            tune_gc()  # after start-up, so the long-lived objects are frozen
        try:
            yield
        finally:
            if jobs is not None:
                jobs.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await jobs
            await close_broker(state)
            await identity.close()
            await state.connections.close()
            await engine.dispose()
            if tracing is not None:
                tracing.shutdown()
            mark_process_dead()

    view = CLNGraphQLView(
        schema,
        state=None,  # type: ignore[arg-type]  # set by the lifespan
        graphql_ide="graphiql" if settings.graphiql else None,
        websocket=WebSocketOptions.from_env(),
    )
    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route(f"{EXPORT_PATH}/{{sha}}/{{export_id}}", download_export, methods=["GET"]),
        Route("/graphql", view, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", view),
        Route("/sha/{sha_code}/graphql", view, methods=["GET", "POST"]),
        WebSocketRoute("/sha/{sha_code}/graphql", view),
        *oauth_routes(),
    ]
    if settings.metrics:
        routes.append(Route("/metrics", metrics_endpoint))
    if settings.status_page:
        routes.extend(status_routes(view))
    if settings.graphiql:
        routes.append(Route("/graphiql/assets/{name}", graphiql_assets(settings.graphiql_assets)))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(
        RateLimitMiddleware,
        per_minute=settings.rate_limit_per_minute,
        burst=settings.rate_limit_burst,
        public_per_minute=settings.public_rate_limit_per_minute,
        public_burst=settings.public_rate_limit_burst,
    )  # inside authentication: it limits by principal
    app.add_middleware(
        AuthenticationMiddleware,
        authenticator=lazy_auth,
        # /metrics checks its own token (a static scrape secret is not a JWT)
        public_prefixes=(*PUBLIC_PREFIXES, "/metrics"),
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(LastResortMiddleware)  # JSON for whatever the layers inside raise
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    if tracing is not None:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        app.add_middleware(
            OpenTelemetryMiddleware,
            tracer_provider=tracing.provider,
            exclude_spans=["receive", "send"],
        )
    return app
