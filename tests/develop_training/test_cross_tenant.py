"""A caller of one SHA reads and writes nothing of another SHA's development,
partnership or evaluation rows, by any path; national programmes are the one
readable exception, and they stay read-only outside their SHA."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from foundation.db import api_url
from foundation.settings import Settings
from tests.develop_training.helpers import (
    admin,
    appoint,
    create_programme,
    create_provider,
    programme_input,
    record_assessment,
    scores,
    tag,
)
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient, error_codes, tenant_context

TABLES = (
    "training_providers",
    "training_programmes",
    "self_assessments",
    "self_assessment_scores",
    "partnerships",
    "senior_clinical_leads",
    "declarations_of_interest",
    "impact_measures",
)


@pytest.fixture
async def q31(gql: GraphQLClient) -> dict[str, Any]:
    """One of everything in Q31, none of it published nationally."""
    programme = await create_programme(gql, "Q31", ["HLM.9"])
    provider = await create_provider(gql, "Q31")
    member = await create_member(gql, "Q31")
    assessment = await record_assessment(gql, "Q31", member["id"], "MLCF", scores("MLCF", 2))
    directorate = await create_organisation(
        gql, "Q31", code=f"X{tag().upper()}", type="SHA_DIRECTORATE", name="Hidden Directorate"
    )
    partnership = (
        await gql.data(
            """mutation($i: CreatePartnershipInput!) { createPartnership(input: $i) {
                 ... on PartnershipPayload { partnership { id } } } }""",
            {
                "i": {
                    "organisationId": directorate["id"],
                    "clinicianId": member["id"],
                    "startsOn": "2009-01-01",
                }
            },
            as_role=admin("Q31"),
        )
    )["createPartnership"]["partnership"]
    lead = (await appoint(gql, "Q31", member["id"], f"secret {tag()}"))["lead"]
    declaration = (
        await gql.data(
            """mutation($i: DeclareInterestInput!) { declareInterest(input: $i) {
                 ... on DeclarationOfInterestPayload { declaration { id } } } }""",
            {
                "i": {
                    "leadId": lead["id"],
                    "declaredOn": "2009-05-01",
                    "interestType": "FINANCIAL",
                    "description": "Consultancy",
                }
            },
            as_role=admin("Q31"),
        )
    )["declareInterest"]["declaration"]
    measure = (
        await gql.data(
            """mutation($i: RecordImpactMeasureInput!) { recordImpactMeasure(input: $i) {
                 ... on ImpactMeasurePayload { measure { id } } } }""",
            {
                "i": {
                    "organisationId": directorate["id"],
                    "measure": "PATIENT_SATISFACTION",
                    "periodStart": "2009-01-01",
                    "value": 80,
                    "source": "Survey",
                }
            },
            as_role=admin("Q31"),
        )
    )["recordImpactMeasure"]["measure"]
    return {
        "programme": programme,
        "provider": provider,
        "member": member,
        "assessment": assessment,
        "directorate": directorate,
        "partnership": partnership,
        "lead": lead,
        "declaration": declaration,
        "measure": measure,
    }


LISTS = """
query($shas: [String!]) {
  trainingProviders(first: 500, shas: $shas) { nodes { id shaCode publishedNationally } }
  trainingProgrammes(first: 500, shas: $shas) { nodes { id shaCode publishedNationally } }
  selfAssessments(first: 500, shas: $shas) { nodes { id shaCode } }
  partnerships(first: 500, shas: $shas) { nodes { id shaCode } }
  directoratesWithoutClinicalLead(first: 500, shas: $shas) { nodes { id shaCode } }
  seniorClinicalLeads(first: 500, shas: $shas) { nodes { id shaCode } }
  impactMeasures(first: 500, shas: $shas) { nodes { id shaCode } }
  impactComparisons(measure: PATIENT_SATISFACTION, activityDate: "2009-01-01", first: 500,
                    shas: $shas) { nodes { shaCode } }
  competencyGaps(frameworkCode: "MLCF", shas: $shas) { shaCode }
}"""


async def test_lists_show_only_own_rows_and_national_programmes(
    gql: GraphQLClient, q31: dict[str, Any]
) -> None:
    for role in ("member", "sha_admin"):
        data = await gql.data(LISTS, as_role=(role, "Q36"))
        for field, value in data.items():
            nodes = value if isinstance(value, list) else value["nodes"]
            foreign = [n for n in nodes if n["shaCode"] != "Q36"]
            assert all(n.get("publishedNationally") for n in foreign), (field, foreign)
        ids = {
            n["id"] for v in data.values() if isinstance(v, dict) for n in v["nodes"] if "id" in n
        }
        for thing in q31.values():
            assert thing["id"] not in ids


async def test_positive_control_national_lead_sees_q31(
    gql: GraphQLClient, q31: dict[str, Any]
) -> None:
    data = await gql.data(LISTS, {"shas": ["Q31"]}, as_role=("national_lead", None))
    assert q31["partnership"]["id"] in {n["id"] for n in data["partnerships"]["nodes"]}
    assert q31["measure"]["id"] in {n["id"] for n in data["impactMeasures"]["nodes"]}


async def test_narrowing_to_another_sha_is_forbidden(gql: GraphQLClient) -> None:
    body = await gql(LISTS, {"shas": ["Q31"]}, as_role=("sha_admin", "Q36"))
    assert body["data"] is None or all(v is None for v in (body["data"] or {}).values())
    assert set(error_codes(body)) == {"FORBIDDEN"}


async def test_node_ids_and_filters_reach_nothing(gql: GraphQLClient, q31: dict[str, Any]) -> None:
    ids = [
        q31[k]["id"]
        for k in (
            "programme",
            "provider",
            "assessment",
            "partnership",
            "lead",
            "declaration",
            "measure",
        )
    ]
    data = await gql.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": ids},
        as_role=("sha_admin", "Q36"),
    )
    assert data["nodes"] == [None] * len(ids)
    member, org = q31["member"]["id"], q31["directorate"]["id"]
    data = await gql.data(
        """query($m: ID!, $o: ID!, $p: ID!) {
          trainingProgramme(id: $p) { id }
          personalProgress(memberId: $m) { trend { assessedOn } }
          selfAssessments(filter: {memberId: $m}) { nodes { id } }
          partnerships(filter: {organisationId: $o}) { nodes { id } }
          p2: partnerships(filter: {memberId: $m}) { nodes { id } }
          seniorClinicalLeads(filter: {memberId: $m, activeOnly: false}) { nodes { id } }
          impactMeasures(filter: {organisationId: $o}) { nodes { id } }
          impactComparisons(measure: PATIENT_SATISFACTION, activityDate: "2009-01-01",
                            organisationId: $o) { nodes { shaCode } }
        }""",
        {"m": member, "o": org, "p": q31["programme"]["id"]},
        as_role=("sha_admin", "Q36"),
    )
    assert data["trainingProgramme"] is None and data["personalProgress"] is None
    for key, value in data.items():
        if isinstance(value, dict) and "nodes" in value:
            assert value["nodes"] == [], key


MUTATIONS: list[tuple[str, str, Any]] = [
    (
        "createTrainingProgramme",
        "CreateTrainingProgrammeInput",
        lambda t: programme_input(t["provider"]["id"], ["HLM.1"]),
    ),
    (
        "updateTrainingProgramme",
        "UpdateTrainingProgrammeInput",
        lambda t: {"id": t["programme"]["id"], "title": "Mine"},
    ),
    (
        "recordSelfAssessment",
        "RecordSelfAssessmentInput",
        lambda t: {
            "memberId": t["member"]["id"],
            "frameworkCode": "MLCF",
            "assessedOn": "2009-01-01",
            "scores": scores("MLCF"),
        },
    ),
    (
        "createPartnership",
        "CreatePartnershipInput",
        lambda t: {
            "organisationId": t["directorate"]["id"],
            "clinicianId": t["member"]["id"],
            "startsOn": "2009-01-01",
        },
    ),
    (
        "endPartnership",
        "EndPartnershipInput",
        lambda t: {"id": t["partnership"]["id"], "endsOn": "2009-12-31"},
    ),
    (
        "appointSeniorClinicalLead",
        "AppointSeniorClinicalLeadInput",
        lambda t: {"memberId": t["member"]["id"], "pathway": "stroke", "appointedOn": "2009-01-01"},
    ),
    (
        "endSeniorClinicalLead",
        "EndSeniorClinicalLeadInput",
        lambda t: {"id": t["lead"]["id"], "endsOn": "2009-12-31"},
    ),
    (
        "declareInterest",
        "DeclareInterestInput",
        lambda t: {
            "leadId": t["lead"]["id"],
            "declaredOn": "2009-01-01",
            "interestType": "FINANCIAL",
            "description": "x",
        },
    ),
    (
        "recordImpactMeasure",
        "RecordImpactMeasureInput",
        lambda t: {
            "organisationId": t["directorate"]["id"],
            "measure": "PATIENT_SATISFACTION",
            "periodStart": "2009-02-01",
            "value": 1,
            "source": "x",
        },
    ),
]


async def test_mutations_on_another_sha_write_nothing(
    gql: GraphQLClient, q31: dict[str, Any], admin_url: str, settings: Settings
) -> None:
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        counts = [await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES]
        audit = await conn.fetchval("SELECT count(*) FROM audit_log WHERE sha_code = 'Q31'")
        for name, input_type, make in MUTATIONS:
            query = f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ __typename }} }}"
            data = await gql.data(query, {"i": make(q31)}, as_role=admin("Q36"))
            assert data[name]["__typename"] in ("NotFoundError", "ForbiddenError"), name
        provider = await gql.data(
            """mutation { createTrainingProvider(input: {shaCode: "Q31", name: "Sneaky"}) {
                 __typename } }""",
            as_role=admin("Q36"),
        )
        assert provider["createTrainingProvider"]["__typename"] == "ForbiddenError"
        assert [await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES] == counts
        assert await conn.fetchval("SELECT count(*) FROM audit_log WHERE sha_code = 'Q31'") == audit
        lead = await conn.fetchrow(
            "SELECT ends_on FROM senior_clinical_leads WHERE sha_code = 'Q31' AND id = $1::uuid",
            _key(q31["lead"]["id"]),
        )
        assert lead["ends_on"] is None
    finally:
        await conn.close()


def _key(global_id: str) -> str:
    from tests.develop_training.helpers import raw_key

    return raw_key(global_id)


@pytest.mark.parametrize("table", TABLES)
async def test_database_policy_hides_other_regions(
    admin_url: str, settings: Settings, table: str, q31: dict[str, Any]
) -> None:
    conn = await asyncpg.connect(
        api_url(settings, admin_url), server_settings={"search_path": settings.db_schema}
    )
    try:
        async with conn.transaction():
            await conn.execute(tenant_context(settings, "Q36"))
            national = table in ("training_providers", "training_programmes")
            where = " AND NOT published_nationally" if national else ""
            shas = {
                r[0]
                for r in await conn.fetch(
                    f"SELECT DISTINCT sha_code FROM {table} WHERE true{where}"
                )
            }
            assert shas <= {"Q36"}
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with conn.transaction():
                await conn.execute(tenant_context(settings, "Q36", "Q36"))
                await conn.execute(
                    "INSERT INTO training_providers (sha_code, name) VALUES ('Q31', 'Smuggled')"
                )
    finally:
        await conn.close()


async def test_every_write_is_audited_in_its_sha(
    q31: dict[str, Any], admin_url: str, settings: Settings
) -> None:
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        rows = await conn.fetch(
            "SELECT entity_type, entity_id, action, actor FROM audit_log WHERE sha_code = 'Q31'"
            " AND entity_id = ANY($1::text[])",
            [_key(q31[k]["id"]) for k in q31],
        )
    finally:
        await conn.close()
    actions = {(r["entity_type"], r["action"]) for r in rows}
    assert {
        ("TrainingProgramme", "training_programme.create"),
        ("TrainingProvider", "training_provider.create"),
        ("SelfAssessment", "self_assessment.record"),
        ("Partnership", "partnership.create"),
        ("SeniorClinicalLead", "senior_clinical_lead.appoint"),
        ("DeclarationOfInterest", "declaration_of_interest.record"),
        ("ImpactMeasure", "impact_measure.record"),
    } <= actions
    assert all(r["actor"].startswith("user:") for r in rows)
