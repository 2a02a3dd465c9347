"""Double helix: clinician-manager partnerships and directorates without a clinical lead."""

from __future__ import annotations

from typing import Any

from tests.develop_training.helpers import data_statements, tag
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient, SqlLog

CREATE = """
mutation($input: CreatePartnershipInput!) {
  createPartnership(input: $input) {
    __typename
    ... on PartnershipPayload { partnership { id level current startsOn endsOn
      clinician { id } manager { id } organisation { id } } }
    ... on UserError { code message }
    ... on ValidationError { fields { field message } }
  }
}"""

END = """
mutation($input: EndPartnershipInput!) {
  endPartnership(input: $input) {
    __typename
    ... on PartnershipPayload { partnership { id endsOn current } }
    ... on UserError { code message }
  }
}"""

UNLINKED = """
query($on: Date, $first: Int) {
  directoratesWithoutClinicalLead(on: $on, first: $first) { nodes { id name type } }
}"""

PARTNERSHIPS = """
query($first: Int, $filter: PartnershipFilter) {
  partnerships(first: $first, filter: $filter) {
    nodes { id level focus clinician { displayName organisation { name } }
      manager { displayName } organisation { name } }
  }
}"""


async def directorate(gql: GraphQLClient, sha: str) -> dict[str, Any]:
    return await create_organisation(
        gql, sha, code=f"D{tag().upper()}", type="SHA_DIRECTORATE", name="Test Directorate"
    )


async def manager(gql: GraphQLClient, sha: str) -> dict[str, Any]:
    return await create_member(gql, sha, profession="MANAGER", registration=None)


async def unlinked_ids(gql: GraphQLClient, sha: str, on: str | None = None) -> set[str]:
    data = await gql.data(UNLINKED, {"on": on, "first": 500}, as_role=("member", sha))
    return {n["id"] for n in data["directoratesWithoutClinicalLead"]["nodes"]}


async def test_directorate_clinical_lead_closes_the_gap_while_it_runs(gql: GraphQLClient) -> None:
    org = await directorate(gql, "Q34")
    lead = await create_member(gql, "Q34")
    assert org["id"] in await unlinked_ids(gql, "Q34")
    data = await gql.data(
        CREATE,
        {
            "input": {
                "organisationId": org["id"],
                "clinicianId": lead["id"],
                "focus": "Urgent care",
                "startsOn": "2009-04-01",
            }
        },
        as_role=("sha_admin", "Q34"),
    )
    result = data["createPartnership"]
    assert result["__typename"] == "PartnershipPayload", result
    partnership = result["partnership"]
    assert partnership["level"] == "DIRECTORATE" and partnership["manager"] is None
    assert partnership["current"] is True
    assert org["id"] not in await unlinked_ids(gql, "Q34")
    assert org["id"] in await unlinked_ids(gql, "Q34", on="2009-03-31")
    ended = await gql.data(
        END,
        {"input": {"id": partnership["id"], "endsOn": "2010-03-31"}},
        as_role=("sha_admin", "Q34"),
    )
    assert ended["endPartnership"]["partnership"]["current"] is False
    assert org["id"] in await unlinked_ids(gql, "Q34")
    assert org["id"] not in await unlinked_ids(gql, "Q34", on="2010-03-31")
    bad_end = await gql.data(
        END,
        {"input": {"id": partnership["id"], "endsOn": "2009-01-01"}},
        as_role=("sha_admin", "Q34"),
    )
    assert bad_end["endPartnership"]["__typename"] == "ValidationError"


async def test_organisation_partnership_pairs_a_clinician_and_a_manager(gql: GraphQLClient) -> None:
    org = await create_organisation(gql, "Q34")
    clinician = await create_member(gql, "Q34", organisation_id=org["id"])
    boss = await manager(gql, "Q34")
    data = await gql.data(
        CREATE,
        {
            "input": {
                "organisationId": org["id"],
                "clinicianId": clinician["id"],
                "managerId": boss["id"],
                "startsOn": "2009-01-01",
            }
        },
        as_role=("sha_admin", "Q34"),
    )
    partnership = data["createPartnership"]["partnership"]
    assert partnership["level"] == "ORGANISATION"
    assert partnership["manager"]["id"] == boss["id"]
    listed = await gql.data(
        PARTNERSHIPS,
        {"filter": {"memberId": boss["id"], "currentOn": "2009-06-01", "levels": ["ORGANISATION"]}},
        as_role=("member", "Q34"),
    )
    assert [n["id"] for n in listed["partnerships"]["nodes"]] == [partnership["id"]]


async def test_partnership_validation(gql: GraphQLClient) -> None:
    org = await create_organisation(gql, "Q34")
    clinician = await create_member(gql, "Q34")
    boss = await manager(gql, "Q34")
    foreign = await create_member(gql, "Q36")
    cases = [
        ({"clinicianId": clinician["id"]}, "ValidationError", "managerId"),
        (
            {"clinicianId": boss["id"], "managerId": clinician["id"]},
            "ValidationError",
            "clinicianId",
        ),
        (
            {"clinicianId": clinician["id"], "managerId": boss["id"], "endsOn": "2008-01-01"},
            "ValidationError",
            "endsOn",
        ),
        ({"clinicianId": foreign["id"], "managerId": boss["id"]}, "ValidationError", "clinicianId"),
    ]
    for fields, typename, field in cases:
        data = await gql.data(
            CREATE,
            {"input": {"organisationId": org["id"], "startsOn": "2009-01-01", **fields}},
            as_role=("sha_admin", "Q34"),
        )
        result = data["createPartnership"]
        assert result["__typename"] == typename, result
        assert field in [f["field"] for f in result["fields"]]
    listed = await gql.data(
        PARTNERSHIPS, {"filter": {"organisationId": org["id"]}}, as_role=("member", "Q34")
    )
    assert listed["partnerships"]["nodes"] == []


async def test_partnership_page_costs_the_same_for_2_and_12(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    boss = await manager(gql, "Q30")
    for _ in range(12):
        clinician = await create_member(gql, "Q30")
        await gql.data(
            CREATE,
            {
                "input": {
                    "organisationId": (await directorate(gql, "Q30"))["id"],
                    "clinicianId": clinician["id"],
                    "managerId": boss["id"],
                    "startsOn": "2009-02-01",
                }
            },
            as_role=("sha_admin", "Q30"),
        )
    counts = []
    for size in (2, 12):
        sql_log.clear()
        data = await gql.data(PARTNERSHIPS, {"first": size}, as_role=("member", "Q30"))
        assert len(data["partnerships"]["nodes"]) == size
        counts.append(len(data_statements(sql_log)))
    assert counts[0] == counts[1] <= 5, counts
