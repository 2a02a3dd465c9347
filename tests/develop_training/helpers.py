"""Factories for the develop-training tests: rows are created through the API as an
SHA admin (or the member) would."""

from __future__ import annotations

import random
from typing import Any

from resolvers.development.frameworks import competency_rows
from tests.support import GraphQLClient

_rng = random.Random()

CREATE_PROVIDER = """
mutation($input: CreateTrainingProviderInput!) {
  createTrainingProvider(input: $input) {
    __typename
    ... on TrainingProviderPayload { provider { id name shaCode publishedNationally } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

CREATE_PROGRAMME = """
mutation($input: CreateTrainingProgrammeInput!) {
  createTrainingProgramme(input: $input) {
    __typename
    ... on TrainingProgrammePayload {
      programme { id title shaCode publishedNationally competencyCodes }
    }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

RECORD_ASSESSMENT = """
mutation($input: RecordSelfAssessmentInput!) {
  recordSelfAssessment(input: $input) {
    __typename
    ... on SelfAssessmentPayload {
      assessment {
        id assessedOn frameworkCode averageScore
        learningNeeds { competencyCode score matchedProgrammes { id title shaCode } }
      }
    }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

APPOINT_LEAD = """
mutation($input: AppointSeniorClinicalLeadInput!) {
  appointSeniorClinicalLead(input: $input) {
    __typename
    ... on SeniorClinicalLeadPayload { lead { id pathway active shaCode } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""


def admin(sha: str) -> tuple[str, str]:
    return ("sha_admin", sha)


def tag() -> str:
    return f"{_rng.randint(0, 16**6):06x}"


def codes_of(framework: str) -> list[str]:
    return [c.code for c in competency_rows() if c.framework_code == framework]


def scores(framework: str, default: int = 3, **overrides: int) -> list[dict[str, Any]]:
    """One score per competency; override with e.g. `MLCF_5_4=1`."""
    wanted = {k.replace("_", "."): v for k, v in overrides.items()}
    return [
        {"competencyCode": code, "score": wanted.get(code, default)} for code in codes_of(framework)
    ]


async def create_provider(
    gql: GraphQLClient, sha: str, *, national: bool = False
) -> dict[str, Any]:
    data = await gql.data(
        CREATE_PROVIDER,
        {"input": {"shaCode": sha, "name": f"Provider {tag()}", "publishedNationally": national}},
        as_role=admin(sha),
    )
    result = data["createTrainingProvider"]
    assert result["__typename"] == "TrainingProviderPayload", result
    return dict(result["provider"])


def programme_input(provider_id: str, codes: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "providerId": provider_id,
        "title": f"Programme {tag()}",
        "format": "WORKSHOP",
        "lengthDays": 2,
        "costPence": 50000,
        "fundingSources": ["SHA"],
        "competencyCodes": codes,
        **fields,
    }


async def create_programme(
    gql: GraphQLClient, sha: str, codes: list[str], *, national: bool = False, **fields: Any
) -> dict[str, Any]:
    provider = await create_provider(gql, sha)
    values = programme_input(provider["id"], codes, publishedNationally=national, **fields)
    data = await gql.data(CREATE_PROGRAMME, {"input": values}, as_role=admin(sha))
    result = data["createTrainingProgramme"]
    assert result["__typename"] == "TrainingProgrammePayload", result
    return dict(result["programme"])


async def record_assessment(
    gql: GraphQLClient,
    sha: str,
    member_id: str,
    framework: str,
    score_list: list[dict[str, Any]],
    assessed_on: str = "2009-06-01",
) -> dict[str, Any]:
    data = await gql.data(
        RECORD_ASSESSMENT,
        {
            "input": {
                "memberId": member_id,
                "frameworkCode": framework,
                "assessedOn": assessed_on,
                "scores": score_list,
            }
        },
        as_role=admin(sha),
    )
    result = data["recordSelfAssessment"]
    assert result["__typename"] == "SelfAssessmentPayload", result
    return dict(result["assessment"])


async def appoint(gql: GraphQLClient, sha: str, member_id: str, pathway: str) -> dict[str, Any]:
    data = await gql.data(
        APPOINT_LEAD,
        {"input": {"memberId": member_id, "pathway": pathway, "appointedOn": "2009-05-01"}},
        as_role=admin(sha),
    )
    return dict(data["appointSeniorClinicalLead"])


def raw_key(global_id: str) -> str:
    """The database key inside a global id (for tokens that name a member)."""
    import base64

    padded = global_id + "=" * (-len(global_id) % 4)
    return base64.urlsafe_b64decode(padded).decode().split(":", 2)[2]


def data_statements(log: Any) -> list[str]:
    """Statements a request sent for its data (see SqlLog.data_queries)."""
    return list(log.data_queries())
