"""Malformed ids, cursors and arguments give typed errors, never a 500."""

from __future__ import annotations

import pytest

from tests.support import GraphQLClient, error_codes

BAD_QUERIES = [
    '{ escalatorAssessment(id: "garbage") { id } }',
    '{ engagementPlan(id: "garbage") { id } }',
    '{ caseStudy(id: "garbage") { id } }',
    '{ consultation(id: "garbage") { id } }',
    '{ medicalEngagementScore(id: "garbage") { id } }',
    '{ escalatorAssessments(after: "nope") { totalCount } }',
    '{ escalatorAssessments(filter: {periodFrom: "2009-01"}) { totalCount } }',
    '{ medicalEngagementComparison(period: "Q1 2009") { rank } }',
    "{ escalatorEarlySupport(periods: 0) { reason } }",
]

BAD_MUTATIONS = [
    (
        "recordEscalatorAssessment",
        'mutation { recordEscalatorAssessment(input: {organisationId: "garbage",'
        ' policyArea: "CHOOSE_AND_BOOK", period: "2009Q1", level: AWARENESS_RAISING,'
        ' evidence: "e"}) { __typename } }',
    ),
    (
        "createCaseStudy",
        'mutation { createCaseStudy(input: {shaCode: "nope", title: "t", topic: "t",'
        ' summary: "s", outcomes: "o"}) { __typename } }',
    ),
    (
        "recordMedicalEngagement",
        'mutation { recordMedicalEngagement(input: {organisationId: "garbage", period: "2009Q1",'
        ' doctorsEngagedPct: 10, rating: 3, source: "s"}) { __typename } }',
    ),
    (
        "editConsultationResponse",
        'mutation { editConsultationResponse(input: {id: "garbage", body: "b"}) { __typename } }',
    ),
]


@pytest.mark.parametrize("query", BAD_QUERIES)
async def test_bad_query_arguments(gql: GraphQLClient, query: str) -> None:
    body = await gql(query, as_role=("sha_admin", "Q31"))
    assert error_codes(body) == ["BAD_USER_INPUT"], body


@pytest.mark.parametrize(("field", "mutation"), BAD_MUTATIONS)
async def test_bad_mutation_input(gql: GraphQLClient, field: str, mutation: str) -> None:
    body = await gql(mutation, as_role=("sha_admin", "Q31"))
    assert not body.get("errors"), body
    assert body["data"][field]["__typename"] == "ValidationError"


async def test_anonymous_callers_get_nothing(gql: GraphQLClient) -> None:
    body = await gql("{ caseStudies { totalCount } }")
    assert error_codes(body) == ["UNAUTHENTICATED"]
