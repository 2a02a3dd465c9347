"""Self-assessments, the learning needs that follow, matched programmes, the SHA gap."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from foundation.settings import Settings
from tests.develop_training.helpers import (
    RECORD_ASSESSMENT,
    create_programme,
    data_statements,
    raw_key,
    record_assessment,
    scores,
)
from tests.factories import create_member
from tests.support import GraphQLClient, SqlLog

GAPS = """
query($fw: String!, $filter: GapFilter, $shas: [String!]) {
  competencyGaps(frameworkCode: $fw, filter: $filter, shas: $shas) {
    shaCode competencyCode membersAssessed membersInNeed ownProgrammes nationalProgrammes
    covered competency { name }
  }
}"""

ASSESSMENTS = """
query($first: Int) {
  selfAssessments(first: $first) {
    nodes { id assessedOn averageScore member { displayName organisation { name } }
      framework { name } scores { competencyCode score competency { name } }
      learningNeeds { competencyCode matchedProgrammes { id provider { name } } } }
  }
}"""


def _input(member_id: str, score_list: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "memberId": member_id,
            "frameworkCode": "MLCF",
            "assessedOn": "2009-06-01",
            "scores": score_list,
            **fields,
        }
    }


async def test_member_records_own_assessment_with_needs_and_matches(
    gql: GraphQLClient, make_token: Any
) -> None:
    own = await create_programme(gql, "Q38", ["MLCF.5.4"])
    national = await create_programme(gql, "Q30", ["MLCF.5.4"], national=True)
    member = await create_member(gql, "Q38")
    token = make_token("member", "Q38", member_id=raw_key(member["id"]))
    data = await gql.data(
        RECORD_ASSESSMENT, _input(member["id"], scores("MLCF", 3, MLCF_5_4=1)), token=token
    )
    result = data["recordSelfAssessment"]
    assert result["__typename"] == "SelfAssessmentPayload", result
    assessment = result["assessment"]
    assert assessment["averageScore"] == round((19 * 3 + 1) / 20, 2)
    [need] = assessment["learningNeeds"]
    assert need["competencyCode"] == "MLCF.5.4" and need["score"] == 1
    matched = [p["id"] for p in need["matchedProgrammes"]]
    assert matched[0] == own["id"] and national["id"] in matched
    assert all(p["shaCode"] in ("Q38", "Q30") for p in need["matchedProgrammes"])


async def test_a_member_may_not_assess_someone_else(gql: GraphQLClient, make_token: Any) -> None:
    me = await create_member(gql, "Q38")
    other = await create_member(gql, "Q38")
    token = make_token("member", "Q38", member_id=raw_key(me["id"]))
    data = await gql.data(RECORD_ASSESSMENT, _input(other["id"], scores("MLCF")), token=token)
    assert data["recordSelfAssessment"]["__typename"] == "ForbiddenError"


async def test_incomplete_or_out_of_range_assessments_are_refused(
    gql: GraphQLClient, admin_url: str, settings: Settings
) -> None:
    member = await create_member(gql, "Q38")
    full = scores("MLCF")
    cases: list[tuple[dict[str, Any], str]] = [
        (_input(member["id"], full[:-1]), "scores"),
        (
            _input(member["id"], [*full[:-1], {"competencyCode": "MLCF.5.4", "score": 5}]),
            "scores[19].score",
        ),
        (_input(member["id"], [*full, full[0]]), "scores[20].competencyCode"),
        (
            _input(member["id"], [*full[:-1], {"competencyCode": "HLM.1", "score": 2}]),
            "scores[19].competencyCode",
        ),
        (_input(member["id"], full, assessedOn="2999-01-01"), "assessedOn"),
        (_input(member["id"], full, frameworkCode="NOPE"), "frameworkCode"),
    ]
    for variables, field in cases:
        data = await gql.data(RECORD_ASSESSMENT, variables, as_role=("sha_admin", "Q38"))
        result = data["recordSelfAssessment"]
        assert result["__typename"] == "ValidationError", result
        assert field in [f["field"] for f in result["fields"]], result
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        written = await conn.fetchval(
            "SELECT count(*) FROM self_assessments WHERE sha_code = 'Q38' AND member_id = $1",
            uuid.UUID(raw_key(member["id"])),
        )
    finally:
        await conn.close()
    assert written == 0


async def test_gap_counts_members_in_need_and_cover(gql: GraphQLClient) -> None:
    def row(data: dict[str, Any], code: str) -> dict[str, Any]:
        return next(g for g in data["competencyGaps"] if g["competencyCode"] == code)

    before = await gql.data(GAPS, {"fw": "HLM"}, as_role=("sha_admin", "Q38"))
    assert {g["shaCode"] for g in before["competencyGaps"]} == {"Q38"}
    assert len(before["competencyGaps"]) == 9
    member = await create_member(gql, "Q38")
    await record_assessment(gql, "Q38", member["id"], "HLM", scores("HLM", 4, HLM_8=2))
    after = await gql.data(GAPS, {"fw": "HLM"}, as_role=("sha_admin", "Q38"))
    assert row(after, "HLM.8")["membersInNeed"] == row(before, "HLM.8")["membersInNeed"] + 1
    assert row(after, "HLM.8")["membersAssessed"] == row(before, "HLM.8")["membersAssessed"] + 1
    assert row(after, "HLM.1")["membersInNeed"] == row(before, "HLM.1")["membersInNeed"]
    assert row(after, "HLM.8")["covered"] is False
    uncovered = await gql.data(
        GAPS,
        {"fw": "HLM", "filter": {"uncoveredOnly": True, "minMembersInNeed": 1}},
        as_role=("sha_admin", "Q38"),
    )
    assert "HLM.8" in [g["competencyCode"] for g in uncovered["competencyGaps"]]
    # a later assessment replaces the earlier one in the gap
    await record_assessment(gql, "Q38", member["id"], "HLM", scores("HLM", 4), "2009-09-01")
    latest = await gql.data(GAPS, {"fw": "HLM"}, as_role=("sha_admin", "Q38"))
    assert row(latest, "HLM.8")["membersInNeed"] == row(before, "HLM.8")["membersInNeed"]
    await create_programme(gql, "Q30", ["HLM.8"], national=True)
    covered = await gql.data(GAPS, {"fw": "HLM"}, as_role=("sha_admin", "Q38"))
    assert row(covered, "HLM.8")["nationalProgrammes"] == 1
    assert row(covered, "HLM.8")["ownProgrammes"] == 0 and row(covered, "HLM.8")["covered"]
    # the owner SHA counts its own programme as own, not national
    at_owner = await gql.data(GAPS, {"fw": "HLM"}, as_role=("sha_admin", "Q30"))
    assert row(at_owner, "HLM.8")["ownProgrammes"] == 1
    assert row(at_owner, "HLM.8")["nationalProgrammes"] == 0


async def test_gap_statement_count_does_not_grow_with_regions(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    counts = []
    for role in (("sha_admin", "Q31"), ("national_lead", None)):
        sql_log.clear()
        data = await gql.data(GAPS, {"fw": "MLCF"}, as_role=role)
        assert len(data["competencyGaps"]) == 20 * len(
            {g["shaCode"] for g in data["competencyGaps"]}
        )
        counts.append(len(data_statements(sql_log)))
    assert counts[0] == counts[1] <= 5, counts


async def test_gap_refuses_unknown_framework_and_foreign_regions(gql: GraphQLClient) -> None:
    body = await gql(GAPS, {"fw": "XYZ"}, as_role=("sha_admin", "Q31"))
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = await gql(GAPS, {"fw": "MLCF", "shas": ["Q36"]}, as_role=("sha_admin", "Q31"))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_assessment_page_with_nested_needs_costs_the_same_for_2_and_10(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    counts = []
    for size in (2, 10):
        sql_log.clear()
        data = await gql.data(ASSESSMENTS, {"first": size}, as_role=("sha_admin", "Q32"))
        assert len(data["selfAssessments"]["nodes"]) == size
        assert all(len(n["scores"]) == 20 for n in data["selfAssessments"]["nodes"])
        counts.append(len(data_statements(sql_log)))
    assert counts[0] == counts[1] <= 10, counts


async def test_members_read_only_their_own_assessments(gql: GraphQLClient, make_token: Any) -> None:
    me = await create_member(gql, "Q38")
    other = await create_member(gql, "Q38")
    mine = await record_assessment(gql, "Q38", me["id"], "HLM", scores("HLM"))
    theirs = await record_assessment(gql, "Q38", other["id"], "HLM", scores("HLM"))
    token = make_token("member", "Q38", member_id=raw_key(me["id"]))
    query = """query($a: ID!, $b: ID!) {
      selfAssessments(first: 500) { nodes { id } }
      a: node(id: $a) { id }
      b: node(id: $b) { id }
    }"""
    data = await gql.data(query, {"a": mine["id"], "b": theirs["id"]}, token=token)
    assert [n["id"] for n in data["selfAssessments"]["nodes"]] == [mine["id"]]
    assert data["a"] == {"id": mine["id"]} and data["b"] is None
    anonymous_member = await gql.data(
        query, {"a": mine["id"], "b": theirs["id"]}, as_role=("member", "Q38")
    )
    assert anonymous_member["selfAssessments"]["nodes"] == [] and anonymous_member["a"] is None
    admin_view = await gql.data(
        query, {"a": mine["id"], "b": theirs["id"]}, as_role=("sha_admin", "Q38")
    )
    assert admin_view["a"] and admin_view["b"]
