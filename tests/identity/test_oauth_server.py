"""The authorization server over real HTTP: token endpoint, RFC 9068 claims,
metadata, JWKS, introspection and revocation."""

from __future__ import annotations

import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.identity.conftest import basic, request_token
from tests.support import GraphQLClient

VIEWER = "{ viewer { kind subject readableShas writableShas } }"


async def test_client_secret_basic_issues_rfc9068_token(
    http: httpx.AsyncClient, make_partner: Any, settings: Any
) -> None:
    partner = await make_partner(["directory:read", "escalator:read"], ["Q31", "Q36"])
    response = await request_token(http, partner)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["scope"] == "directory:read escalator:read"
    jwks = KeySet.import_key_set((await http.get("/.well-known/jwks.json")).json())
    token = jwt.decode(body["access_token"], jwks, algorithms=["ES256"])
    assert token.header["typ"] == "at+jwt"
    assert token.header["kid"] in {k.kid for k in jwks}
    claims = token.claims
    assert claims["iss"] == settings.issuer
    assert claims["aud"] == settings.audience
    assert claims["sub"] == claims["client_id"] == partner.client_id
    assert claims["scope"] == "directory:read escalator:read"
    assert claims["cln_shas"] == ["Q31", "Q36"]
    assert claims["exp"] - claims["iat"] == 900
    assert len(claims["jti"]) >= 16


async def test_client_secret_post_and_narrowed_scope(
    http: httpx.AsyncClient, make_partner: Any, gql: GraphQLClient
) -> None:
    partner = await make_partner(["directory:read", "escalator:read"], ["Q31", "Q36"])
    response = await request_token(http, partner, "directory:read sha:Q36", post=True)
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "directory:read"
    body = await gql.data(VIEWER, token=response.json()["access_token"])
    assert body["viewer"] == {
        "kind": "partner",
        "subject": partner.client_id,
        "readableShas": ["Q36"],
        "writableShas": [],
    }


async def test_metadata_and_jwks(http: httpx.AsyncClient, settings: Any) -> None:
    meta = (await http.get("/.well-known/oauth-authorization-server")).json()
    assert meta["issuer"] == settings.issuer
    assert meta["token_endpoint"] == settings.issuer + "/oauth/token"
    assert meta["jwks_uri"] == settings.issuer + "/.well-known/jwks.json"
    assert meta["grant_types_supported"] == ["client_credentials"]
    assert set(meta["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
    }
    assert "directory:read" in meta["scopes_supported"]
    keys = (await http.get("/.well-known/jwks.json")).json()["keys"]
    assert keys and all(k["kty"] == "EC" and "d" not in k and k["kid"] for k in keys)


async def test_introspection_reports_active_then_inactive_after_revocation(
    http: httpx.AsyncClient, make_partner: Any, partner_token: Any, gql: GraphQLClient
) -> None:
    partner = await make_partner(["directory:read"], ["Q31"])
    token = await partner_token(partner)
    auth = basic(partner.client_id, partner.client_secret)
    active = (await http.post("/oauth/introspect", data={"token": token}, headers=auth)).json()
    assert active["active"] is True
    assert active["client_id"] == partner.client_id
    assert active["scope"] == "directory:read"
    assert active["exp"] > time.time()

    assert (await gql.post(VIEWER, token=token)).status_code == 200
    revoked = await http.post("/oauth/revoke", data={"token": token}, headers=auth)
    assert revoked.status_code == 200
    after = (await http.post("/oauth/introspect", data={"token": token}, headers=auth)).json()
    assert after == {"active": False}
    refused = await gql.post(VIEWER, token=token)
    assert refused.status_code == 401
    assert "revoked" in refused.headers["www-authenticate"]


async def test_a_client_cannot_introspect_or_revoke_another_clients_token(
    http: httpx.AsyncClient, make_partner: Any, partner_token: Any, gql: GraphQLClient
) -> None:
    owner = await make_partner(["directory:read"], ["Q31"])
    other = await make_partner(["directory:read"], ["Q31"])
    token = await partner_token(owner)
    auth = basic(other.client_id, other.client_secret)
    seen = (await http.post("/oauth/introspect", data={"token": token}, headers=auth)).json()
    assert seen == {"active": False}
    refused = await http.post("/oauth/revoke", data={"token": token}, headers=auth)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert (await gql.post(VIEWER, token=token)).status_code == 200


async def test_unsupported_grant_and_bad_content_type(
    http: httpx.AsyncClient, make_partner: Any
) -> None:
    partner = await make_partner(["directory:read"], ["Q31"])
    auth = basic(partner.client_id, partner.client_secret)
    wrong = await http.post("/oauth/token", data={"grant_type": "password"}, headers=auth)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "unsupported_grant_type"
    as_json = await http.post(
        "/oauth/token", json={"grant_type": "client_credentials"}, headers=auth
    )
    assert as_json.status_code == 400
    assert as_json.json()["error"] == "invalid_request"
