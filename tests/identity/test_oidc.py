"""Staff tokens from a real OIDC server (oauth2-mock-server from npm, started by
the tests): verification against its JWKS, CIS2-style claim mapping, key rotation
picked up without a restart, and a floor on JWKS refetches."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette

from clngraph.commands.identity import with_admin
from tests.factories import create_organisation
from tests.identity.conftest import OidcServer, staff_token
from tests.support import GraphQLClient

VIEWER = "{ viewer { kind subject roles homeSha readableShas } }"


def cis2(uid: str, org_code: str, role_code: str) -> dict[str, Any]:
    return {
        "uid": uid,
        "nhsid_nrbac_roles": [{"person_roleid": "1", "org_code": org_code, "role_code": role_code}],
    }


@pytest.fixture
async def q31_org(gql: GraphQLClient) -> dict[str, Any]:
    return await create_organisation(gql, "Q31")


async def test_member_of_an_organisation_reaches_its_sha(
    gql: GraphQLClient, oidc_server: OidcServer, q31_org: dict[str, Any]
) -> None:
    token = await staff_token(oidc_server, cis2("555000111", q31_org["code"], "R8000"))
    data = await gql.data(VIEWER, token=token)
    assert data["viewer"] == {
        "kind": "user",
        "subject": f"{oidc_server.issuer}#555000111",
        "roles": ["member"],
        "homeSha": "Q31",
        "readableShas": ["Q31"],
    }
    members = await gql.data("{ members(first: 3) { edges { node { shaCode } } } }", token=token)
    assert {e["node"]["shaCode"] for e in members["members"]["edges"]} == {"Q31"}


async def test_role_claim_maps_to_sha_admin_and_national_lead(
    gql: GraphQLClient, oidc_server: OidcServer, q31_org: dict[str, Any]
) -> None:
    admin = await staff_token(oidc_server, cis2("1", q31_org["code"], "R8002"))
    viewer = (await gql.data(VIEWER, token=admin))["viewer"]
    assert viewer["roles"] == ["member", "sha_admin"]
    national = await staff_token(oidc_server, cis2("2", "X26", "R9000"))
    viewer = (await gql.data(VIEWER, token=national))["viewer"]
    assert viewer["roles"] == ["national_lead"]
    assert viewer["homeSha"] is None
    assert len(viewer["readableShas"]) >= 9


async def test_an_sha_code_as_organisation_maps_to_that_sha(
    gql: GraphQLClient, oidc_server: OidcServer
) -> None:
    token = await staff_token(oidc_server, cis2("3", "Q36", "R8001"))
    viewer = (await gql.data(VIEWER, token=token))["viewer"]
    assert viewer["homeSha"] == "Q36"
    assert viewer["roles"] == ["member", "moderator"]


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (cis2("4", "ZZZ99", "R8000"), "unknown organisation"),
        (cis2("5", "Q31", "R1234"), "no role"),
        ({"uid": "6"}, "no role"),
        (
            {
                "uid": "7",
                "nhsid_nrbac_roles": [
                    {"org_code": "Q31", "role_code": "R8000"},
                    {"org_code": "Q36", "role_code": "R8000"},
                ],
            },
            "several SHAs",
        ),
    ],
)
async def test_unmappable_staff_tokens_are_refused(
    gql: GraphQLClient, oidc_server: OidcServer, claims: dict[str, Any], reason: str
) -> None:
    token = await staff_token(oidc_server, claims)
    response = await gql.post(VIEWER, token=token)
    assert response.status_code == 401
    assert reason in response.headers["www-authenticate"]


async def test_wrong_audience_from_the_staff_issuer_is_refused(
    gql: GraphQLClient, oidc_server: OidcServer
) -> None:
    token = await staff_token(oidc_server, cis2("8", "Q31", "R8000"), audience="other-api")
    assert (await gql.post(VIEWER, token=token)).status_code == 401


async def test_token_signed_by_another_key_claiming_the_issuer_is_refused(
    gql: GraphQLClient, oidc_server: OidcServer, current_signing_key: Any, settings: Any
) -> None:
    """A token that names the staff issuer but is signed with some other key."""
    from joserfc import jwt

    key = await current_signing_key()
    claims = {"iss": oidc_server.issuer, "aud": "cln-graph-staff", "exp": 9999999999}
    forged = jwt.encode({"alg": "ES256", "kid": key.kid}, claims | cis2("9", "Q31", "R8000"), key)
    response = await gql.post(VIEWER, token=forged)
    assert response.status_code == 401


async def test_issuer_key_rotation_is_picked_up_with_a_floor_on_refetches(
    app: Starlette, gql: GraphQLClient, oidc_server: OidcServer, q31_org: dict[str, Any]
) -> None:
    staff = app.state.cln.extras["identity"].staff[oidc_server.issuer]
    token = await staff_token(oidc_server, cis2("10", q31_org["code"], "R8000"))
    await gql.data(VIEWER, token=token)
    new_kid = oidc_server.rotate()
    # The mock server signs round-robin over its keys: find a token from the new one.
    for _ in range(4):
        token = await staff_token(oidc_server, cis2("10", q31_org["code"], "R8000"))
        header = json.loads(httpx_b64(token.split(".")[0]))
        if header["kid"] == new_kid:
            break
    assert header["kid"] == new_kid
    before = staff.jwks.fetches
    clock = staff.jwks.clock  # the cache's own clock, moved past the floor and stopped
    later = clock() + staff.jwks.min_refresh_s
    staff.jwks.clock = lambda: later
    try:
        await gql.data(VIEWER, token=token)
        assert staff.jwks.fetches == before + 1, "an unknown kid triggers one refetch"

        from joserfc import jwt
        from joserfc.jwk import ECKey

        stranger = ECKey.generate_key("P-256", parameters={"kid": "never-published"}, private=True)
        claims = {"iss": oidc_server.issuer, "aud": "cln-graph-staff", "exp": 9999999999}
        for _ in range(3):
            invented = jwt.encode({"alg": "ES256", "kid": "never-published"}, claims, stranger)
            assert (await gql.post(VIEWER, token=invented)).status_code == 401
        assert staff.jwks.fetches == before + 1, "within the floor, unknown kids fetch nothing"
    finally:
        staff.jwks.clock = clock


def httpx_b64(segment: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


async def test_dev_tokens_still_work_alongside(gql: GraphQLClient) -> None:
    data = await gql.data(VIEWER, as_role=("member", "Q32"))
    assert data["viewer"]["homeSha"] == "Q32"


async def test_definer_lookup_is_the_only_cross_sha_path(admin_url: str, settings: Any) -> None:
    """The API role learns which SHA holds an ODS code, and nothing else of organisations."""

    async def check(db: Any) -> tuple[str, str, list[str], int]:
        row = (
            await db.rows(
                text(
                    "SELECT code, min(sha_code) AS sha FROM organisations"
                    " GROUP BY code HAVING count(*) = 1 LIMIT 1"
                )
            )
        )[0]
        await db.rows(text(f"SET LOCAL ROLE {settings.api_role}"))
        found = await db.rows(text("SELECT sha_codes_for_org(:code)"), {"code": row.code.lower()})
        visible = await db.rows(text("SELECT count(*) FROM organisations"))
        return row.code, row.sha, list(found[0][0]), int(visible[0][0])

    code, sha, found, visible = await with_admin(admin_url, settings, check)
    assert found == [sha], f"{code} is held by {sha} only"
    assert visible == 0, "without a tenant context the API role sees no organisation"


async def test_discovery_names_the_jwks(oidc_server: OidcServer) -> None:
    async with httpx.AsyncClient() as client:
        doc = (await client.get(oidc_server.issuer + "/.well-known/openid-configuration")).json()
    assert doc["issuer"] == oidc_server.issuer
    assert doc["jwks_uri"].startswith(oidc_server.issuer)
