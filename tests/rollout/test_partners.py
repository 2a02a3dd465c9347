"""Partners see national aggregates only with the aggregate scope, only for granted SHAs,
and their reads across regions are recorded."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from auth.authenticator import ChainAuthenticator
from clngraph.app import create_app
from resolvers.national.permissions import AGGREGATE_SCOPE
from tests.rollout.partner_tokens import PartnerTokenAuthenticator, issue_partner_token
from tests.rollout.queries import DASHBOARD
from tests.support import GraphQLClient, error_codes


@pytest.fixture
async def partner_http(
    admin_url: str, settings: Any, signing_key: Any
) -> AsyncIterator[httpx.AsyncClient]:
    authenticator = ChainAuthenticator(
        PartnerTokenAuthenticator(signing_key, issuer=settings.issuer, audience=settings.audience)
    )
    app = create_app(settings, admin_url=admin_url, authenticator=authenticator)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def _token(settings: Any, key: Any, client_id: str, scopes: list[str], shas: list[str]) -> str:
    return issue_partner_token(
        key,
        issuer=settings.issuer,
        audience=settings.audience,
        client_id=client_id,
        scopes=scopes,
        shas=shas,
    )


async def test_partner_aggregates_follow_the_agreement(
    partner_http: httpx.AsyncClient, settings: Any, signing_key: Any, gql: GraphQLClient
) -> None:
    client_id = f"nhsi-{uuid.uuid4().hex[:6]}"
    token = _token(settings, signing_key, client_id, [AGGREGATE_SCOPE], ["Q31", "Q36"])
    partner = GraphQLClient(partner_http, None)
    data = await partner.data(DASHBOARD, {"shas": None}, token=token)
    board = data["nationalDashboard"]
    assert board["shaCodes"] == ["Q31", "Q36"]
    assert {r["shaCode"] for r in board["membersByProfession"]} <= {"Q31", "Q36"}
    narrowed = await partner.data(DASHBOARD, {"shas": ["Q36"]}, token=token)
    assert narrowed["nationalDashboard"]["shaCodes"] == ["Q36"]
    outside = await partner(DASHBOARD, {"shas": ["Q32"]}, token=token)
    assert error_codes(outside) == ["FORBIDDEN"]

    no_scope = _token(settings, signing_key, client_id, ["directory:read"], ["Q31", "Q36"])
    assert error_codes(await partner(DASHBOARD, {"shas": None}, token=no_scope)) == ["FORBIDDEN"]

    reads = await gql.data(
        "query($actor: String) { crossRegionReads(actor: $actor) {"
        " nodes { principalKind shas rootFields } } }",
        {"actor": f"partner:{client_id}"},
        as_role=("platform_admin", None),
    )
    nodes = reads["crossRegionReads"]["nodes"]
    assert [(n["principalKind"], n["shas"]) for n in nodes] == [
        ("partner", ["Q36"]),
        ("partner", ["Q31", "Q36"]),
    ]
