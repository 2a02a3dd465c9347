"""authlib's AuthorizationServer adapted to starlette and to an async database.

authlib's grants and endpoints are synchronous. Each request therefore runs in
three steps: load what the grant needs (client, agreements, keys, the token under
introspection) asynchronously into a `Prepared` bundle held in a context variable;
run authlib synchronously against it; then write what it decided (failed-secret
counters, revoked `jti`s) asynchronously.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import (
    InvalidClientError,
    InvalidScopeError,
    OAuth2Request,
    TokenMixin,
)
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from auth.oauth.clients import AUTH_METHODS, KEY_METHOD, PartnerClient
from auth.oauth.keys import ALGORITHM
from auth.oauth.scopes import SCOPES, SHA_SCOPE_PREFIX
from tenants.codes import InvalidShaCode, validate_sha_code

ENDPOINT_AUTH_METHODS = sorted(AUTH_METHODS)
ASSERTION_ALGORITHMS = ["ES256", "ES384", "RS256", "PS256", "EdDSA"]
MAX_ASSERTION_LIFETIME_S = 3660  # authlib's clients default to an hour


@dataclass
class VerifiedToken(TokenMixin):
    """A token presented for introspection or revocation, already verified."""

    claims: dict[str, Any]
    active: bool

    def check_client(self, client: PartnerClient) -> bool:
        return bool(self.claims.get("client_id") == client.get_client_id())

    def get_scope(self) -> str:
        return str(self.claims.get("scope", ""))

    def get_expires_in(self) -> int:
        return max(0, int(self.claims["exp"]) - int(time.time()))

    def is_expired(self) -> bool:
        return int(self.claims["exp"]) <= int(time.time())

    def is_revoked(self) -> bool:
        return not self.active


@dataclass
class Prepared:
    """What one request's synchronous authlib run needs and what it decides."""

    client: PartnerClient | None = None
    signing_key: ECKey | None = None
    token: VerifiedToken | None = None
    revoked: list[VerifiedToken] = field(default_factory=list)


_prepared: contextvars.ContextVar[Prepared] = contextvars.ContextVar("cln_oauth_prepared")


class FormRequest(OAuth2Request):
    """An OAuth2Request over a form already read by starlette."""

    def __init__(self, method: str, uri: str, headers: Mapping[str, str], form: dict[str, str]):
        super().__init__(method=method, uri=uri, headers=headers)
        self._form = form
        self.payload = BasicOAuth2Payload(form)

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return self._form


class PartnerCredentialsGrant(ClientCredentialsGrant):
    """Client credentials, narrowed to one data-sharing agreement in force."""

    TOKEN_ENDPOINT_AUTH_METHODS = ENDPOINT_AUTH_METHODS

    def validate_requested_scope(self) -> None:
        requested = scope_to_list(self.request.payload.scope) or []
        for value in requested:
            if value.startswith(SHA_SCOPE_PREFIX):
                try:
                    validate_sha_code(value[len(SHA_SCOPE_PREFIX) :])
                except InvalidShaCode:
                    raise InvalidScopeError(f"{value!r} is not an SHA") from None
            elif value not in SCOPES:
                raise InvalidScopeError(f"unknown scope {value!r}")
        client: PartnerClient = self.request.client
        if not client.choose(requested):
            raise InvalidScopeError("no data-sharing agreement in force grants this request")

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        # authlib's own version logs the issued token at DEBUG; this one never does.
        token = self.generate_token(scope=self.request.payload.scope, include_refresh_token=False)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class PartnerTokenGenerator(JWTBearerTokenGenerator):
    """RFC 9068 access tokens carrying the SHAs and agreement they were issued under."""

    def __init__(self, *, issuer: str, audience: str, lifetime_s: int) -> None:
        super().__init__(issuer=issuer, alg=ALGORITHM, expires_generator=lifetime_s)
        self.audience = audience

    def get_jwks(self) -> KeySet:
        key = _prepared.get().signing_key
        if key is None:
            raise RuntimeError("no signing key: run `cln-graph oauth-rotate-key`")
        return KeySet([key])

    def get_audiences(self, client: PartnerClient, user: Any, scope: str) -> str:
        return self.audience

    def get_extra_claims(
        self, client: PartnerClient, grant_type: str, user: Any, scope: str
    ) -> dict[str, Any]:
        assert client.chosen is not None
        return {
            "nbf": int(time.time()),
            "cln_shas": client.granted_shas,
            "cln_agreement": client.chosen.id,
        }


