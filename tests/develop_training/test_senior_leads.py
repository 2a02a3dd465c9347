"""Senior clinical leads: the cap is each SHA's setting, two per pathway by default (also under concurrency), and
declarations of interest shown with the lead."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.develop_training.helpers import admin, appoint, data_statements, tag
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient, SqlLog

LEADS = """
query($first: Int, $filter: SeniorClinicalLeadFilter) {
  seniorClinicalLeads(first: $first, filter: $filter) {
    totalCount
    nodes { id pathway active member { displayName }
      declarations { id declaredOn interestType description } }
  }
}"""

DECLARE = """
mutation($input: DeclareInterestInput!) {
  declareInterest(input: $input) {
    __typename
    ... on DeclarationOfInterestPayload { declaration { id declaredOn interestType } }
    ... on UserError { code message }
    ... on ValidationError { fields { field } }
  }
}"""

END = """
mutation($input: EndSeniorClinicalLeadInput!) {
  endSeniorClinicalLead(input: $input) {
    __typename
    ... on SeniorClinicalLeadPayload { lead { id active endsOn } }
    ... on UserError { code message }
  }
}"""


async def test_two_leads_per_pathway(gql: GraphQLClient) -> None:
    pathway = f"pathway {tag()}"
    org = await create_organisation(gql, "Q33")
    people = [await create_member(gql, "Q33", organisation_id=org["id"]) for _ in range(3)]
    first = await appoint(gql, "Q33", people[0]["id"], pathway.upper())
    assert first["__typename"] == "SeniorClinicalLeadPayload"
    assert first["lead"]["pathway"] == pathway
    assert (await appoint(gql, "Q33", people[1]["id"], pathway))["__typename"] == (
        "SeniorClinicalLeadPayload"
    )
    third = await appoint(gql, "Q33", people[2]["id"], pathway)
    assert third["__typename"] == "ConflictError"
    assert "already has 2" in third["message"]
    again = await appoint(gql, "Q33", people[0]["id"], f"other {tag()}")
    assert again["__typename"] == "ConflictError"
    # ending one appointment frees the place
    ended = await gql.data(
        END, {"input": {"id": first["lead"]["id"], "endsOn": "2010-01-01"}}, as_role=admin("Q33")
    )
    assert ended["endSeniorClinicalLead"]["lead"]["active"] is False
    assert (await appoint(gql, "Q33", people[2]["id"], pathway))["__typename"] == (
        "SeniorClinicalLeadPayload"
    )


async def test_concurrent_appointments_cannot_both_take_the_last_place(gql: GraphQLClient) -> None:
    pathway = f"race {tag()}"
    people = [await create_member(gql, "Q37") for _ in range(3)]
    await appoint(gql, "Q37", people[0]["id"], pathway)
    results = await asyncio.gather(
        appoint(gql, "Q37", people[1]["id"], pathway),
        appoint(gql, "Q37", people[2]["id"], pathway),
    )
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["ConflictError", "SeniorClinicalLeadPayload"], results
    listed = await gql.data(LEADS, {"filter": {"pathway": pathway}}, as_role=("member", "Q37"))
    assert listed["seniorClinicalLeads"]["totalCount"] == 2


SETTINGS = """
mutation($input: UpdateShaRulesInput!) {
  updateShaRules(input: $input) {
    __typename
    ... on ShaRulesPayload { rules { shaCode seniorLeadCap seniorLeadsPerPathway overridden } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""


async def test_the_cap_is_the_shas_own_setting(gql: GraphQLClient) -> None:
    shown = await gql.data(
        '{ shaRules(shas: ["Q39"]) { seniorLeadCap seniorLeadsPerPathway overridden } }',
        as_role=("member", "Q39"),
    )
    assert shown["shaRules"] == [
        {"seniorLeadCap": None, "seniorLeadsPerPathway": 2, "overridden": []}
    ]
    existing = await gql.data(LEADS, {"first": 1}, as_role=("member", "Q39"))
    count = existing["seniorClinicalLeads"]["totalCount"]
    org = await create_organisation(gql, "Q39")
    # no cap unless the SHA sets one
    for i in range(3):
        member = await create_member(gql, "Q39", organisation_id=org["id"])
        result = await appoint(gql, "Q39", member["id"], f"cap {i} {tag()}")
        assert result["__typename"] == "SeniorClinicalLeadPayload", result
    # a member may not set it; an admin of another SHA may not either
    refused = await gql(
        SETTINGS, {"input": {"shaCode": "Q39", "seniorLeadCap": 1}}, as_role=("member", "Q39")
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other = await gql.data(
        SETTINGS, {"input": {"shaCode": "Q39", "seniorLeadCap": 1}}, as_role=admin("Q31")
    )
    assert other["updateShaRules"]["__typename"] == "ForbiddenError"
    capped = await gql.data(
        SETTINGS, {"input": {"shaCode": "Q39", "seniorLeadCap": count + 3}}, as_role=admin("Q39")
    )
    assert capped["updateShaRules"]["rules"]["overridden"] == ["seniorLeadCap"]
    member = await create_member(gql, "Q39", organisation_id=org["id"])
    full = await appoint(gql, "Q39", member["id"], f"fresh {tag()}")
    assert full["__typename"] == "ConflictError"
    assert str(count + 3) in full["message"] and "updateShaRules" in full["message"]
    # null returns it to the default (no cap)
    lifted = await gql.data(
        SETTINGS, {"input": {"shaCode": "Q39", "seniorLeadCap": None}}, as_role=admin("Q39")
    )
    assert lifted["updateShaRules"]["rules"]["seniorLeadCap"] is None
    assert (await appoint(gql, "Q39", member["id"], f"fresh {tag()}"))["__typename"] == (
        "SeniorClinicalLeadPayload"
    )
    bad = await gql.data(
        SETTINGS,
        {"input": {"shaCode": "Q39", "setMinMembers": 50, "setMaxMembers": 10}},
        as_role=admin("Q39"),
    )
    assert bad["updateShaRules"]["fields"][0]["field"] == "setMinMembers"


ROLES = """query($id: ID!) { node(id: $id) { ... on Member { roles } } }"""


async def test_appointment_grants_and_ending_revokes_the_role(gql: GraphQLClient) -> None:
    member = await create_member(gql, "Q32")
    lead = (await appoint(gql, "Q32", member["id"], f"stroke {tag()}"))["lead"]
    roles = await gql.data(ROLES, {"id": member["id"]}, as_role=admin("Q32"))
    assert "SENIOR_CLINICAL_LEAD" in roles["node"]["roles"]
    await gql.data(END, {"input": {"id": lead["id"], "endsOn": "2010-01-01"}}, as_role=admin("Q32"))
    roles = await gql.data(ROLES, {"id": member["id"]}, as_role=admin("Q32"))
    assert "SENIOR_CLINICAL_LEAD" not in roles["node"]["roles"]


async def test_lead_needs_an_active_clinician_and_a_valid_pathway(gql: GraphQLClient) -> None:
    manager = await create_member(gql, "Q33", profession="MANAGER", registration=None)
    nurse = await create_member(gql, "Q33")
    assert (await appoint(gql, "Q33", manager["id"], f"p {tag()}"))["__typename"] == (
        "ValidationError"
    )
    bad = await appoint(gql, "Q33", nurse["id"], "!")
    assert bad["__typename"] == "ValidationError" and bad["fields"][0]["field"] == "pathway"


async def test_declarations_are_dated_and_shown_with_the_lead(gql: GraphQLClient) -> None:
    member = await create_member(gql, "Q33")
    pathway = f"declare {tag()}"
    lead = (await appoint(gql, "Q33", member["id"], pathway))["lead"]
    for day, kind in (("2009-05-02", "FINANCIAL"), ("2009-07-01", "INDIRECT")):
        data = await gql.data(
            DECLARE,
            {
                "input": {
                    "leadId": lead["id"],
                    "declaredOn": day,
                    "interestType": kind,
                    "description": "Shares in a diagnostics firm",
                }
            },
            as_role=admin("Q33"),
        )
        assert data["declareInterest"]["__typename"] == "DeclarationOfInterestPayload"
    future = await gql.data(
        DECLARE,
        {
            "input": {
                "leadId": lead["id"],
                "declaredOn": "2999-01-01",
                "interestType": "FINANCIAL",
                "description": " ",
            }
        },
        as_role=admin("Q33"),
    )
    fields = {f["field"] for f in future["declareInterest"]["fields"]}
    assert fields == {"declaredOn", "description"}
    listed = await gql.data(LEADS, {"filter": {"pathway": pathway}}, as_role=("member", "Q33"))
    [node] = listed["seniorClinicalLeads"]["nodes"]
    assert [(d["declaredOn"], d["interestType"]) for d in node["declarations"]] == [
        ("2009-07-01", "INDIRECT"),
        ("2009-05-02", "FINANCIAL"),
    ]


async def test_lead_page_with_declarations_costs_the_same_for_2_and_4(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    counts = []
    for size in (2, 4):
        sql_log.clear()
        data: dict[str, Any] = await gql.data(LEADS, {"first": size}, as_role=("member", "Q32"))
        nodes = data["seniorClinicalLeads"]["nodes"]
        assert len(nodes) == size and all(n["declarations"] for n in nodes)
        counts.append(len(data_statements(sql_log)))
    assert counts[0] == counts[1] <= 4, counts
