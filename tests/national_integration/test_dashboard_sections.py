"""The domain sections of the national dashboard: learning-set attendance, Escalator level
distribution by SHA and policy area, training gaps. Figures are checked against direct SQL
written differently from the API's; the cost does not grow with the number of SHAs."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx

from resolvers.national.permissions import AGGREGATE_SCOPE
from tests.rollout.partner_tokens import issue_partner_token
from tests.rollout.queries import change_status, onboard
from tests.support import GraphQLClient, SqlLog, error_codes

SECTIONS = """
query($shas: [String!], $period: String) {
  nationalDashboard(shas: $shas) {
    shaCodes
    learningSetAttendance {
      shaCode pilot sets activeSets meetingsHeld attendanceRecords attended attendanceRate
    }
    escalatorLevels(period: $period) {
      shaCode pilot policyAreaCode awarenessRaising clinicalInvolvement dissemination
      acceptanceAndAdoption organisations
    }
    trainingGaps {
      shaCode pilot frameworkCode competencyCode membersAssessed membersInNeed covered
    }
  }
}"""

WITH_AREA = """
query($shas: [String!]) {
  nationalDashboard(shas: $shas) {
    escalatorLevels { shaCode policyAreaCode policyArea { code name national } }
  }
}"""

NATIONAL = ("national_lead", None)


async def test_attendance_matches_direct_counts(gql: GraphQLClient, owner_sql: Any) -> None:
    data = await gql.data(SECTIONS, {"shas": ["Q31", "Q36"]}, as_role=NATIONAL)
    got = {r["shaCode"]: r for r in data["nationalDashboard"]["learningSetAttendance"]}
    assert set(got) == {"Q31", "Q36"}
    for sha in ("Q31", "Q36"):
        [expected] = await owner_sql(
            """
            SELECT (SELECT count(*) FROM learning_sets WHERE sha_code = $1) AS sets,
                   (SELECT count(*) FROM learning_sets
                     WHERE sha_code = $1 AND status = 'ACTIVE') AS active,
                   (SELECT count(*) FROM learning_set_meetings
                     WHERE sha_code = $1 AND status = 'HELD') AS held,
                   (SELECT count(*) FROM learning_set_attendance a
                      JOIN learning_set_meetings m ON m.sha_code = a.sha_code
                       AND m.id = a.meeting_id AND m.status = 'HELD'
                     WHERE a.sha_code = $1) AS records,
                   (SELECT count(*) FROM learning_set_attendance a
                      JOIN learning_set_meetings m ON m.sha_code = a.sha_code
                       AND m.id = a.meeting_id AND m.status = 'HELD'
                     WHERE a.sha_code = $1 AND a.status = 'ATTENDED') AS attended
            """,
            sha,
        )
        row = got[sha]
        assert expected["sets"] > 0 and expected["records"] > 0, "the seed holds learning sets"
        assert (
            row["sets"],
            row["activeSets"],
            row["meetingsHeld"],
            row["attendanceRecords"],
            row["attended"],
        ) == (
            expected["sets"],
            expected["active"],
            expected["held"],
            expected["records"],
            expected["attended"],
        )
        # rounded to 3 decimals in SQL (half away from zero)
        exact = Decimal(expected["attended"]) / Decimal(expected["records"])
        assert Decimal(str(row["attendanceRate"])) == exact.quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )
        assert row["pilot"] is False


async def test_escalator_levels_match_direct_counts(gql: GraphQLClient, owner_sql: Any) -> None:
    latest = await owner_sql(
        """
        SELECT sha_code, policy_area, level, count(*) AS n FROM (
            SELECT sha_code, policy_area, level,
                   row_number() OVER (PARTITION BY sha_code, organisation_id, policy_area
                                      ORDER BY period DESC) AS rn
            FROM escalator_assessments WHERE sha_code IN ('Q31', 'Q36')
        ) ranked WHERE rn = 1 GROUP BY 1, 2, 3
        """
    )
    assert latest, "the seed holds Escalator assessments"
    data = await gql.data(SECTIONS, {"shas": ["Q31", "Q36"]}, as_role=NATIONAL)
    rows = data["nationalDashboard"]["escalatorLevels"]
    names = ["awarenessRaising", "clinicalInvolvement", "dissemination", "acceptanceAndAdoption"]
    got = {
        (r["shaCode"], r["policyAreaCode"], level + 1): r[name]
        for r in rows
        for level, name in enumerate(names)
        if r[name]
    }
    assert got == {(r["sha_code"], r["policy_area"], r["level"]): r["n"] for r in latest}
    for r in rows:
        assert r["organisations"] == sum(r[n] for n in names)

    [period] = await owner_sql(
        "SELECT period FROM escalator_assessments WHERE sha_code = 'Q31'"
        " GROUP BY period ORDER BY count(*) DESC, period LIMIT 1"
    )
    in_period = await owner_sql(
        "SELECT sha_code, policy_area, count(*) AS n FROM escalator_assessments"
        " WHERE sha_code IN ('Q31', 'Q36') AND period = $1 GROUP BY 1, 2",
        period["period"],
    )
    data = await gql.data(
        SECTIONS, {"shas": ["Q31", "Q36"], "period": period["period"]}, as_role=NATIONAL
    )
    assert {
        (r["shaCode"], r["policyAreaCode"]): r["organisations"]
        for r in data["nationalDashboard"]["escalatorLevels"]
    } == {(r["sha_code"], r["policy_area"]): r["n"] for r in in_period}

    bad = await gql(SECTIONS, {"shas": ["Q31"], "period": "2009-01"}, as_role=NATIONAL)
    assert error_codes(bad) == ["BAD_USER_INPUT"]


async def test_escalator_levels_name_the_policy_area(gql: GraphQLClient) -> None:
    data = await gql.data(WITH_AREA, {"shas": ["Q31", "Q36"]}, as_role=NATIONAL)
    rows = data["nationalDashboard"]["escalatorLevels"]
    assert rows
    for r in rows:
        assert r["policyArea"]["code"] == r["policyAreaCode"]


async def test_training_gaps_match_direct_counts(gql: GraphQLClient, owner_sql: Any) -> None:
    expected = await owner_sql(
        """
        WITH latest AS (
            SELECT a.sha_code, a.id, a.framework_code FROM self_assessments a
            WHERE a.sha_code IN ('Q31', 'Q36')
              AND (a.assessed_on, a.created_at) = (
                  SELECT max(b.assessed_on), max(b.created_at) FILTER (
                         WHERE b.assessed_on = (SELECT max(c.assessed_on) FROM self_assessments c
                          WHERE c.sha_code = a.sha_code AND c.member_id = a.member_id
                            AND c.framework_code = a.framework_code))
                  FROM self_assessments b
                  WHERE b.sha_code = a.sha_code AND b.member_id = a.member_id
                    AND b.framework_code = a.framework_code)
        )
        SELECT s.sha_code, l.framework_code, s.competency_code, count(*) AS assessed,
               sum((s.score < f.need_below)::int) AS in_need
        FROM self_assessment_scores s
        JOIN latest l ON l.sha_code = s.sha_code AND l.id = s.assessment_id
        JOIN competency_frameworks f ON f.code = l.framework_code
        GROUP BY 1, 2, 3 HAVING sum((s.score < f.need_below)::int) > 0
        """
    )
    covered = {
        (r["sha_code"], r["code"])
        for r in await owner_sql(
            "SELECT s.code AS sha_code, c.code FROM shas s"
            " JOIN training_programmes p ON p.sha_code = s.code OR p.published_nationally"
            " CROSS JOIN LATERAL unnest(p.competency_codes) AS c(code)"
            " WHERE s.code IN ('Q31', 'Q36')"
        )
    }
    assert expected, "the seed holds self-assessments with learning needs"
    data = await gql.data(SECTIONS, {"shas": ["Q31", "Q36"]}, as_role=NATIONAL)
    got = {
        (r["shaCode"], r["frameworkCode"], r["competencyCode"]): (
            r["membersAssessed"],
            r["membersInNeed"],
            r["covered"],
        )
        for r in data["nationalDashboard"]["trainingGaps"]
    }
    assert got == {
        (r["sha_code"], r["framework_code"], r["competency_code"]): (
            r["assessed"],
            r["in_need"],
            (r["sha_code"], r["competency_code"]) in covered,
        )
        for r in expected
    }


async def test_sections_cost_one_statement_each_for_two_shas_or_all(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    counts = []
    for shas in (["Q31", "Q36"], None):
        sql_log.clear()
        data = await gql.data(SECTIONS, {"shas": shas}, as_role=NATIONAL)
        assert len(data["nationalDashboard"]["shaCodes"]) >= (2 if shas else 10)
        request = sql_log.queries()
        counts.append(len(request))
        assert sum("GROUP BY" in s for s in request) == 3, request
    assert counts[0] == counts[1]
    # one statement per section and the cross-region read row (the tenant context
    # travels with BEGIN, outside SQLAlchemy's statement events)
    assert counts[0] == 4, sql_log.statements


async def test_members_and_sha_admins_are_refused(gql: GraphQLClient) -> None:
    for role, sha in (("member", "Q31"), ("sha_admin", "Q31")):
        body = await gql(SECTIONS, {"shas": None}, as_role=(role, sha))
        assert error_codes(body) == ["FORBIDDEN"]


async def test_pilot_marked_and_retired_absent(gql: GraphQLClient) -> None:
    code = f"W{uuid.uuid4().hex[:2].upper()}"
    await onboard(gql, code, "Integration pilot region")
    assert (await change_status(gql, code, "PILOT"))["__typename"] == "ShaStatusPayload"
    created = await gql.data(
        """mutation($input: CreateLearningSetInput!) { createLearningSet(input: $input) {
             __typename } }""",
        {
            "input": {
                "shaCode": code,
                "name": "Pilot maternity set",
                "focusKind": "CARE_PATHWAY",
                "focus": "Maternity services",
            }
        },
        as_role=("sha_admin", code),
    )
    assert created["createLearningSet"]["__typename"] == "LearningSetPayload"
    data = await gql.data(SECTIONS, {"shas": [code, "Q31"]}, as_role=NATIONAL)
    board = data["nationalDashboard"]
    pilot = {r["shaCode"]: r for r in board["learningSetAttendance"]}
    assert pilot[code]["pilot"] is True and pilot[code]["sets"] == 1
    assert pilot[code]["attendanceRate"] is None
    assert pilot["Q31"]["pilot"] is False

    assert (await change_status(gql, code, "RETIRED"))["__typename"] == "ShaStatusPayload"
    everything = await gql.data(SECTIONS, {"shas": None}, as_role=NATIONAL)
    board = everything["nationalDashboard"]
    assert code not in board["shaCodes"]
    for section in ("learningSetAttendance", "escalatorLevels", "trainingGaps"):
        assert code not in {r["shaCode"] for r in board[section]}


async def test_partner_sees_sections_only_for_granted_shas(
    partner_http: httpx.AsyncClient, settings: Any, signing_key: Any
) -> None:
    token = issue_partner_token(
        signing_key,
        issuer=settings.issuer,
        audience=settings.audience,
        client_id=f"kings-fund-{uuid.uuid4().hex[:6]}",
        scopes=[AGGREGATE_SCOPE],
        shas=["Q32", "Q36"],
    )
    partner = GraphQLClient(partner_http, None)
    data = await partner.data(SECTIONS, {"shas": None}, token=token)
    board = data["nationalDashboard"]
    assert board["shaCodes"] == ["Q32", "Q36"]
    for section in ("learningSetAttendance", "escalatorLevels", "trainingGaps"):
        assert {r["shaCode"] for r in board[section]} <= {"Q32", "Q36"}
    assert {r["shaCode"] for r in board["learningSetAttendance"]} == {"Q32", "Q36"}
    outside = await partner(SECTIONS, {"shas": ["Q31"]}, token=token)
    assert error_codes(outside) == ["FORBIDDEN"]
