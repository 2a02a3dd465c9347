"""Plain async factories that create rows through the API, as an SHA admin would."""

from __future__ import annotations

import random
from typing import Any

from tests.support import GraphQLClient

CREATE_ORG = """
mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) {
    __typename
    ... on OrganisationPayload { organisation { id code name shaCode } }
    ... on UserError { message code }
  }
}"""

CREATE_MEMBER = """
mutation($input: CreateMemberInput!) {
  createMember(input: $input) {
    __typename
    ... on MemberPayload { member { id displayName shaCode profession } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

_rng = random.Random()


def unique_pct_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return "5" + "".join(_rng.choice(alphabet) for _ in range(2))


def unique_practice_code() -> str:
    return _rng.choice("ABCDEFGHJKLMNPY") + f"{_rng.randint(0, 99999):05d}"


async def create_organisation(gql: GraphQLClient, sha: str, **fields: Any) -> dict[str, Any]:
    """A GP practice in `sha` (random code, retried on the rare duplicate)."""
    for _ in range(5):
        values = {
            "shaCode": sha,
            "code": unique_practice_code(),
            "name": "Test Practice",
            "type": "GP_PRACTICE",
            **fields,
        }
        data = await gql.data(CREATE_ORG, {"input": values}, as_role=("sha_admin", sha))
        result = data["createOrganisation"]
        if result["__typename"] == "OrganisationPayload":
            return dict(result["organisation"])
        if result["__typename"] != "ConflictError":
            raise AssertionError(result)
    raise AssertionError("could not create a unique organisation")


async def create_member(
    gql: GraphQLClient, sha: str, organisation_id: str | None = None, **fields: Any
) -> dict[str, Any]:
    """A member with a random registration number; another draw when the number is
    taken (the numbers are unique, and a session creates hundreds of members)."""
    if organisation_id is None:
        organisation_id = (await create_organisation(gql, sha))["id"]
    for _ in range(5):
        values = {
            "organisationId": organisation_id,
            "givenName": "Test",
            "familyName": f"Member{_rng.randint(0, 10**6)}",
            "profession": "NURSE",
            "registration": {
                "body": "NMC",
                "number": f"{_rng.randint(10, 99)}A{_rng.randint(0, 9999):04d}N",
            },
            **fields,
        }
        data = await gql.data(CREATE_MEMBER, {"input": values}, as_role=("sha_admin", sha))
        result = data["createMember"]
        if result["__typename"] == "MemberPayload":
            return dict(result["member"])
        if result["__typename"] != "ConflictError" or "registration" in fields:
            raise AssertionError(result)
    raise AssertionError("could not create a member with a unique registration number")