class PartnerRevocationEndpoint(RevocationEndpoint):
    CLIENT_AUTH_METHODS = ENDPOINT_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> VerifiedToken | None:
        return _prepared.get().token

    def revoke_token(self, token: VerifiedToken, request: Any) -> None:
        _prepared.get().revoked.append(token)


class PartnerIntrospectionEndpoint(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ENDPOINT_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> VerifiedToken | None:
        return _prepared.get().token

    def check_permission(self, token: VerifiedToken, client: PartnerClient, request: Any) -> bool:
        return token.check_client(client)

    def introspect_token(self, token: VerifiedToken) -> dict[str, Any]:
        keys = ("scope", "client_id", "sub", "aud", "iss", "exp", "iat", "nbf", "jti", "cln_shas")
        return {
            "active": True,
            "token_type": "Bearer",
            **{k: token.claims[k] for k in keys if k in token.claims},
        }


class PartnerKeyAssertion(JWTBearerClientAssertion):
    """`private_key_jwt` (RFC 7523): a short-lived assertion signed with a key the
    client registered, each `jti` accepted once."""

    CLIENT_AUTH_METHOD = KEY_METHOD

    def __init__(self, audiences: list[str]) -> None:
        super().__init__(validate_jti=True, leeway=30)
        self.audiences = audiences

    def get_audiences(self) -> list[str]:
        return self.audiences

    def resolve_client_public_key(self, client: PartnerClient) -> KeySet:
        if not client.jwks:
            raise InvalidClientError(description="the client has registered no keys")
        return KeySet.import_key_set(client.jwks)  # type: ignore[arg-type]

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> Any:
        try:
            token = jwt.decode(assertion, resolve_key, algorithms=ASSERTION_ALGORITHMS)
        except JoseError:
            raise InvalidClientError(description="invalid client assertion") from None
        self.verify_claims(token.claims)
        return token.claims

    def verify_claims(self, claims: Any) -> None:
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp > time.time() + MAX_ASSERTION_LIFETIME_S:
            raise InvalidClientError(description="client assertion must expire within an hour")
        super().verify_claims(claims)

    def validate_jti(self, claims: Any, jti: Any) -> bool:
        client = _prepared.get().client
        if client is None or client.assertion_seen or not isinstance(jti, str):
            return False
        client.used_assertion = (jti, int(claims["exp"]))
        return True


class PartnerAuthorizationServer(AuthorizationServer):
    def __init__(self, *, issuer: str, audience: str, lifetime_s: int) -> None:
        super().__init__(scopes_supported=sorted(SCOPES))
        self.register_grant(PartnerCredentialsGrant)
        self.register_token_generator(
            "default",
            PartnerTokenGenerator(issuer=issuer, audience=audience, lifetime_s=lifetime_s),
        )
        self.register_endpoint(PartnerRevocationEndpoint)
        self.register_endpoint(PartnerIntrospectionEndpoint)
        base = issuer.rstrip("/")
        self.register_client_auth_method(
            KEY_METHOD, PartnerKeyAssertion([base + "/oauth/token", base])
        )

    def validate_requested_scope(self, scope: str | None) -> None:
        """Vocabulary checks live in the grant (they also accept `sha:` values)."""

    def query_client(self, client_id: str) -> PartnerClient | None:
        client = _prepared.get().client
        return client if client is not None and client.client_id == client_id else None

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        """JWT access tokens are self-contained: nothing to store."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def create_oauth2_request(self, request: FormRequest) -> FormRequest:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> tuple[int, Any, list[tuple[str, str]]]:
        return status, body, headers

    def run(self, prepared: Prepared, action: Any, *args: Any) -> Any:
        """Run a synchronous authlib call with this request's prepared state."""
        reset = _prepared.set(prepared)
        try:
            return action(*args)
        finally:
            _prepared.reset(reset)
