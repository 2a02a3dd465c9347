"""Error reasons that are true: a refused token's `WWW-Authenticate` names why, for
development, partner and staff (OIDC) tokens alike; an expired token says expired."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from foundation.settings import Settings
from tests.identity.conftest import OidcServer, sign, staff_token
from tests.support import GraphQLClient

VIEWER = "{ viewer { subject } }"


async def reason(gql: GraphQLClient, token: str) -> str:
    response = await gql.post(VIEWER, token=token)
    assert response.status_code == 401, response.text
    header = response.headers["www-authenticate"]
    assert 'error="invalid_token"' in header
    return str(response.json()["errors"][0]["message"])


async def test_an_expired_development_token_says_expired(
    gql: GraphQLClient, make_token: Any
) -> None:
    token = make_token("member", "Q31", lifetime_s=-60)  # past the 30 s leeway
    assert await reason(gql, token) == "token expired"


async def test_a_development_token_for_another_audience_says_so(
    gql: GraphQLClient, make_token: Any
) -> None:
    token = make_token("member", "Q31", extra={"aud": "someone-else"})
    assert await reason(gql, token) == "token for another audience"


async def test_an_expired_partner_token_says_expired(
    gql: GraphQLClient, make_partner: Any, current_signing_key: Any, settings: Settings
) -> None:
    partner = await make_partner(["directory:read"], ["Q31"])
    key = await current_signing_key()
    now = int(time.time())
    claims = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": partner.client_id,
        "client_id": partner.client_id,
        "scope": "directory:read",
        "cln_shas": ["Q31"],
        "cln_agreement": partner.agreement_id,
        "jti": uuid.uuid4().hex,
        "iat": now - 600,
        "exp": now - 120,
    }
    assert await reason(gql, sign(key, claims)) == "token expired"
    claims |= {"exp": now + 600, "nbf": now + 300}
    assert await reason(gql, sign(key, claims)) == "token not yet valid"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"exp": int(time.time()) - 3600}, "token expired"),
        ({"nbf": int(time.time()) + 3600}, "token not yet valid"),
    ],
    ids=["expired", "not-yet-valid"],
)
async def test_oidc_refusals_name_the_reason(
    gql: GraphQLClient, oidc_server: OidcServer, claims: dict[str, Any], expected: str
) -> None:
    staff = {
        "uid": "reason-1",
        "nhsid_nrbac_roles": [{"org_code": "Q31", "role_code": "R8000"}],
    }
    token = await staff_token(oidc_server, staff | claims)
    assert await reason(gql, token) == expected


async def test_an_oidc_token_for_another_audience_says_so(
    gql: GraphQLClient, oidc_server: OidcServer
) -> None:
    staff = {"uid": "reason-2", "nhsid_nrbac_roles": [{"org_code": "Q31", "role_code": "R8000"}]}
    token = await staff_token(oidc_server, staff, audience="other-api")
    assert await reason(gql, token) == "token for another audience"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("revoke", "token revoked"),
        ("withdraw", "the agreement behind this token is no longer in force"),
        ("disable", "the client of this token is disabled"),
    ],
)
async def test_a_partner_token_that_stopped_holding_says_why(
    gql: GraphQLClient,
    http: Any,
    make_partner: Any,
    partner_token: Any,
    admin_url: str,
    settings: Settings,
    change: str,
    expected: str,
) -> None:
    from clngraph.commands.identity import with_admin
    from resolvers.identity import service
    from tests.identity.conftest import basic

    partner = await make_partner(["directory:read"], ["Q31"])
    token = await partner_token(partner)
    assert (await gql.post(VIEWER, token=token)).status_code == 200
    if change == "revoke":
        revoked = await http.post(
            "/oauth/revoke",
            data={"token": token},
            headers=basic(partner.client_id, partner.client_secret),
        )
        assert revoked.status_code == 200
    elif change == "withdraw":
        await with_admin(
            admin_url, settings, lambda db: service.withdraw_agreement(db, partner.agreement_id)
        )
    else:
        await with_admin(
            admin_url, settings, lambda db: service.disable_client(db, partner.client_id)
        )
    assert await reason(gql, token) == expected
