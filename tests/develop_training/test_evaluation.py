"""Evaluation: impact measures with a before/after comparison, personal progress."""

from __future__ import annotations

from typing import Any

from tests.develop_training.helpers import (
    admin,
    data_statements,
    raw_key,
    record_assessment,
    scores,
)
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient, SqlLog

RECORD = """
mutation($input: RecordImpactMeasureInput!) {
  recordImpactMeasure(input: $input) {
    __typename
    ... on ImpactMeasurePayload { measure { id value periodStart organisation { id } } }
    ... on UserError { code message }
    ... on ValidationError { fields { field message } }
  }
}"""

COMPARE = """
query($measure: ImpactMeasureKind!, $date: Date!, $org: ID, $months: Int, $first: Int) {
  impactComparisons(measure: $measure, activityDate: $date, organisationId: $org,
                    months: $months, first: $first) {
    nodes { shaCode activityMonth beforeMean afterMean beforePeriods afterPeriods change
      organisation { id name } }
  }
}"""

MEASURES = """
query($filter: ImpactMeasureFilter, $first: Int) {
  impactMeasures(filter: $filter, first: $first) {
    totalCount nodes { id value periodStart measure organisation { name } }
  }
}"""

PROGRESS = """
query($id: ID!) {
  personalProgress(memberId: $id) {
    member { id }
    trend { assessedOn frameworkCode averageScore learningNeeds }
    assessments(first: 10) { nodes { assessedOn } }
    setsAttended actionsCompleted
  }
}"""


async def record(gql: GraphQLClient, sha: str, org: str, month: str, value: float) -> Any:
    data = await gql.data(
        RECORD,
        {
            "input": {
                "organisationId": org,
                "measure": "CHOOSE_AND_BOOK_UPTAKE",
                "periodStart": month,
                "value": value,
                "source": "Choose and Book monthly",
            }
        },
        as_role=admin(sha),
    )
    return data["recordImpactMeasure"]


async def test_before_and_after_comparison(gql: GraphQLClient) -> None:
    org = await create_organisation(gql, "Q31")
    for month, value in (
        ("2007-12-01", 10),  # outside the 3-month window
        ("2008-03-01", 40),
        ("2008-05-01", 42),
        ("2008-06-01", 60),
        ("2008-08-01", 62),
        ("2008-09-01", 99),  # outside the window
    ):
        assert (await record(gql, "Q31", org["id"], month, value))["__typename"] == (
            "ImpactMeasurePayload"
        )
    data = await gql.data(
        COMPARE,
        {"measure": "CHOOSE_AND_BOOK_UPTAKE", "date": "2008-06-15", "org": org["id"], "months": 3},
        as_role=("member", "Q31"),
    )
    [row] = data["impactComparisons"]["nodes"]
    assert row["activityMonth"] == "2008-06-01"
    assert (row["beforeMean"], row["afterMean"], row["change"]) == (41.0, 61.0, 20.0)
    assert (row["beforePeriods"], row["afterPeriods"]) == (2, 2)
    assert row["organisation"]["id"] == org["id"]
    listed = await gql.data(
        MEASURES,
        {
            "filter": {
                "organisationId": org["id"],
                "fromPeriod": "2008-01-01",
                "toPeriod": "2008-06-30",
            }
        },
        as_role=("member", "Q31"),
    )
    assert [n["value"] for n in listed["impactMeasures"]["nodes"]] == [60.0, 42.0, 40.0]


async def test_measure_validation_and_duplicates(gql: GraphQLClient) -> None:
    org = await create_organisation(gql, "Q31")
    bad_day = await record(gql, "Q31", org["id"], "2008-03-15", 40)
    assert bad_day["__typename"] == "ValidationError"
    assert bad_day["fields"][0]["field"] == "periodStart"
    bad_value = await record(gql, "Q31", org["id"], "2008-03-01", 120)
    assert bad_value["fields"][0]["field"] == "value"
    assert (await record(gql, "Q31", org["id"], "2008-03-01", 40))["__typename"] == (
        "ImpactMeasurePayload"
    )
    assert (await record(gql, "Q31", org["id"], "2008-03-01", 41))["__typename"] == "ConflictError"
    body = await gql(
        COMPARE,
        {"measure": "CHOOSE_AND_BOOK_UPTAKE", "date": "2008-06-15", "months": 0},
        as_role=("member", "Q31"),
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_comparison_page_costs_the_same_for_2_and_8(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    counts = []
    for size in (2, 8):
        sql_log.clear()
        data = await gql.data(
            COMPARE,
            {"measure": "CHOOSE_AND_BOOK_UPTAKE", "date": "2008-06-01", "first": size},
            as_role=("national_lead", None),
        )
        assert len(data["impactComparisons"]["nodes"]) == size
        counts.append(len(data_statements(sql_log)))
    assert counts[0] == counts[1] <= 3, counts


async def test_personal_progress_shows_assessments_over_time(
    gql: GraphQLClient, make_token: Any
) -> None:
    member = await create_member(gql, "Q35")
    await record_assessment(gql, "Q35", member["id"], "MLCF", scores("MLCF", 2), "2009-03-01")
    await record_assessment(gql, "Q35", member["id"], "MLCF", scores("MLCF", 3), "2010-03-01")
    token = make_token("member", "Q35", member_id=raw_key(member["id"]))
    data = await gql.data(PROGRESS, {"id": member["id"]}, token=token)
    progress = data["personalProgress"]
    assert progress["member"]["id"] == member["id"]
    assert progress["trend"] == [
        {
            "assessedOn": "2009-03-01",
            "frameworkCode": "MLCF",
            "averageScore": 2.0,
            "learningNeeds": 20,
        },
        {
            "assessedOn": "2010-03-01",
            "frameworkCode": "MLCF",
            "averageScore": 3.0,
            "learningNeeds": 0,
        },
    ]
    assert [a["assessedOn"] for a in progress["assessments"]["nodes"]] == [
        "2010-03-01",
        "2009-03-01",
    ]
    # the learning-sets domain registers real counters; this member has no set history
    assert progress["setsAttended"] == 0 and progress["actionsCompleted"] == 0
    # another member of the same SHA does not see it; an SHA admin does
    peer = await gql.data(PROGRESS, {"id": member["id"]}, as_role=("member", "Q35"))
    assert peer["personalProgress"] is None
    admin_view = await gql.data(PROGRESS, {"id": member["id"]}, as_role=admin("Q35"))
    assert admin_view["personalProgress"]["trend"] == progress["trend"]


async def test_measure_page_costs_the_same_for_2_and_50(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    counts = []
    for size in (2, 50):
        sql_log.clear()
        data = await gql.data(
            MEASURES,
            {"first": size, "filter": {"measures": ["CHOOSE_AND_BOOK_UPTAKE"]}},
            as_role=("national_lead", None),
        )
        nodes = data["impactMeasures"]["nodes"]
        assert len(nodes) == size and all(n["organisation"]["name"] for n in nodes)
        counts.append(len(data_statements(sql_log)))
    assert counts[0] == counts[1] <= 4, counts
