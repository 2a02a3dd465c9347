"""Directory writes: typed validation errors, atomicity, audit."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from foundation.settings import Settings
from tests.factories import CREATE_MEMBER, CREATE_ORG, create_member, create_organisation
from tests.support import GraphQLClient, error_codes

UPDATE_MEMBER = """
mutation($input: UpdateMemberInput!) {
  updateMember(input: $input) {
    __typename
    ... on MemberPayload { member { id givenName profession registration { body number } roles } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

UPDATE_ORG = """
mutation($input: UpdateOrganisationInput!) {
  updateOrganisation(input: $input) {
    __typename
    ... on OrganisationPayload { organisation { id code name type } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""


async def audit_rows(admin_url: str, settings: Settings, entity_id: str) -> list[Any]:
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        return list(
            await conn.fetch(
                "SELECT sha_code, actor, action, request_id FROM audit_log WHERE entity_id = $1"
                " ORDER BY occurred_at",
                entity_id,
            )
        )
    finally:
        await conn.close()


def raw_key(global_id: str) -> str:
    import base64

    return base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().split(":")[2]


@pytest.mark.parametrize(
    ("org_type", "code"),
    [
        ("PCT", "RBT"),
        ("ACUTE_TRUST", "5NL"),
        ("CARE_TRUST", "X12"),
        ("GP_PRACTICE", "P8400"),
        ("CCG", "C01"),
        ("LOCAL_AUTHORITY", "la-1"),
    ],
)
async def test_org_codes_validated_by_type(gql: GraphQLClient, org_type: str, code: str) -> None:
    data = await gql.data(
        CREATE_ORG,
        {"input": {"shaCode": "Q31", "code": code, "name": "X", "type": org_type}},
        as_role=("sha_admin", "Q31"),
    )
    assert data["createOrganisation"]["__typename"] == "ValidationError"


@pytest.mark.parametrize(
    ("profession", "registration", "field"),
    [
        ("DOCTOR", {"body": "GMC", "number": "123456"}, "registration.number"),
        ("NURSE", {"body": "NMC", "number": "1A2345N"}, "registration.number"),
        ("NURSE", {"body": "GMC", "number": "1234567"}, "registration.body"),
        (
            "ALLIED_HEALTH_PROFESSIONAL",
            {"body": "HCPC", "number": "XX12345"},
            "registration.number",
        ),
        ("PHARMACIST", {"body": "GPHC", "number": "21234567"}, "registration.number"),
        ("GP", None, "registration"),
        ("MANAGER", {"body": "GMC", "number": "1234567"}, "registration"),
    ],
)
async def test_registration_formats(
    gql: GraphQLClient, profession: str, registration: dict[str, str] | None, field: str
) -> None:
    org = await create_organisation(gql, "Q31")
    data = await gql.data(
        CREATE_MEMBER,
        {
            "input": {
                "organisationId": org["id"],
                "givenName": "A",
                "familyName": "B",
                "profession": profession,
                "registration": registration,
            }
        },
        as_role=("sha_admin", "Q31"),
    )
    result = data["createMember"]
    assert result["__typename"] == "ValidationError"
    assert [f["field"] for f in result["fields"]] == [field]


async def test_valid_registrations_accepted(gql: GraphQLClient) -> None:
    org = await create_organisation(gql, "Q31")
    for profession, body, number in [
        ("DOCTOR", "GMC", "7654321"),
        ("MIDWIFE", "NMC", "01A2345N"),
        ("ALLIED_HEALTH_PROFESSIONAL", "HCPC", "PH123456"),
        ("PHARMACIST", "GPHC", "2087654"),
    ]:
        member = await create_member(
            gql,
            "Q31",
            org["id"],
            profession=profession,
            registration={"body": body, "number": number},
        )
        assert member["profession"] == profession


async def test_create_and_update_are_audited(
    gql: GraphQLClient, admin_url: str, settings: Settings
) -> None:
    member = await create_member(gql, "Q36")
    data = await gql.data(
        UPDATE_MEMBER,
        {"input": {"id": member["id"], "givenName": "Renamed", "roles": ["PATHWAY_LEAD"]}},
        as_role=("sha_admin", "Q36"),
    )
    assert data["updateMember"]["member"]["givenName"] == "Renamed"
    rows = await audit_rows(admin_url, settings, raw_key(member["id"]))
    assert [r["action"] for r in rows] == ["member.create", "member.update"]
    assert all(
        r["sha_code"] == "Q36" and r["actor"].startswith("user:") and r["request_id"] for r in rows
    )


async def test_failed_mutation_writes_nothing(
    gql: GraphQLClient, admin_url: str, settings: Settings
) -> None:
    org = await create_organisation(gql, "Q37")
    duplicate = {
        "shaCode": "Q37",
        "code": "P" + org["code"][1:],
        "name": "Dup",
        "type": "GP_PRACTICE",
    }
    first = await gql.data(CREATE_ORG, {"input": duplicate}, as_role=("sha_admin", "Q37"))
    if first["createOrganisation"]["__typename"] == "ConflictError":
        duplicate["code"] = org["code"]
    again = await gql.data(
        CREATE_ORG, {"input": {**duplicate, "code": org["code"]}}, as_role=("sha_admin", "Q37")
    )
    assert again["createOrganisation"]["__typename"] == "ConflictError"
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        count = await conn.fetchval(
            "SELECT count(*) FROM audit_log WHERE sha_code = 'Q37' AND detail->>'code' = $1",
            org["code"],
        )
        assert count == 1, "the conflicting insert left no audit row behind"
    finally:
        await conn.close()


async def test_two_mutations_one_request_fail_independently(gql: GraphQLClient) -> None:
    org = await create_organisation(gql, "Q38")
    query = """mutation($ok: UpdateOrganisationInput!, $bad: UpdateOrganisationInput!) {
      ok: updateOrganisation(input: $ok) { __typename }
      bad: updateOrganisation(input: $bad) { __typename } }"""
    data = await gql.data(
        query,
        {
            "ok": {"id": org["id"], "name": "Renamed Practice"},
            "bad": {"id": org["id"], "code": "nope"},
        },
        as_role=("sha_admin", "Q38"),
    )
    assert data == {
        "ok": {"__typename": "OrganisationPayload"},
        "bad": {"__typename": "ValidationError"},
    }


async def test_members_cannot_write_directory(gql: GraphQLClient) -> None:
    body = await gql(
        CREATE_ORG,
        {"input": {"code": "5AB", "name": "X", "type": "PCT"}},
        as_role=("member", "Q31"),
    )
    assert error_codes(body) == ["FORBIDDEN"]
    body = await gql(CREATE_ORG, {"input": {"code": "5AB", "name": "X", "type": "PCT"}})
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_unknown_and_malformed_ids(gql: GraphQLClient) -> None:
    role = ("sha_admin", "Q31")
    unknown = "TWVtYmVyOlEzMTowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA"
    data = await gql.data(UPDATE_MEMBER, {"input": {"id": unknown, "givenName": "X"}}, as_role=role)
    assert data["updateMember"]["__typename"] == "NotFoundError"
    data = await gql.data(UPDATE_MEMBER, {"input": {"id": "%%%", "givenName": "X"}}, as_role=role)
    assert data["updateMember"]["__typename"] == "ValidationError"
    data = await gql.data(UPDATE_ORG, {"input": {"id": unknown, "name": "X"}}, as_role=role)
    assert data["updateOrganisation"]["__typename"] == "ValidationError"


async def test_profession_change_needs_matching_registration(gql: GraphQLClient) -> None:
    member = await create_member(gql, "Q39")
    role = ("sha_admin", "Q39")
    data = await gql.data(
        UPDATE_MEMBER, {"input": {"id": member["id"], "profession": "DOCTOR"}}, as_role=role
    )
    assert data["updateMember"]["__typename"] == "ValidationError"
    data = await gql.data(
        UPDATE_MEMBER,
        {
            "input": {
                "id": member["id"],
                "profession": "DOCTOR",
                "registration": {"body": "GMC", "number": "1234567"},
            }
        },
        as_role=role,
    )
    assert data["updateMember"]["member"]["registration"] == {"body": "GMC", "number": "1234567"}
    data = await gql.data(
        UPDATE_MEMBER, {"input": {"id": member["id"], "profession": "MANAGER"}}, as_role=role
    )
    assert data["updateMember"]["member"]["registration"] is None


async def test_blank_names_and_future_dates_rejected(gql: GraphQLClient) -> None:
    org = await create_organisation(gql, "Q30")
    data = await gql.data(
        CREATE_MEMBER,
        {
            "input": {
                "organisationId": org["id"],
                "givenName": "  ",
                "familyName": "B",
                "profession": "MANAGER",
                "joinedOn": "2999-01-01",
                "email": "not-an-email",
            }
        },
        as_role=("sha_admin", "Q30"),
    )
    fields = {f["field"] for f in data["createMember"]["fields"]}
    assert fields == {"givenName", "joinedOn", "email"}
