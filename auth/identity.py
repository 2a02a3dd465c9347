"""Assemble the identity parts for the app: the authenticator chain and the OAuth routes.

Tokens are routed by their (unverified) `iss`: a configured staff issuer's tokens
go to that issuer's verifier only; everything else goes to this service's own
verifiers (development tokens, then partner access tokens). A token is accepted
only after the chosen verifier has checked it in full.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auth.authenticator import AuthenticationError, Authenticator, ChainAuthenticator
from auth.config import IdentityConfig
from auth.oauth.endpoints import OAuthEndpoints
from auth.oauth.keys import SigningKeyStore
from auth.oauth.tokens import PartnerTokenAuthenticator
from auth.oidc.authenticator import StaffTokenAuthenticator, peek_issuer
from auth.oidc.jwks import JwksCache
from auth.principal import Principal

PUBLIC_PREFIXES = ("/oauth/", "/.well-known/")


class IssuerRouter:
    def __init__(self, own: Authenticator, issuers: dict[str, Authenticator]) -> None:
        self.own = own
        self.issuers = issuers

    async def authenticate(self, token: str) -> Principal:
        iss = peek_issuer(token)
        if iss is None:
            raise AuthenticationError("malformed token")
        target = self.issuers.get(iss.rstrip("/"), self.own)
        return await target.authenticate(token)


@dataclass
class Identity:
    authenticator: Authenticator
    endpoints: OAuthEndpoints
    keys: SigningKeyStore
    staff: dict[str, StaffTokenAuthenticator]
    http: httpx.AsyncClient

    async def close(self) -> None:
        await self.http.aclose()


def build_identity(
    engine: AsyncEngine,
    config: IdentityConfig,
    *,
    issuer: str,
    audience: str,
    dev: Authenticator | None,
) -> Identity:
    keys = SigningKeyStore(engine, cache_s=config.key_cache_s)
    partner = PartnerTokenAuthenticator(
        engine, keys, issuer=issuer, audience=audience, leeway_s=config.leeway_s
    )
    http = httpx.AsyncClient(follow_redirects=False)
    staff = {
        i.issuer.rstrip("/"): StaffTokenAuthenticator(
            i, JwksCache(i, http, min_refresh_s=config.jwks_min_refresh_s), engine
        )
        for i in config.oidc_issuers
    }
    own = ChainAuthenticator(*(a for a in (dev, partner) if a is not None))
    return Identity(
        authenticator=IssuerRouter(own, dict(staff)),
        endpoints=OAuthEndpoints(
            engine=engine,
            keys=keys,
            tokens=partner,
            config=config,
            issuer=issuer,
            audience=audience,
        ),
        keys=keys,
        staff=staff,
        http=http,
    )


def oauth_routes() -> list[Route]:
    """The authorization server's routes; they use the Identity the lifespan stores
    in the app state (routes are built before the lifespan runs)."""
    from auth.oauth import endpoints as e

    def endpoint(name: str) -> Callable[[Request], Awaitable[Response]]:
        async def call(request: Request) -> Response:
            identity: Identity = request.app.state.cln.extras["identity"]
            handler: Callable[[Request], Awaitable[Response]] = getattr(identity.endpoints, name)
            return await handler(request)

        return call

    return [
        Route(e.TOKEN_PATH, endpoint("token"), methods=["POST"]),
        Route(e.REVOKE_PATH, endpoint("revoke"), methods=["POST"]),
        Route(e.INTROSPECT_PATH, endpoint("introspect"), methods=["POST"]),
        Route(e.JWKS_PATH, endpoint("jwks"), methods=["GET"]),
        Route(e.METADATA_PATH, endpoint("metadata"), methods=["GET"]),
    ]
