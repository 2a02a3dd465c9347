"""Escalator rules of issue 25: who records (the organisation's named lead or its SHA's
admins), quarters up to the current one, a typed conflict naming the mutation that
corrects an existing quarter, plans with policy area, target level and a future review,
and the leads table across tenants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from resolvers.escalator.periods import current_quarter, quarter_of
from tests.develop_escalator.conftest import SET_LEAD, MakePerson, name_lead
from tests.develop_escalator.test_escalator import CREATE_PLAN, RECORD, UPDATE, UPDATE_PLAN, record
from tests.factories import create_organisation
from tests.support import GraphQLClient, error_codes

REMOVE_LEAD = """
mutation($input: EscalatorLeadInput!) {
  removeEscalatorLead(input: $input) { __typename ... on UserError { code message } }
}"""

LEADS = """
query($o: ID, $shas: [String!]) {
  escalatorLeads(organisationId: $o, shas: $shas) { shaCode organisation { id } member { id } }
}"""


def next_quarter() -> str:
    today = dt.date.today()
    return quarter_of(dt.date(today.year + (today.month > 9), (today.month + 2) % 12 + 1, 1))


async def test_only_the_named_lead_or_an_sha_admin_records(
    gql: GraphQLClient, person: MakePerson, audit_actions: Any
) -> None:
    me = await person("Q31")
    refused = await record(gql, me.token, me.organisation_id, "2009Q1", 1)
    assert refused["__typename"] == "ForbiddenError"
    assert "setEscalatorLead" in refused["message"]

    await name_lead(gql, me)
    ok = await record(gql, me.token, me.organisation_id, "2009Q1", 1)
    assert ok["__typename"] == "AssessmentPayload"
    assert (await audit_actions(raw(me.organisation_id)))[-1] == "escalator.lead.set"

    # leading one organisation does not let you record for another of the same SHA
    other = (await create_organisation(gql, "Q31"))["id"]
    assert (await record(gql, me.token, other, "2009Q1", 1))["__typename"] == "ForbiddenError"
    # nor correct its assessments
    admin_made = await gql.data(
        RECORD,
        {
            "input": {
                "organisationId": other,
                "policyArea": "CHOOSE_AND_BOOK",
                "period": "2009Q1",
                "level": "AWARENESS_RAISING",
                "evidence": "recorded by the SHA engagement team",
                "assessorId": me.id,
            }
        },
        as_role=("sha_admin", "Q31"),
    )
    made = admin_made["recordEscalatorAssessment"]
    assert made["__typename"] == "AssessmentPayload", made
    fix = await gql.data(
        UPDATE, {"input": {"id": made["assessment"]["id"], "evidence": "x"}}, token=me.token
    )
    assert fix["updateEscalatorAssessment"]["__typename"] == "ForbiddenError"

    # removing the lead takes the right away
    removed = await gql.data(
        REMOVE_LEAD,
        {"input": {"organisationId": me.organisation_id, "memberId": me.id}},
        as_role=("sha_admin", "Q31"),
    )
    assert removed["removeEscalatorLead"]["__typename"] == "EscalatorLeadPayload"
    after = await record(gql, me.token, me.organisation_id, "2009Q2", 1)
    assert after["__typename"] == "ForbiddenError"
    again = await gql.data(
        REMOVE_LEAD,
        {"input": {"organisationId": me.organisation_id, "memberId": me.id}},
        as_role=("sha_admin", "Q31"),
    )
    assert again["removeEscalatorLead"]["__typename"] == "NotFoundError"


async def test_naming_leads_is_for_sha_admins(gql: GraphQLClient, person: MakePerson) -> None:
    me = await person("Q32")
    body = await gql(
        SET_LEAD,
        {"input": {"organisationId": me.organisation_id, "memberId": me.id}},
        token=me.token,
    )
    assert error_codes(body) == ["FORBIDDEN"]
    await name_lead(gql, me)
    twice = await gql.data(
        SET_LEAD,
        {"input": {"organisationId": me.organisation_id, "memberId": me.id}},
        as_role=("sha_admin", "Q32"),
    )
    assert twice["setEscalatorLead"]["__typename"] == "ConflictError"
    # an admin of another SHA cannot name leads here
    body = await gql.data(
        SET_LEAD,
        {"input": {"organisationId": me.organisation_id, "memberId": me.id}},
        as_role=("sha_admin", "Q36"),
    )
    assert body["setEscalatorLead"]["__typename"] == "NotFoundError"


async def test_quarters_up_to_the_current_one(gql: GraphQLClient, person: MakePerson) -> None:
    me = await person("Q33")
    await name_lead(gql, me)
    for period in ("2099Q1", next_quarter()):
        future = await record(gql, me.token, me.organisation_id, period, 1)
        assert future["__typename"] == "ValidationError", future
        assert future["fields"][0]["field"] == "period"
        assert current_quarter() in future["fields"][0]["message"]
    now = await record(gql, me.token, me.organisation_id, current_quarter(), 1)
    assert now["__typename"] == "AssessmentPayload"
    score = await gql.data(
        "mutation($i: RecordMedicalEngagementInput!) { recordMedicalEngagement(input: $i) {"
        " __typename ... on ValidationError { fields { field } } } }",
        {
            "i": {
                "organisationId": me.organisation_id,
                "period": "2099Q1",
                "doctorsEngagedPct": 40,
                "rating": 4,
                "source": "MES survey",
            }
        },
        as_role=("sha_admin", "Q33"),
    )
    assert score["recordMedicalEngagement"]["__typename"] == "ValidationError"


async def test_a_taken_quarter_names_the_correction(gql: GraphQLClient, person: MakePerson) -> None:
    me = await person("Q34")
    await name_lead(gql, me)
    first = await record(gql, me.token, me.organisation_id, "2009Q1", 1)
    again = await record(gql, me.token, me.organisation_id, "2009Q1", 1)
    assert again["__typename"] == "AssessmentExistsError"
    assert again["existingAssessmentId"] == first["assessment"]["id"]
    assert again["updateMutation"] == "updateEscalatorAssessment"
    assert "updateEscalatorAssessment" in again["message"]


PLAN_INPUT = {
    "serviceChange": "Stroke services reconfiguration",
    "engagementApproach": "clinical reference group",
    "monitoringArrangements": "quarterly report to the SHA board",
}


async def test_plans_have_policy_area_target_and_a_future_review(
    gql: GraphQLClient, person: MakePerson
) -> None:
    me = await person("Q35")
    admin = ("sha_admin", "Q35")
    org = me.organisation_id
    missing = await gql(
        CREATE_PLAN,
        {"input": {**PLAN_INPUT, "organisationId": org, "nextReviewOn": "2030-01-01"}},
        as_role=admin,
    )
    assert error_codes(missing) == ["BAD_USER_INPUT"] or "errors" in missing
    past = await gql.data(
        CREATE_PLAN,
        {
            "input": {
                **PLAN_INPUT,
                "organisationId": org,
                "policyArea": "PATIENT_SAFETY",
                "targetLevel": "DISSEMINATION",
                "nextReviewOn": str(dt.date.today() - dt.timedelta(days=1)),
            }
        },
        as_role=admin,
    )
    assert past["createEngagementPlan"]["fields"][0]["field"] == "nextReviewOn"
    unknown = await gql.data(
        CREATE_PLAN,
        {
            "input": {
                **PLAN_INPUT,
                "organisationId": org,
                "policyArea": "NOT_AN_AREA",
                "targetLevel": "DISSEMINATION",
                "nextReviewOn": "2030-01-01",
            }
        },
        as_role=admin,
    )
    assert unknown["createEngagementPlan"]["fields"][0]["field"] == "policyArea"
    made = await gql.data(
        CREATE_PLAN.replace("lead { id }", "lead { id } policyAreaCode targetLevel"),
        {
            "input": {
                **PLAN_INPUT,
                "organisationId": org,
                "policyArea": "patient_safety",
                "targetLevel": "DISSEMINATION",
                "nextReviewOn": "2030-01-01",
            }
        },
        as_role=admin,
    )
    plan = made["createEngagementPlan"]["plan"]
    assert plan["policyAreaCode"] == "PATIENT_SAFETY"
    assert plan["targetLevel"] == "DISSEMINATION"
    back = await gql.data(
        UPDATE_PLAN,
        {"input": {"id": plan["id"], "nextReviewOn": str(dt.date.today())}},
        as_role=admin,
    )
    assert back["updateEngagementPlan"]["__typename"] == "ValidationError"


async def test_cross_tenant_escalator_leads(gql: GraphQLClient, person: MakePerson) -> None:
    north = await person("Q31")
    await name_lead(gql, north)
    london = await person("Q36")
    await name_lead(gql, london)
    # lists, filters and nested fields show only the caller's region
    mine = await gql.data(LEADS, {}, token=london.token)
    assert {lead["shaCode"] for lead in mine["escalatorLeads"]} == {"Q36"}
    assert london.id in {lead["member"]["id"] for lead in mine["escalatorLeads"]}
    filtered = await gql.data(LEADS, {"o": north.organisation_id}, token=london.token)
    assert filtered["escalatorLeads"] == []
    body = await gql(LEADS, {"shas": ["Q31"]}, token=london.token)
    assert error_codes(body) == ["FORBIDDEN"]
    # writes: naming a London member lead of a North West organisation, or the reverse
    cross = await gql.data(
        SET_LEAD,
        {"input": {"organisationId": north.organisation_id, "memberId": london.id}},
        as_role=("sha_admin", "Q31"),
    )
    assert cross["setEscalatorLead"]["__typename"] == "ValidationError"
    removal = await gql.data(
        REMOVE_LEAD,
        {"input": {"organisationId": north.organisation_id, "memberId": north.id}},
        as_role=("sha_admin", "Q36"),
    )
    assert removal["removeEscalatorLead"]["__typename"] == "NotFoundError"
    # a lead in London reads London's collation only
    body = await gql(
        '{ escalatorLevelDistribution(shas: ["Q31"]) { shaCode } }', token=london.token
    )
    assert error_codes(body) == ["FORBIDDEN"]
    still = await gql.data(LEADS, {"o": north.organisation_id}, token=north.token)
    assert [lead["member"]["id"] for lead in still["escalatorLeads"]] == [north.id]


def raw(global_id: str) -> str:
    from resolvers.common.ids import decode_id

    return decode_id(global_id).key


async def test_summaries_are_read_by_whoever_may_record(
    gql: GraphQLClient, person: MakePerson
) -> None:
    """Issue 25: members recorded while barred from the summaries. Now the same people
    do both: a plain member neither records nor reads the collation (the refusal names
    setEscalatorLead); once named lead she does both, for her own SHA."""
    summary = "{ escalatorLevelDistribution { shaCode } escalatorTrends { organisation { id } } }"
    me = await person("Q33")
    barred = await gql(summary, token=me.token)
    assert error_codes(barred) == ["FORBIDDEN"]
    assert "setEscalatorLead" in barred["errors"][0]["message"]
    assert (await record(gql, me.token, me.organisation_id, "2009Q1", 1))[
        "__typename"
    ] == "ForbiddenError"
    await name_lead(gql, me)
    assert (await record(gql, me.token, me.organisation_id, "2009Q1", 1))[
        "__typename"
    ] == "AssessmentPayload"
    data = await gql.data(summary, token=me.token)
    assert {d["shaCode"] for d in data["escalatorLevelDistribution"]} == {"Q33"}
    assert me.organisation_id in {t["organisation"]["id"] for t in data["escalatorTrends"]}
