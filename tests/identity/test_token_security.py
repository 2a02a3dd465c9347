"""Every way a partner token or token request can be wrong fails closed.

Bad tokens are signed with the service's real key (read as the operator) and
differ from an accepted one in exactly one property, so each test shows that
that property alone is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import uuid
from typing import Any

import httpx
import pytest
from joserfc.jwk import ECKey

from clngraph.commands.identity import with_admin
from tests.identity.conftest import Partner, basic, request_token, sign
from tests.support import GraphQLClient

VIEWER = "{ viewer { kind readableShas } }"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
async def partner(make_partner: Any) -> Partner:
    return await make_partner(["directory:read"], ["Q31"])


@pytest.fixture
def claims(partner: Partner, settings: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": partner.client_id,
        "client_id": partner.client_id,
        "scope": "directory:read",
        "jti": uuid.uuid4().hex,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "cln_shas": ["Q31"],
        "cln_agreement": partner.agreement_id,
    }


@pytest.fixture
async def key(current_signing_key: Any) -> ECKey:
    found: ECKey = await current_signing_key()
    return found


async def refused(gql: GraphQLClient, token: str) -> httpx.Response:
    response = await gql.post(VIEWER, token=token)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith('Bearer realm="cln-graph"')
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    return response


async def test_control_a_well_formed_token_is_accepted(
    gql: GraphQLClient, key: ECKey, claims: dict[str, Any]
) -> None:
    data = await gql.data(VIEWER, token=sign(key, claims))
    assert data["viewer"] == {"kind": "partner", "readableShas": ["Q31"]}


async def test_alg_none_is_refused(gql: GraphQLClient, key: ECKey, claims: dict[str, Any]) -> None:
    header = {"alg": "none", "typ": "at+jwt", "kid": key.kid}
    token = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}."
    await refused(gql, token)


async def test_hs256_signed_with_the_public_key_is_refused(
    gql: GraphQLClient, key: ECKey, claims: dict[str, Any], http: httpx.AsyncClient
) -> None:
    public = json.dumps((await http.get("/.well-known/jwks.json")).json()["keys"][-1]).encode()
    header = {"alg": "HS256", "typ": "at+jwt", "kid": key.kid}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    mac = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    await refused(gql, f"{signing_input}.{b64(mac)}")


async def test_unknown_kid_is_refused(gql: GraphQLClient, claims: dict[str, Any]) -> None:
    stranger = ECKey.generate_key("P-256", parameters={"kid": "cln-unknown-key"}, private=True)
    response = await refused(gql, sign(stranger, claims))
    assert "unknown key" in response.headers["www-authenticate"]


async def test_tampered_signature_is_refused(
    gql: GraphQLClient, key: ECKey, claims: dict[str, Any]
) -> None:
    head, payload, signature = sign(key, claims).split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    await refused(gql, f"{head}.{payload}.{flipped}")


async def test_tampered_payload_is_refused(
    gql: GraphQLClient, key: ECKey, claims: dict[str, Any]
) -> None:
    head, _, signature = sign(key, claims).split(".")
    widened = b64(json.dumps(claims | {"cln_shas": ["Q31", "Q36"]}).encode())
    await refused(gql, f"{head}.{widened}.{signature}")


async def test_expired_token_is_refused(
    gql: GraphQLClient, key: ECKey, claims: dict[str, Any]
) -> None:
    past = int(time.time()) - 3600
    await refused(gql, sign(key, claims | {"iat": past - 900, "nbf": past - 900, "exp": past}))


async def test_not_yet_valid_token_is_refused(
    gql: GraphQLClient, key: ECKey, claims: dict[str, Any]
) -> None:
    await refused(gql, sign(key, claims | {"nbf": int(time.time()) + 3600}))


async def test_wrong_audience_is_refused(
    gql: GraphQLClient, key: ECKey, claims: dict[str, Any]
) -> None:
    await refused(gql, sign(key, claims | {"aud": "another-api"}))


async def test_wrong_issuer_is_refused(
    gql: GraphQLClient, key: ECKey, claims: dict[str, Any]
) -> None:
    await refused(gql, sign(key, claims | {"iss": "https://evil.example"}))


async def test_wrong_typ_is_refused(gql: GraphQLClient, key: ECKey, claims: dict[str, Any]) -> None:
    response = await refused(gql, sign(key, claims, typ="JWT"))
    assert "at+jwt" in response.headers["www-authenticate"]


async def test_revoked_jti_is_refused(
    gql: GraphQLClient, http: httpx.AsyncClient, partner: Partner, partner_token: Any
) -> None:
    token = await partner_token(partner)
    await gql.data(VIEWER, token=token)
    auth = basic(partner.client_id, partner.client_secret)
    assert (
        await http.post("/oauth/revoke", data={"token": token}, headers=auth)
    ).status_code == 200
    response = await refused(gql, token)
    assert "revoked" in response.headers["www-authenticate"]


async def test_expired_agreement_stops_issued_tokens_and_new_ones(
    gql: GraphQLClient,
    http: httpx.AsyncClient,
    partner: Partner,
    partner_token: Any,
    admin_url: str,
    settings: Any,
) -> None:
    token = await partner_token(partner)
    await gql.data(VIEWER, token=token)

    async def expire(db: Any) -> None:
        from sqlalchemy import text

        await db.rows(
            text(
                "UPDATE data_sharing_agreements SET valid_until = now() - interval '1 second'"
                " WHERE id = CAST(:id AS uuid)"
            ),
            {"id": partner.agreement_id},
        )

    await with_admin(admin_url, settings, expire)
    response = await refused(gql, token)
    assert "no longer in force" in response.headers["www-authenticate"]
    again = await request_token(http, partner)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_scope"


async def test_agreement_not_yet_started_grants_nothing(
    http: httpx.AsyncClient, make_partner: Any
) -> None:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    future = await make_partner(
        ["directory:read"], ["Q31"], valid_from=start, valid_until=start + dt.timedelta(days=1)
    )
    response = await request_token(http, future)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


async def test_scope_not_granted_is_refused(http: httpx.AsyncClient, partner: Partner) -> None:
    response = await request_token(http, partner, "directory:read escalator:read")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    unknown = await request_token(http, partner, "everything:admin")
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_scope"


async def test_sha_not_granted_is_refused(http: httpx.AsyncClient, partner: Partner) -> None:
    response = await request_token(http, partner, "directory:read sha:Q36")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    malformed = await request_token(http, partner, "sha:not-a-code")
    assert malformed.status_code == 400


async def test_repeated_bad_secrets_lock_the_client_out(
    http: httpx.AsyncClient, make_partner: Any, admin_url: str, settings: Any
) -> None:
    partner = await make_partner(["directory:read"], ["Q31"])
    wrong = Partner(partner.partner_id, partner.client_id, "not-the-secret", partner.agreement_id)
    for _ in range(3):  # the configured threshold
        response = await request_token(http, wrong)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"

    async def locked_until(db: Any) -> Any:
        from sqlalchemy import text

        rows = await db.rows(
            text("SELECT locked_until FROM partner_clients WHERE client_id = :c"),
            {"c": partner.client_id},
        )
        return rows[0].locked_until

    until = await with_admin(admin_url, settings, locked_until)
    assert until is not None
    locked = await request_token(http, partner)
    assert locked.status_code == 401, "the right secret must not work while locked"
    assert locked.json() == (await request_token(http, wrong)).json(), "no oracle while locked"
    assert await with_admin(admin_url, settings, locked_until) == until, "lock not extended"

    from resolvers.identity import service

    rotated = await with_admin(
        admin_url, settings, lambda db: service.rotate_client_secret(db, partner.client_id)
    )
    fresh = Partner(
        partner.partner_id, partner.client_id, rotated.client_secret, partner.agreement_id
    )
    assert (await request_token(http, fresh)).status_code == 200
    assert (await request_token(http, partner)).status_code == 401, "old secret stops at once"


async def test_a_success_resets_the_failure_count(
    http: httpx.AsyncClient, make_partner: Any
) -> None:
    partner = await make_partner(["directory:read"], ["Q31"])
    wrong = Partner(partner.partner_id, partner.client_id, "wrong", partner.agreement_id)
    for _ in range(2):
        assert (await request_token(http, wrong)).status_code == 401
    assert (await request_token(http, partner)).status_code == 200
    for _ in range(2):
        assert (await request_token(http, wrong)).status_code == 401
    assert (await request_token(http, partner)).status_code == 200


async def test_tokens_and_secrets_never_reach_the_logs(
    caplog: pytest.LogCaptureFixture,
    http: httpx.AsyncClient,
    gql: GraphQLClient,
    make_partner: Any,
    key: ECKey,
    claims: dict[str, Any],
) -> None:
    caplog.set_level(logging.DEBUG)
    partner = await make_partner(["directory:read"], ["Q31"])
    token = (await request_token(http, partner)).json()["access_token"]
    posted = (await request_token(http, partner, post=True)).json()["access_token"]
    await gql.data(VIEWER, token=token)
    auth = basic(partner.client_id, partner.client_secret)
    await http.post("/oauth/introspect", data={"token": token}, headers=auth)
    await http.post("/oauth/revoke", data={"token": token}, headers=auth)
    bad = sign(key, claims | {"aud": "x"})
    await gql.post(VIEWER, token=bad)
    await gql.post(VIEWER, token=token)
    wrong = Partner(
        partner.partner_id, partner.client_id, "wrong-secret-value", partner.agreement_id
    )
    await request_token(http, wrong)
    assert caplog.records, "the flow must have logged something to check"
    secrets = [token, posted, bad, partner.client_secret, "wrong-secret-value"]
    for secret in secrets:
        for part in {secret, secret.split(".")[-1]}:
            assert part not in caplog.text
            for record in caplog.records:
                assert part not in json.dumps(record.__dict__, default=str)
