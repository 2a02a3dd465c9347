"""Starlette endpoints of the authorization server: token (RFC 6749 client
credentials), revocation (RFC 7009), introspection (RFC 7662), JWKS and RFC 8414
metadata. Every response of the token endpoints is `Cache-Control: no-store`."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from joserfc.errors import JoseError
from joserfc.jws import extract_compact
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from auth.authenticator import AuthenticationError
from auth.config import IdentityConfig
from auth.oauth.clients import load_client, record_outcome, remember_assertion
from auth.oauth.keys import SigningKeyStore
from auth.oauth.scopes import SCOPES
from auth.oauth.server import (
    ASSERTION_ALGORITHMS,
    ENDPOINT_AUTH_METHODS,
    FormRequest,
    PartnerAuthorizationServer,
    Prepared,
    VerifiedToken,
)
from auth.oauth.tokens import PartnerTokenAuthenticator
from foundation.unstorable import REASON, unstorable

log = logging.getLogger("clngraph.oauth")

TOKEN_PATH = "/oauth/token"
REVOKE_PATH = "/oauth/revoke"
INTROSPECT_PATH = "/oauth/introspect"
JWKS_PATH = "/.well-known/jwks.json"
METADATA_PATH = "/.well-known/oauth-authorization-server"
MAX_FORM_FIELD = 8192
Result = tuple[int, Any, list[tuple[str, str]]]

_REVOKE = text(
    "INSERT INTO oauth_revoked_tokens (jti, client_id, expires_at)"
    " VALUES (:jti, :client_id, :expires_at) ON CONFLICT (jti) DO NOTHING"
)


class OAuthEndpoints:
    """The HTTP face of the authorization server; one instance per app."""

    def __init__(
        self,
        *,
        engine: Any,
        keys: SigningKeyStore,
        tokens: PartnerTokenAuthenticator,
        config: IdentityConfig,
        issuer: str,
        audience: str,
    ) -> None:
        self.engine = engine
        self.keys = keys
        self.tokens = tokens
        self.config = config
        self.issuer = issuer.rstrip("/")
        self.server = PartnerAuthorizationServer(
            issuer=issuer, audience=audience, lifetime_s=config.token_lifetime_s
        )

    async def _form_request(self, request: Request) -> FormRequest | Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != (
            "application/x-www-form-urlencoded"
        ):
            return _error(400, "invalid_request", "use application/x-www-form-urlencoded")
        form = await request.form()
        data: dict[str, str] = {}
        for key, value in form.multi_items():
            if (
                not isinstance(value, str)
                or len(value) > MAX_FORM_FIELD
                or key in data
                or unstorable(key)
                or unstorable(value)
            ):
                return _error(400, "invalid_request", f"bad or repeated parameter {key!r}")
            data[key] = value
        # text PostgreSQL cannot store, or Basic credentials that are not UTF-8, are
        # refused here, not by an encoder when the client is looked up (both were 500s)
        basic = _basic(request)
        if basic is None or any(v is not None and unstorable(v) for v in basic):
            return _error(400, "invalid_request", f"Basic credentials: UTF-8, and {REASON}")
        # The URI the client used, as the public issuer URL names it (TLS may end at a proxy).
        uri = self.issuer + request.url.path
        return FormRequest(request.method, uri, request.headers, data)

    async def _prepare_client(self, oauth_request: FormRequest) -> Prepared:
        basic_id, basic_secret = extract_basic_authorization(oauth_request.headers)
        client_id = basic_id or oauth_request.form.get("client_id")
        assertion = assertion_ids(oauth_request.form.get("client_assertion"))
        if assertion is not None and client_id is None:
            client_id = assertion[0]
        client = None
        if client_id:
            jti = assertion[1] if assertion else None
            presents_secret = bool(basic_secret or oauth_request.form.get("client_secret"))
            client = await load_client(
                self.engine,
                client_id,
                assertion_jti=jti,
                count_attempt=presents_secret,
                threshold=self.config.lockout_threshold,
            )
        return Prepared(client=client)

    async def _finish(self, prepared: Prepared, result: Result) -> Result:
        """Record what authlib decided; refuse after all if a concurrent request used
        the same client assertion first."""
        if prepared.client is not None and not await remember_assertion(
            self.engine, prepared.client
        ):
            result = InvalidClientError(description="client assertion already used")()
        if prepared.client is not None:
            await record_outcome(
                self.engine,
                prepared.client,
                threshold=self.config.lockout_threshold,
                lockout_s=self.config.lockout_s,
            )
            client = prepared.client
            if client.secret_checked and not client.secret_ok:
                reason = "unknown" if not client.known else "locked" if client.locked else "secret"
                log.info(
                    "client authentication failed",
                    extra={"client_id": client.client_id, "reason": reason},
                )
        return result

    async def token(self, request: Request) -> Response:
        oauth_request = await self._form_request(request)
        if isinstance(oauth_request, Response):
            return oauth_request
        prepared = await self._prepare_client(oauth_request)
        prepared.signing_key = (await self.keys.material()).signing
        result = self.server.run(prepared, self.server.create_token_response, oauth_request)
        return _response(await self._finish(prepared, result))

    async def _verified(self, oauth_request: FormRequest) -> VerifiedToken | None:
        raw = oauth_request.form.get("token")
        if not raw:
            return None
        try:
            claims = await self.tokens.decode(raw, check_claims=False)
        except AuthenticationError:
            return None
        try:
            self.tokens.validate_claims(claims)
            await self.tokens.in_force(claims)
            active = True
        except AuthenticationError:
            active = False
        return VerifiedToken(claims=claims, active=active)

    async def revoke(self, request: Request) -> Response:
        oauth_request = await self._form_request(request)
        if isinstance(oauth_request, Response):
            return oauth_request
        prepared = await self._prepare_client(oauth_request)
        prepared.token = await self._verified(oauth_request)
        result = self.server.run(
            prepared, self.server.create_endpoint_response, "revocation", oauth_request
        )
        result = await self._finish(prepared, result)
        if result[0] == 200 and prepared.revoked:
            async with self.engine.begin() as conn:
                for token in prepared.revoked:
                    await conn.execute(
                        _REVOKE,
                        {
                            "jti": str(token.claims["jti"]),
                            "client_id": str(token.claims["client_id"]),
                            "expires_at": dt.datetime.fromtimestamp(
                                int(token.claims["exp"]), dt.UTC
                            ),
                        },
                    )
        return _response(result)

    async def introspect(self, request: Request) -> Response:
        oauth_request = await self._form_request(request)
        if isinstance(oauth_request, Response):
            return oauth_request
        prepared = await self._prepare_client(oauth_request)
        prepared.token = await self._verified(oauth_request)
        result = self.server.run(
            prepared, self.server.create_endpoint_response, "introspection", oauth_request
        )
        return _response(await self._finish(prepared, result))

    async def jwks(self, request: Request) -> Response:
        body = await self.keys.public_jwks()
        return JSONResponse(body, headers={"Cache-Control": "public, max-age=60"})

    async def metadata(self, request: Request) -> Response:
        base = self.issuer
        return JSONResponse(
            {
                "issuer": base,
                "token_endpoint": base + TOKEN_PATH,
                "jwks_uri": base + JWKS_PATH,
                "revocation_endpoint": base + REVOKE_PATH,
                "introspection_endpoint": base + INTROSPECT_PATH,
                "grant_types_supported": ["client_credentials"],
                "response_types_supported": [],
                "scopes_supported": sorted(SCOPES),
                "token_endpoint_auth_methods_supported": ENDPOINT_AUTH_METHODS,
                "revocation_endpoint_auth_methods_supported": ENDPOINT_AUTH_METHODS,
                "introspection_endpoint_auth_methods_supported": ENDPOINT_AUTH_METHODS,
                "token_endpoint_auth_signing_alg_values_supported": ASSERTION_ALGORITHMS,
            }
        )


def assertion_ids(assertion: str | None) -> tuple[str, str | None] | None:
    """`sub` and `jti` of a client assertion, unverified: only to load the client and
    its replay record before authlib verifies the assertion."""
    if not assertion:
        return None
    try:
        claims = json.loads(extract_compact(assertion.encode()).payload)
    except (JoseError, ValueError, UnicodeError):
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str):
        return None
    jti = claims.get("jti")
    if unstorable(claims["sub"]) or (isinstance(jti, str) and unstorable(jti)):
        return None  # no client can be named so; authlib then refuses the assertion
    return claims["sub"], jti if isinstance(jti, str) else None


def _basic(request: Request) -> tuple[str | None, str | None] | None:
    """The Basic credentials (None, None without them); None when they are not UTF-8."""
    try:
        found: tuple[str | None, str | None] = extract_basic_authorization(request.headers)
    except ValueError:  # UnicodeDecodeError
        return None
    return found


def _error(status: int, error: str, description: str) -> Response:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _response(result: Result) -> Response:
    status, body, headers = result
    response = JSONResponse(body, status_code=status)
    for name, value in headers:
        if name.lower() != "content-type":
            response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response
