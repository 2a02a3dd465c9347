"""Engagement Escalator: the climbing rule, validation, audit, collation, tenancy, SQL cost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.develop_escalator.conftest import MakePerson, counted, name_lead, raw_key
from tests.factories import create_organisation
from tests.support import GraphQLClient, SqlLog, error_codes

RECORD = """
mutation($input: RecordAssessmentInput!) {
  recordEscalatorAssessment(input: $input) {
    __typename
    ... on AssessmentPayload { assessment { id level levelNumber period policyAreaCode
        earlierEvidence { level statement } assessor { id } organisation { id } } }
    ... on LevelSkipError { claimedLevel highestEarlierLevel missingLevels code message }
    ... on AssessmentExistsError { existingAssessmentId updateMutation }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

UPDATE = """
mutation($input: UpdateAssessmentInput!) {
  updateEscalatorAssessment(input: $input) {
    __typename
    ... on AssessmentPayload { assessment { id levelNumber evidence } }
    ... on LevelSkipError { missingLevels }
    ... on UserError { code message }
  }
}"""

ADD_AREA = """
mutation($input: AddPolicyAreaInput!) {
  addEscalatorPolicyArea(input: $input) {
    __typename
    ... on PolicyAreaPayload { policyArea { code name shaCode national } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

CREATE_PLAN = """
mutation($input: CreateEngagementPlanInput!) {
  createEngagementPlan(input: $input) {
    __typename
    ... on EngagementPlanPayload { plan { id overdue status nextReviewOn lead { id } } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

UPDATE_PLAN = """
mutation($input: UpdateEngagementPlanInput!) {
  updateEngagementPlan(input: $input) {
    __typename
    ... on EngagementPlanPayload { plan { id overdue status lastReviewedOn nextReviewOn } }
    ... on UserError { code message }
  }
}"""

LEVELS = {
    1: "AWARENESS_RAISING",
    2: "CLINICAL_INVOLVEMENT",
    3: "DISSEMINATION",
    4: "ACCEPTANCE_AND_ADOPTION",
}


async def record(
    gql: GraphQLClient,
    token: str,
    org: str,
    period: str,
    level: int,
    area: str = "CHOOSE_AND_BOOK",
    earlier: dict[int, str] | None = None,
) -> dict[str, Any]:
    data = await gql.data(
        RECORD,
        {
            "input": {
                "organisationId": org,
                "policyArea": area,
                "period": period,
                "level": LEVELS[level],
                "evidence": f"evidence for level {level}",
                "earlierEvidence": [
                    {"level": LEVELS[k], "statement": s} for k, s in (earlier or {}).items()
                ],
            }
        },
        token=token,
    )
    result: dict[str, Any] = data["recordEscalatorAssessment"]
    return result


async def history(
    gql: GraphQLClient, token: str, org: str, levels: list[int], area: str = "CHOOSE_AND_BOOK"
) -> list[str]:
    """Record `levels` in consecutive quarters from 2008Q1 (each claim evidenced)."""
    ids = []
    for i, level in enumerate(levels):
        period = f"{2008 + i // 4}Q{i % 4 + 1}"
        earlier = {k: "earlier evidence" for k in range(1, level)}
        result = await record(gql, token, org, period, level, area, earlier)
        assert result["__typename"] == "AssessmentPayload", result
        ids.append(result["assessment"]["id"])
    return ids


async def test_levels_are_climbed_in_order(
    gql: GraphQLClient, person: MakePerson, audit_actions: Any
) -> None:
    me = await person("Q31")
    await name_lead(gql, me)
    org = me.organisation_id
    first = await record(gql, me.token, org, "2009Q1", 1)
    assert first["__typename"] == "AssessmentPayload"
    assert first["assessment"]["assessor"]["id"] == me.id
    assert first["assessment"]["organisation"]["id"] == org
    second = await record(gql, me.token, org, "2009Q2", 2)
    assert second["assessment"]["level"] == "CLINICAL_INVOLVEMENT"

    skipped = await record(gql, me.token, org, "2009Q3", 4)
    assert skipped["__typename"] == "LevelSkipError"
    assert skipped["code"] == "LEVEL_SKIPPED"
    assert skipped["highestEarlierLevel"] == 2
    assert skipped["missingLevels"] == [3]

    evidenced = await record(
        gql, me.token, org, "2009Q3", 4, earlier={3: "pathway adopted in 3 PCTs"}
    )
    assert evidenced["__typename"] == "AssessmentPayload"
    assert evidenced["assessment"]["earlierEvidence"] == [
        {"level": "DISSEMINATION", "statement": "pathway adopted in 3 PCTs"}
    ]
    # falling back is allowed (it is what early support looks for)
    fell = await record(gql, me.token, org, "2009Q4", 2)
    assert fell["__typename"] == "AssessmentPayload"
    assert await audit_actions(raw_key(evidenced["assessment"]["id"])) == [
        "escalator.assessment.create"
    ]

    # a first claim with no history must evidence every lower level
    other = await record(gql, me.token, org, "2009Q1", 3, area="PATIENT_SAFETY")
    assert other["missingLevels"] == [1, 2]
    # the same quarter twice is a conflict that names the existing row and the mutation
    again = await record(gql, me.token, org, "2009Q1", 1)
    assert again["__typename"] == "AssessmentExistsError"
    assert again["code"] == "ASSESSMENT_EXISTS"
    assert "updateEscalatorAssessment" in again["message"]


async def test_correction_rechecks_the_rule(gql: GraphQLClient, person: MakePerson) -> None:
    me = await person("Q31")
    await name_lead(gql, me)
    [a1, a2] = await history(gql, me.token, me.organisation_id, [1, 2])
    up = await gql.data(UPDATE, {"input": {"id": a1, "level": "DISSEMINATION"}}, token=me.token)
    assert up["updateEscalatorAssessment"]["missingLevels"] == [1, 2]
    ok = await gql.data(
        UPDATE, {"input": {"id": a2, "evidence": "minutes of the PEC"}}, token=me.token
    )
    assert ok["updateEscalatorAssessment"]["assessment"]["evidence"] == "minutes of the PEC"


async def test_validation_errors_are_typed(gql: GraphQLClient, person: MakePerson) -> None:
    me = await person("Q31")
    await name_lead(gql, me)
    bad_period = await record(gql, me.token, me.organisation_id, "2009Q5", 1)
    assert bad_period["__typename"] == "ValidationError"
    assert bad_period["fields"][0]["field"] == "period"
    unknown = await record(gql, me.token, me.organisation_id, "2009Q1", 1, area="NOT_AN_AREA")
    assert unknown["__typename"] == "ValidationError"
    assert unknown["fields"][0]["field"] == "policyArea"
    # an SHA-added area is usable in that SHA only
    code = f"STROKE_{me.id[-6:].upper().replace('-', '_')}"
    code = "".join(ch if ch.isalnum() else "_" for ch in code)
    added = await gql.data(
        ADD_AREA,
        {"input": {"shaCode": "Q31", "code": code, "name": "Stroke care"}},
        as_role=("sha_admin", "Q31"),
    )
    assert added["addEscalatorPolicyArea"]["policyArea"]["shaCode"] == "Q31"
    ok = await record(gql, me.token, me.organisation_id, "2009Q1", 1, area=code)
    assert ok["__typename"] == "AssessmentPayload"
    london = await person("Q36")
    await name_lead(gql, london)
    refused = await record(gql, london.token, london.organisation_id, "2009Q1", 1, area=code)
    assert refused["__typename"] == "ValidationError"
    dup_national = await gql.data(
        ADD_AREA,
        {"input": {"shaCode": "Q31", "code": "CHOOSE_AND_BOOK", "name": "x"}},
        as_role=("sha_admin", "Q31"),
    )
    assert dup_national["addEscalatorPolicyArea"]["__typename"] == "ValidationError"
    areas = await gql.data("{ escalatorPolicyAreas { code national shaCode } }", token=london.token)
    codes = {a["code"] for a in areas["escalatorPolicyAreas"]}
    assert {"RTT_18_WEEKS", "PAY_FOR_QUALITY", "PATIENT_SAFETY"} <= codes
    # the areas the network map brought to the shared vocabulary (migration 0820)
    assert {"MATERNITY_SERVICES", "END_OF_LIFE_CARE", "MENTAL_HEALTH_SERVICES"} <= codes
    assert code not in codes
    # a member may not add policy areas
    body = await gql(ADD_AREA, {"input": {"code": "ANY_AREA", "name": "x"}}, token=me.token)
    assert error_codes(body) == ["FORBIDDEN"]


FLAGS = """
query($n: Int!, $asOf: Date) {
  escalatorEarlySupport(periods: $n, asOf: $asOf) {
    reason policyAreaCode latestLevel latestPeriod detail organisation { id } plan { id }
  }
}"""


async def test_collation_distribution_trend_and_flags(
    gql: GraphQLClient, person: MakePerson, backdate_plan: Any
) -> None:
    me = await person("Q33")
    stalled = me.organisation_id
    fell = (await create_organisation(gql, "Q33"))["id"]
    climbing = (await create_organisation(gql, "Q33"))["id"]
    await name_lead(gql, me, stalled, fell, climbing)
    await history(gql, me.token, stalled, [1, 2, 2, 2])
    await history(gql, me.token, fell, [1, 2, 3, 2, 2])
    await history(gql, me.token, climbing, [1, 2, 3, 4])
    plan = await gql.data(
        CREATE_PLAN,
        {
            "input": {
                "organisationId": climbing,
                "serviceChange": "Stroke services reconfiguration",
                "engagementApproach": "clinical reference group",
                "monitoringArrangements": "quarterly report to the SHA board",
                "policyArea": "CHOOSE_AND_BOOK",
                "targetLevel": "ACCEPTANCE_AND_ADOPTION",
                "nextReviewOn": str(dt.date.today() + dt.timedelta(days=30)),
                "leadId": me.id,
            }
        },
        as_role=("sha_admin", "Q33"),
    )
    await backdate_plan(plan["createEngagementPlan"]["plan"]["id"], 3)
    plan = await gql.data(
        UPDATE_PLAN,
        {"input": {"id": plan["createEngagementPlan"]["plan"]["id"]}},
        as_role=("sha_admin", "Q33"),
    )
    plan_result = {**plan["updateEngagementPlan"]["plan"], "lead": {"id": me.id}}
    assert plan_result["overdue"] is True and plan_result["lead"]["id"] == me.id

    admin = ("sha_admin", "Q33")
    flags = (await gql.data(FLAGS, {"n": 2}, as_role=admin))["escalatorEarlySupport"]
    mine = {(f["organisation"]["id"], f["reason"]) for f in flags}
    assert (stalled, "STALLED") in mine
    assert (fell, "FELL_BACK") in mine
    assert (climbing, "OVERDUE_PLAN") in mine
    assert not {(o, r) for o, r in mine if o == climbing and r != "OVERDUE_PLAN"}
    assert (fell, "STALLED") not in mine
    overdue = next(f for f in flags if f["organisation"]["id"] == climbing)
    assert overdue["plan"]["id"] == plan_result["id"]
    # with N = 3 the stalled organisation (3 quarters at 2 = 2 periods) is not flagged
    flags3 = (await gql.data(FLAGS, {"n": 3}, as_role=admin))["escalatorEarlySupport"]
    assert (stalled, "STALLED") not in {(f["organisation"]["id"], f["reason"]) for f in flags3}
    # a review moves the date on and clears the flag
    reviewed = await gql.data(
        UPDATE_PLAN,
        {
            "input": {
                "id": plan_result["id"],
                "reviewedOn": str(dt.date.today()),
                "nextReviewOn": str(dt.date.today() + dt.timedelta(days=90)),
            }
        },
        as_role=admin,
    )
    assert reviewed["updateEngagementPlan"]["plan"]["overdue"] is False
    flags = (await gql.data(FLAGS, {"n": 2}, as_role=admin))["escalatorEarlySupport"]
    assert (climbing, "OVERDUE_PLAN") not in {(f["organisation"]["id"], f["reason"]) for f in flags}

    trend = await gql.data(
        "query($o: ID!) { escalatorTrends(organisationId: $o) { policyAreaCode organisation { id }"
        " points { period levelNumber change } } }",
        {"o": fell},
        as_role=admin,
    )
    [only] = trend["escalatorTrends"]
    assert [p["levelNumber"] for p in only["points"]] == [1, 2, 3, 2, 2]
    assert [p["change"] for p in only["points"]] == [None, 1, 1, -1, 0]

    dist = await gql.data(
        '{ escalatorLevelDistribution(policyAreas: ["CHOOSE_AND_BOOK"], periodFrom: "2008Q4",'
        ' periodTo: "2008Q4") { shaCode period awarenessRaising clinicalInvolvement'
        " dissemination acceptanceAndAdoption total } }",
        as_role=admin,
    )
    [q4] = dist["escalatorLevelDistribution"]
    assert q4["shaCode"] == "Q33"
    assert (
        q4["total"]
        == q4["awarenessRaising"]
        + q4["clinicalInvolvement"]
        + q4["dissemination"]
        + q4["acceptanceAndAdoption"]
    )
    assert q4["clinicalInvolvement"] >= 1 and q4["acceptanceAndAdoption"] >= 1
    # the Escalator lead reads the collation of the SHA; a member who leads nothing does not
    as_lead = await gql.data(FLAGS, {"n": 2}, token=me.token)
    assert (stalled, "STALLED") in {
        (f["organisation"]["id"], f["reason"]) for f in as_lead["escalatorEarlySupport"]
    }
    bystander = await person("Q33")
    body = await gql(FLAGS, {"n": 2}, token=bystander.token)
    assert error_codes(body) == ["FORBIDDEN"]


LIST = """
query($first: Int, $shas: [String!], $filter: AssessmentFilter) {
  escalatorAssessments(first: $first, shas: $shas, filter: $filter) {
    totalCount
    edges { node { id shaCode level organisation { id name } assessor { id displayName }
                   policyArea { code name national } } }
  }
}"""


async def test_cross_tenant_assessments_and_plans(gql: GraphQLClient, person: MakePerson) -> None:
    north = await person("Q31")
    await name_lead(gql, north)
    [assessment] = await history(gql, north.token, north.organisation_id, [1])
    plan = (
        await gql.data(
            CREATE_PLAN,
            {
                "input": {
                    "organisationId": north.organisation_id,
                    "serviceChange": "A&E changes",
                    "engagementApproach": "workshops",
                    "monitoringArrangements": "board",
                    "policyArea": "PATIENT_SAFETY",
                    "targetLevel": "DISSEMINATION",
                    "nextReviewOn": "2030-01-01",
                }
            },
            as_role=("sha_admin", "Q31"),
        )
    )["createEngagementPlan"]["plan"]
    london = await person("Q36")
    await name_lead(gql, london)
    token = london.token
    # lists and filters
    seen = await gql.data(
        LIST, {"first": 100, "filter": {"organisationId": north.organisation_id}}, token=token
    )
    assert seen["escalatorAssessments"]["totalCount"] == 0
    all_mine = await gql.data(LIST, {"first": 500}, token=token)
    assert {e["node"]["shaCode"] for e in all_mine["escalatorAssessments"]["edges"]} <= {"Q36"}
    body = await gql(LIST, {"shas": ["Q31"]}, token=token)
    assert error_codes(body) == ["FORBIDDEN"]
    # node ids and by-id queries
    by_id = await gql.data(
        "query($a: ID!, $p: ID!) { node(id: $a) { id } escalatorAssessment(id: $a) { id }"
        " engagementPlan(id: $p) { id } n2: node(id: $p) { id } }",
        {"a": assessment, "p": plan["id"]},
        token=token,
    )
    assert by_id == {"node": None, "escalatorAssessment": None, "engagementPlan": None, "n2": None}
    plans = await gql.data(
        "query($o: ID!) { engagementPlans(filter: {organisationId: $o}) { totalCount } }",
        {"o": north.organisation_id},
        token=token,
    )
    assert plans["engagementPlans"]["totalCount"] == 0
    # mutations
    up = await gql.data(UPDATE, {"input": {"id": assessment, "evidence": "hijack"}}, token=token)
    assert up["updateEscalatorAssessment"]["__typename"] == "NotFoundError"
    into = await record(gql, token, north.organisation_id, "2010Q1", 1)
    assert into["__typename"] == "NotFoundError"
    foreign_assessor = await gql.data(
        RECORD,
        {
            "input": {
                "organisationId": london.organisation_id,
                "policyArea": "CHOOSE_AND_BOOK",
                "period": "2010Q1",
                "level": "AWARENESS_RAISING",
                "evidence": "x",
                "assessorId": north.id,
            }
        },
        token=token,
    )
    assert foreign_assessor["recordEscalatorAssessment"]["__typename"] == "ValidationError"
    plan_up = await gql.data(
        UPDATE_PLAN, {"input": {"id": plan["id"], "status": "CLOSED"}}, as_role=("sha_admin", "Q36")
    )
    assert plan_up["updateEngagementPlan"]["__typename"] == "NotFoundError"
    # collation of another SHA
    flags = await gql.data(FLAGS, {"n": 1}, as_role=("sha_admin", "Q36"))
    assert all(
        f["organisation"]["id"] != north.organisation_id for f in flags["escalatorEarlySupport"]
    )
    trends = await gql.data(
        "query($o: ID!) { escalatorTrends(organisationId: $o) { policyAreaCode } }",
        {"o": north.organisation_id},
        as_role=("sha_admin", "Q36"),
    )
    assert trends["escalatorTrends"] == []
    dist = await gql.data(
        "{ escalatorLevelDistribution { shaCode } }", as_role=("sha_admin", "Q36")
    )
    assert {d["shaCode"] for d in dist["escalatorLevelDistribution"]} <= {"Q36"}
    # the original is untouched
    still = await gql.data(UPDATE, {"input": {"id": assessment}}, token=north.token)
    assert still["updateEscalatorAssessment"]["assessment"]["evidence"] == "evidence for level 1"


async def test_national_lead_collates_across_regions(
    gql: GraphQLClient, person: MakePerson
) -> None:
    north = await person("Q31")
    london = await person("Q36")
    await name_lead(gql, north)
    await name_lead(gql, london)
    await history(gql, north.token, north.organisation_id, [1, 1, 1])
    await history(gql, london.token, london.organisation_id, [1, 1, 1])
    flags = await gql.data(FLAGS, {"n": 2}, as_role=("national_lead", None))
    ids = {f["organisation"]["id"] for f in flags["escalatorEarlySupport"]}
    assert {north.organisation_id, london.organisation_id} <= ids


async def test_assessment_page_costs_the_same_for_3_and_30_rows(
    gql: GraphQLClient, person: MakePerson, sql_log: SqlLog
) -> None:
    me = await person("Q32")
    for _ in range(3):
        org = (await create_organisation(gql, "Q32"))["id"]
        await name_lead(gql, me, org)
        await history(gql, me.token, org, [1, 2, 3, 3, 4, 4, 4, 4, 4, 4])
    counts = []
    for size in (3, 30):
        sql_log.clear()
        data = await gql.data(LIST, {"first": size, "shas": ["Q32"]}, token=me.token)
        assert len(data["escalatorAssessments"]["edges"]) == size
        counts.append(counted(sql_log))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 6, sql_log.queries()
    for query in (FLAGS,):
        sql_log.clear()
        await gql.data(query, {"n": 2}, as_role=("sha_admin", "Q32"))
        assert counted(sql_log) <= 4, sql_log.queries()


PLANS = """
query($first: Int, $filter: EngagementPlanFilter) {
  engagementPlans(first: $first, filter: $filter, shas: ["Q30"]) {
    totalCount edges { node { id overdue organisation { id name } lead { id displayName } } }
  }
}"""


async def test_plan_page_costs_the_same_for_2_and_10_rows(
    gql: GraphQLClient, person: MakePerson, sql_log: SqlLog, backdate_plan: Any
) -> None:
    lead = await person("Q30")
    for i in range(10):
        org = (await create_organisation(gql, "Q30"))["id"]
        result = await gql.data(
            CREATE_PLAN,
            {
                "input": {
                    "organisationId": org,
                    "serviceChange": f"Change {i}",
                    "engagementApproach": "forum",
                    "monitoringArrangements": "board",
                    "policyArea": "RTT_18_WEEKS",
                    "targetLevel": "CLINICAL_INVOLVEMENT",
                    "nextReviewOn": str(dt.date.today() + dt.timedelta(days=50)),
                    "leadId": lead.id,
                }
            },
            as_role=("sha_admin", "Q30"),
        )
        assert result["createEngagementPlan"]["__typename"] == "EngagementPlanPayload"
        if i % 2:
            await backdate_plan(result["createEngagementPlan"]["plan"]["id"], 5)
    blank = await gql.data(
        CREATE_PLAN,
        {
            "input": {
                "organisationId": lead.organisation_id,
                "serviceChange": " ",
                "engagementApproach": "x",
                "monitoringArrangements": "y",
                "policyArea": "RTT_18_WEEKS",
                "targetLevel": "CLINICAL_INVOLVEMENT",
                "nextReviewOn": "2030-01-01",
            }
        },
        as_role=("sha_admin", "Q30"),
    )
    assert blank["createEngagementPlan"]["fields"][0]["field"] == "serviceChange"
    counts = []
    for size in (2, 10):
        sql_log.clear()
        page = await gql.data(PLANS, {"first": size}, token=lead.token)
        assert len(page["engagementPlans"]["edges"]) == size
        counts.append(counted(sql_log))
    assert counts[0] == counts[1] <= 5, counts
    overdue = await gql.data(PLANS, {"first": 100, "filter": {"overdue": True}}, token=lead.token)
    assert overdue["engagementPlans"]["totalCount"] >= 5
    assert all(e["node"]["overdue"] for e in overdue["engagementPlans"]["edges"])
