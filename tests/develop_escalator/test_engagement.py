"""Medical engagement: ranges, MES scores with source, SHA comparison, tenancy, SQL cost."""

from __future__ import annotations

from typing import Any

from tests.develop_escalator.conftest import counted, raw_key
from tests.factories import create_organisation
from tests.support import GraphQLClient, SqlLog, error_codes

RECORD = """
mutation($input: RecordMedicalEngagementInput!) {
  recordMedicalEngagement(input: $input) {
    __typename
    ... on MedicalEngagementPayload { score { id period doctorsEngagedPct rating source
        mes { overallIndex openCulture purposeAndDirection valuedAndEmpowered }
        organisation { id } } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

UPDATE = """
mutation($input: UpdateMedicalEngagementInput!) {
  updateMedicalEngagement(input: $input) {
    __typename
    ... on MedicalEngagementPayload { score { id rating } }
    ... on UserError { code message }
  }
}"""

COMPARE = """
query($period: String!, $shas: [String!]) {
  medicalEngagementComparison(period: $period, shas: $shas) {
    shaCode rank doctorsEngagedPct shaMeanPct differenceFromMean organisationsCompared
    mesIndex mesIndexRank mesIndexDifferenceFromMean organisation { id }
  }
}"""


async def score(
    gql: GraphQLClient, sha: str, org: str, period: str, pct: float, mes: float | None = None
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "organisationId": org,
        "period": period,
        "doctorsEngagedPct": pct,
        "rating": 3,
        "source": "MES survey 2008 (NHS Institute)",
    }
    if mes is not None:
        values["mes"] = {
            "overallIndex": mes,
            "openCulture": mes - 1,
            "purposeAndDirection": mes + 1,
            "valuedAndEmpowered": mes,
        }
    data = await gql.data(RECORD, {"input": values}, as_role=("sha_admin", sha))
    result: dict[str, Any] = data["recordMedicalEngagement"]
    return result


async def test_scores_are_validated_and_audited(gql: GraphQLClient, audit_actions: Any) -> None:
    org = (await create_organisation(gql, "Q34"))["id"]
    saved = await score(gql, "Q34", org, "2008Q4", 44.0, mes=61.5)
    assert saved["__typename"] == "MedicalEngagementPayload"
    assert saved["score"]["mes"] == {
        "overallIndex": 61.5,
        "openCulture": 60.5,
        "purposeAndDirection": 62.5,
        "valuedAndEmpowered": 61.5,
    }
    assert saved["score"]["source"].startswith("MES survey")
    assert await audit_actions(raw_key(saved["score"]["id"])) == ["engagement.score.create"]
    bad = await gql.data(
        RECORD,
        {
            "input": {
                "organisationId": org,
                "period": "2009Q9",
                "doctorsEngagedPct": 140,
                "rating": 6,
                "source": " ",
                "mes": {"overallIndex": -1},
            }
        },
        as_role=("sha_admin", "Q34"),
    )
    fields = {f["field"] for f in bad["recordMedicalEngagement"]["fields"]}
    assert fields == {"period", "doctorsEngagedPct", "rating", "source", "mes.overallIndex"}
    dup = await score(gql, "Q34", org, "2008Q4", 10)
    assert dup["__typename"] == "ConflictError"
    up = await gql.data(
        UPDATE, {"input": {"id": saved["score"]["id"], "rating": 5}}, as_role=("sha_admin", "Q34")
    )
    assert up["updateMedicalEngagement"]["score"]["rating"] == 5
    body = await gql(
        UPDATE, {"input": {"id": saved["score"]["id"], "rating": 1}}, as_role=("member", "Q34")
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_comparison_ranks_within_each_sha(gql: GraphQLClient) -> None:
    period = "2006Q2"
    orgs = [(await create_organisation(gql, "Q35"))["id"] for _ in range(3)]
    for org, pct, mes in zip(orgs, (44.0, 17.0, 30.0), (70.0, None, 50.0), strict=True):
        assert (await score(gql, "Q35", org, period, pct, mes))[
            "__typename"
        ] == "MedicalEngagementPayload"
    rows = (
        await gql.data(COMPARE, {"period": period, "shas": ["Q35"]}, as_role=("sha_admin", "Q35"))
    )["medicalEngagementComparison"]
    mine = {r["organisation"]["id"]: r for r in rows if r["organisation"]["id"] in orgs}
    assert len(mine) == 3
    count = rows[0]["organisationsCompared"]
    mean = sum(r["doctorsEngagedPct"] for r in rows) / count
    top, low, mid = (mine[o] for o in orgs)
    assert top["rank"] < mid["rank"] < low["rank"]
    assert abs(top["shaMeanPct"] - round(mean, 2)) < 0.01
    assert abs(top["differenceFromMean"] - round(44.0 - mean, 2)) < 0.01
    assert low["mesIndex"] is None and low["mesIndexRank"] is None
    assert top["mesIndexRank"] < mid["mesIndexRank"]


async def test_cross_tenant_scores(gql: GraphQLClient, sql_log: SqlLog) -> None:
    org = (await create_organisation(gql, "Q31"))["id"]
    saved = (await score(gql, "Q31", org, "2007Q1", 25.0))["score"]
    london = ("sha_admin", "Q36")
    data = await gql.data(
        "query($id: ID!, $o: ID!) { node(id: $id) { id } medicalEngagementScore(id: $id) { id }"
        " medicalEngagementScores(filter: {organisationId: $o}) { totalCount }"
        " all: medicalEngagementScores(first: 500) { edges { node { shaCode } } } }",
        {"id": saved["id"], "o": org},
        as_role=london,
    )
    assert data["node"] is None and data["medicalEngagementScore"] is None
    assert data["medicalEngagementScores"]["totalCount"] == 0
    assert {e["node"]["shaCode"] for e in data["all"]["edges"]} <= {"Q36"}
    body = await gql(COMPARE, {"period": "2007Q1", "shas": ["Q31"]}, as_role=london)
    assert error_codes(body) == ["FORBIDDEN"]
    compared = await gql.data(COMPARE, {"period": "2007Q1"}, as_role=london)
    assert {r["shaCode"] for r in compared["medicalEngagementComparison"]} <= {"Q36"}
    up = await gql.data(UPDATE, {"input": {"id": saved["id"], "rating": 1}}, as_role=london)
    assert up["updateMedicalEngagement"]["__typename"] == "NotFoundError"
    into = await score(gql, "Q36", org, "2007Q2", 1.0)
    assert into["__typename"] == "NotFoundError"
    # a page with nested organisations costs the same for 2 and 20 rows
    for _ in range(20):
        other = (await create_organisation(gql, "Q37"))["id"]
        await score(gql, "Q37", other, "2007Q3", 20.0)
    counts = []
    for size in (2, 20):
        sql_log.clear()
        page = await gql.data(
            'query($n: Int) { medicalEngagementScores(first: $n, shas: ["Q37"])'
            " { edges { node { id organisation { name } mes { overallIndex } } } } }",
            {"n": size},
            as_role=("sha_admin", "Q37"),
        )
        assert len(page["medicalEngagementScores"]["edges"]) == size
        counts.append(counted(sql_log))
    assert counts[0] == counts[1] <= 4, counts
    sql_log.clear()
    await gql.data(COMPARE, {"period": "2007Q3"}, as_role=("sha_admin", "Q37"))
    assert counted(sql_log) <= 4
