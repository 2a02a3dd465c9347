"""`private_key_jwt` client authentication (RFC 7523): assertions signed by authlib's
own client-side signer with a key the client registered; each accepted once."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from authlib.oauth2.rfc7523 import private_key_jwt_sign
from joserfc import jwt
from joserfc.jwk import ECKey

from tests.identity.conftest import Partner
from tests.support import GraphQLClient

SET_KEYS = """
mutation($clientId: String!, $jwks: String!) {
  setPartnerClientKeys(clientId: $clientId, jwks: $jwks) {
    __typename
    ... on PartnerClientKeysPayload { clientId kids }
    ... on ValidationError { fields { field message } }
  }
}"""
ADMIN = ("platform_admin", None)
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture
def client_key() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": "partner-key-1"}, private=True)


@pytest.fixture
async def keyed_partner(make_partner: Any, gql: GraphQLClient, client_key: ECKey) -> Partner:
    partner: Partner = await make_partner(["directory:read"], ["Q31"])
    jwks = json.dumps({"keys": [client_key.as_dict(private=False)]})
    data = await gql.data(SET_KEYS, {"clientId": partner.client_id, "jwks": jwks}, as_role=ADMIN)
    assert data["setPartnerClientKeys"]["kids"] == ["partner-key-1"]
    return partner


def assertion(key: ECKey, client_id: str, settings: Any, **kwargs: Any) -> str:
    signed = private_key_jwt_sign(
        key,
        client_id=client_id,
        token_endpoint=settings.issuer + "/oauth/token",
        alg="ES256",
        **kwargs,
    )
    return signed.decode() if isinstance(signed, bytes) else str(signed)


async def post(http: httpx.AsyncClient, signed: str) -> httpx.Response:
    return await http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": signed,
        },
    )


async def test_assertion_gets_a_token_once(
    http: httpx.AsyncClient,
    keyed_partner: Partner,
    client_key: ECKey,
    settings: Any,
    gql: GraphQLClient,
) -> None:
    signed = assertion(client_key, keyed_partner.client_id, settings)
    first = await post(http, signed)
    assert first.status_code == 200, first.text
    token = first.json()["access_token"]
    assert (await gql.data("{ viewer { kind } }", token=token))["viewer"]["kind"] == "partner"
    replay = await post(http, signed)
    assert replay.status_code in (400, 401)
    assert replay.json()["error"] == "invalid_client"


async def test_assertion_signed_by_another_key_is_refused(
    http: httpx.AsyncClient, keyed_partner: Partner, settings: Any
) -> None:
    other = ECKey.generate_key("P-256", parameters={"kid": "partner-key-1"}, private=True)
    response = await post(http, assertion(other, keyed_partner.client_id, settings))
    assert response.json()["error"] == "invalid_client"


async def test_assertion_for_another_audience_is_refused(
    http: httpx.AsyncClient, keyed_partner: Partner, client_key: ECKey
) -> None:
    signed = private_key_jwt_sign(
        client_key,
        client_id=keyed_partner.client_id,
        token_endpoint="https://elsewhere.example/token",
        alg="ES256",
    )
    response = await post(http, signed.decode() if isinstance(signed, bytes) else signed)
    assert response.json()["error"] == "invalid_client"


async def test_long_lived_assertion_is_refused(
    http: httpx.AsyncClient, keyed_partner: Partner, client_key: ECKey, settings: Any
) -> None:
    now = int(time.time())
    claims = {
        "iss": keyed_partner.client_id,
        "sub": keyed_partner.client_id,
        "aud": settings.issuer + "/oauth/token",
        "iat": now,
        "exp": now + 86400,
        "jti": "long-lived-assertion",
    }
    signed = jwt.encode({"alg": "ES256", "kid": client_key.kid}, claims, client_key)
    response = await post(http, signed)
    assert response.json()["error"] == "invalid_client"


async def test_client_without_registered_keys_cannot_use_assertions(
    http: httpx.AsyncClient, make_partner: Any, client_key: ECKey, settings: Any
) -> None:
    partner = await make_partner(["directory:read"], ["Q31"])
    response = await post(http, assertion(client_key, partner.client_id, settings))
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "jwks",
    [
        "not json",
        json.dumps({"keys": []}),
        json.dumps({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "x"}]}),
        "private",
        "no-kid",
    ],
)
async def test_bad_key_sets_are_refused(
    gql: GraphQLClient, make_partner: Any, client_key: ECKey, jwks: str
) -> None:
    partner = await make_partner(["directory:read"], ["Q31"])
    if jwks == "private":
        jwks = json.dumps({"keys": [client_key.as_dict(private=True)]})
    elif jwks == "no-kid":
        public = client_key.as_dict(private=False)
        public.pop("kid")
        jwks = json.dumps({"keys": [public]})
    data = await gql.data(SET_KEYS, {"clientId": partner.client_id, "jwks": jwks}, as_role=ADMIN)
    assert data["setPartnerClientKeys"]["__typename"] == "ValidationError"
