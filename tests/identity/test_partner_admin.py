"""Managing partners, clients and agreements: platform administrators only, every
change audited, secrets shown once and stored hashed; the CLI does the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from clngraph.commands.identity import with_admin
from foundation.settings import PROJECT_ROOT
from tests.identity.conftest import Partner, request_token
from tests.support import GraphQLClient, error_codes

CREATE_PARTNER = """
mutation($input: CreatePartnerOrganisationInput!) {
  createPartnerOrganisation(input: $input) {
    __typename
    ... on PartnerOrganisationPayload { partner { id name kind } }
    ... on UserError { code message }
    ... on ValidationError { fields { field message } }
  }
}"""
CREATE_CLIENT = """
mutation($input: CreatePartnerClientInput!) {
  createPartnerClient(input: $input) {
    __typename
    ... on PartnerClientCredentialsPayload { credentials { clientId clientSecret partnerId } }
    ... on UserError { code message }
  }
}"""
CREATE_AGREEMENT = """
mutation($input: CreateDataSharingAgreementInput!) {
  createDataSharingAgreement(input: $input) {
    __typename
    ... on DataSharingAgreementPayload { agreement { id scopes shaCodes validUntil withdrawnAt } }
    ... on UserError { code message }
    ... on ValidationError { fields { field message } }
  }
}"""
WITHDRAW = """
mutation($id: ID!) {
  withdrawDataSharingAgreement(id: $id) {
    __typename
    ... on DataSharingAgreementPayload { agreement { id withdrawnAt } }
    ... on UserError { code message }
  }
}"""
ROTATE = """
mutation($clientId: String!) {
  rotatePartnerClientSecret(clientId: $clientId) {
    __typename
    ... on PartnerClientCredentialsPayload { credentials { clientId clientSecret } }
    ... on UserError { code message }
  }
}"""
DISABLE = """
mutation($clientId: String!) {
  disablePartnerClient(clientId: $clientId) {
    __typename
    ... on PartnerClientDisabledPayload { clientId }
    ... on UserError { code message }
  }
}"""
ADMIN = ("platform_admin", None)


async def audit_rows(admin_url: str, settings: Any, entity_id: str) -> list[Any]:
    async def read(db: Any) -> list[Any]:
        return list(
            await db.rows(
                text(
                    "SELECT actor, action, detail FROM platform_audit_log"
                    " WHERE entity_id = :id ORDER BY occurred_at"
                ),
                {"id": entity_id},
            )
        )

    return await with_admin(admin_url, settings, read)


async def register_partner(gql: GraphQLClient) -> Partner:
    name = f"Royal College {os.urandom(4).hex()}"
    data = await gql.data(
        CREATE_PARTNER, {"input": {"name": name, "kind": "ROYAL_COLLEGE"}}, as_role=ADMIN
    )
    partner_id = data["createPartnerOrganisation"]["partner"]["id"]
    data = await gql.data(
        CREATE_CLIENT, {"input": {"partnerId": partner_id, "name": "reports"}}, as_role=ADMIN
    )
    creds = data["createPartnerClient"]["credentials"]
    data = await gql.data(
        CREATE_AGREEMENT,
        {
            "input": {
                "partnerId": partner_id,
                "reference": "DSA-2009-01",
                "scopes": ["directory:read"],
                "shaCodes": ["Q31"],
                "validFrom": "2020-01-01T00:00:00Z",
                "validUntil": "2099-01-01T00:00:00Z",
            }
        },
        as_role=ADMIN,
    )
    agreement = data["createDataSharingAgreement"]["agreement"]
    return Partner(partner_id, creds["clientId"], creds["clientSecret"], agreement["id"])


async def test_platform_admin_registers_a_partner_that_can_get_tokens(
    gql: GraphQLClient, http: httpx.AsyncClient, admin_url: str, settings: Any
) -> None:
    partner = await register_partner(gql)
    response = await request_token(http, partner)
    assert response.status_code == 200, response.text

    async def stored(db: Any) -> str:
        rows = await db.rows(
            text("SELECT secret_hash FROM partner_clients WHERE client_id = :c"),
            {"c": partner.client_id},
        )
        return str(rows[0].secret_hash)

    secret_hash = await with_admin(admin_url, settings, stored)
    assert partner.client_secret not in secret_hash
    assert secret_hash.startswith("sha256$")
    audit = await audit_rows(admin_url, settings, partner.client_id)
    assert [(r.action, r.actor.startswith("user:")) for r in audit] == [("client.create", True)]
    assert partner.client_secret not in json.dumps([dict(r._mapping) for r in audit], default=str)
    assert await audit_rows(admin_url, settings, partner.partner_id)
    assert await audit_rows(admin_url, settings, partner.agreement_id)


async def test_withdrawing_an_agreement_stops_issued_tokens_at_once(
    gql: GraphQLClient, http: httpx.AsyncClient, admin_url: str, settings: Any
) -> None:
    partner = await register_partner(gql)
    token = (await request_token(http, partner)).json()["access_token"]
    assert (await gql.post("{ viewer { kind } }", token=token)).status_code == 200
    data = await gql.data(WITHDRAW, {"id": partner.agreement_id}, as_role=ADMIN)
    assert data["withdrawDataSharingAgreement"]["agreement"]["withdrawnAt"]
    assert (await gql.post("{ viewer { kind } }", token=token)).status_code == 401
    again = await gql.data(WITHDRAW, {"id": partner.agreement_id}, as_role=ADMIN)
    assert again["withdrawDataSharingAgreement"]["__typename"] == "NotFoundError"
    actions = [r.action for r in await audit_rows(admin_url, settings, partner.agreement_id)]
    assert actions == ["agreement.create", "agreement.withdraw"]


async def test_rotating_and_disabling_a_client(gql: GraphQLClient, http: httpx.AsyncClient) -> None:
    partner = await register_partner(gql)
    token = (await request_token(http, partner)).json()["access_token"]
    data = await gql.data(ROTATE, {"clientId": partner.client_id}, as_role=ADMIN)
    new_secret = data["rotatePartnerClientSecret"]["credentials"]["clientSecret"]
    assert new_secret != partner.client_secret
    assert (await request_token(http, partner)).status_code == 401
    rotated = Partner(partner.partner_id, partner.client_id, new_secret, partner.agreement_id)
    assert (await request_token(http, rotated)).status_code == 200
    data = await gql.data(DISABLE, {"clientId": partner.client_id}, as_role=ADMIN)
    assert data["disablePartnerClient"]["clientId"] == partner.client_id
    assert (await request_token(http, rotated)).status_code == 401
    refused = await gql.post("{ viewer { kind } }", token=token)
    assert refused.status_code == 401
    assert "the client of this token is disabled" in refused.headers["www-authenticate"]


@pytest.mark.parametrize("role", [("national_lead", None), ("sha_admin", "Q31"), ("member", "Q31")])
async def test_only_platform_admins_may_manage_partners(
    gql: GraphQLClient, role: tuple[str, str | None], admin_url: str, settings: Any
) -> None:
    body = await gql(CREATE_PARTNER, {"input": {"name": "Sneaky", "kind": "OTHER"}}, as_role=role)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None

    async def count(db: Any) -> int:
        rows = await db.rows(
            text("SELECT count(*) FROM partner_organisations WHERE name = 'Sneaky'")
        )
        return int(rows[0][0])

    assert await with_admin(admin_url, settings, count) == 0


async def test_anonymous_and_partner_callers_are_refused(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    body = await gql(CREATE_PARTNER, {"input": {"name": "Anon", "kind": "OTHER"}})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    partner = await register_partner(gql)
    token = (await request_token(http, partner)).json()["access_token"]
    body = await gql(CREATE_PARTNER, {"input": {"name": "Self", "kind": "OTHER"}}, token=token)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_invalid_agreements_are_typed_errors_and_write_nothing(
    gql: GraphQLClient, admin_url: str, settings: Any
) -> None:
    partner = await register_partner(gql)
    base = {
        "partnerId": partner.partner_id,
        "reference": "DSA-bad",
        "scopes": ["directory:read"],
        "shaCodes": ["Q31"],
        "validFrom": "2020-01-01T00:00:00Z",
        "validUntil": "2099-01-01T00:00:00Z",
    }
    cases = [
        ({"scopes": ["root:all"]}, "ValidationError"),
        ({"shaCodes": ["Q99"]}, "ValidationError"),
        ({"shaCodes": ["nope"]}, "ValidationError"),
        ({"validUntil": "2019-01-01T00:00:00Z"}, "ValidationError"),
        ({"reference": "DSA-2009-01"}, "ConflictError"),
        ({"partnerId": "00000000-0000-0000-0000-000000000000"}, "NotFoundError"),
        ({"partnerId": "not-an-id"}, "ValidationError"),
    ]
    for change, typename in cases:
        data = await gql.data(CREATE_AGREEMENT, {"input": base | change}, as_role=ADMIN)
        assert data["createDataSharingAgreement"]["__typename"] == typename, change

    async def count(db: Any) -> int:
        rows = await db.rows(
            text(
                "SELECT count(*) FROM data_sharing_agreements WHERE partner_id = CAST(:p AS uuid)"
            ),
            {"p": partner.partner_id},
        )
        return int(rows[0][0])

    assert await with_admin(admin_url, settings, count) == 1
    duplicate = await gql.data(
        CREATE_PARTNER, {"input": {"name": "  ", "kind": "OTHER"}}, as_role=ADMIN
    )
    assert duplicate["createPartnerOrganisation"]["__typename"] == "ValidationError"


def run_cli(admin_url: str, settings: Any, *args: str) -> Any:
    env = dict(os.environ)
    env |= {
        "DATABASE_URL": admin_url,
        "CLN_DB_SCHEMA": settings.db_schema,
        "CLN_DATA_DIR": str(settings.data_dir),
    }
    done = subprocess.run(
        [sys.executable, "-m", "clngraph.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)


async def test_cli_registers_a_partner_end_to_end(
    admin_url: str, settings: Any, http: httpx.AsyncClient
) -> None:
    partner = run_cli(
        admin_url,
        settings,
        "partner-create",
        "--name",
        f"NHS Institute {os.urandom(3).hex()}",
        "--kind",
        "NHS_BODY",
    )
    client = run_cli(
        admin_url, settings, "partner-client-create", "--partner", partner["id"], "--name", "etl"
    )
    agreement = run_cli(
        admin_url,
        settings,
        "agreement-create",
        "--partner",
        partner["id"],
        "--reference",
        "DSA-CLI",
        "--scopes",
        "directory:read,national:read",
        "--shas",
        "Q31,Q32",
        "--valid-from",
        "2020-01-01",
        "--valid-until",
        "2099-01-01",
    )
    assert agreement["sha_codes"] == ["Q31", "Q32"]
    creds = Partner(partner["id"], client["client_id"], client["client_secret"], agreement["id"])
    assert (await request_token(http, creds)).status_code == 200
    run_cli(admin_url, settings, "agreement-withdraw", "--id", agreement["id"])
    assert (await request_token(http, creds)).status_code == 400
    audit = await audit_rows(admin_url, settings, agreement["id"])
    assert [r.action for r in audit] == ["agreement.create", "agreement.withdraw"]
    assert all(r.actor.startswith("cli:") for r in audit)
