"""Competency frameworks and the training directory (own SHA plus national programmes)."""

from __future__ import annotations

from typing import Any

import asyncpg

from foundation.settings import Settings
from tests.develop_training.helpers import (
    CREATE_PROGRAMME,
    admin,
    create_programme,
    create_provider,
    data_statements,
    programme_input,
)
from tests.support import GraphQLClient, SqlLog, error_codes

FRAMEWORKS = """
{ competencyFrameworks { code name unit levels needBelow
    competencies { code groupCode groupName name } } }"""

PROGRAMMES = """
query($first: Int, $filter: ProgrammeFilter) {
  trainingProgrammes(first: $first, filter: $filter) {
    totalCount
    nodes { id title shaCode publishedNationally format fundingSources
      provider { id name shaCode } competencies { code name } }
  }
}"""

UPDATE = """
mutation($input: UpdateTrainingProgrammeInput!) {
  updateTrainingProgramme(input: $input) {
    __typename
    ... on TrainingProgrammePayload { programme { id title publishedNationally } }
    ... on UserError { code message }
  }
}"""


async def test_frameworks_are_reference_data(gql: GraphQLClient) -> None:
    data = await gql.data(FRAMEWORKS, as_role=("member", "Q31"))
    frameworks = {f["code"]: f for f in data["competencyFrameworks"]}
    mlcf, hlm = frameworks["MLCF"], frameworks["HLM"]
    assert len(mlcf["competencies"]) == 20
    domains = {c["groupName"] for c in mlcf["competencies"]}
    assert domains == {
        "Demonstrating Personal Qualities",
        "Working with Others",
        "Managing Services",
        "Improving Services",
        "Setting Direction",
    }
    assert all(sum(1 for c in mlcf["competencies"] if c["groupName"] == d) == 4 for d in domains)
    assert len(hlm["competencies"]) == 9
    assert hlm["levels"] == ["ESSENTIAL", "PROFICIENT", "STRONG", "EXEMPLARY"]
    assert hlm["unit"] == "dimension" and mlcf["unit"] == "element"
    assert mlcf["needBelow"] == 3


async def test_directory_lists_own_and_national_programmes(gql: GraphQLClient) -> None:
    own = await create_programme(gql, "Q33", ["HLM.2"])
    national = await create_programme(gql, "Q34", ["HLM.2"], national=True)
    hidden = await create_programme(gql, "Q34", ["HLM.2"])
    data = await gql.data(
        PROGRAMMES,
        {"first": 500, "filter": {"competencyCodes": ["HLM.2"]}},
        as_role=("member", "Q33"),
    )
    ids = {n["id"] for n in data["trainingProgrammes"]["nodes"]}
    assert own["id"] in ids and national["id"] in ids and hidden["id"] not in ids
    # the national programme's provider is published with it
    node = next(n for n in data["trainingProgrammes"]["nodes"] if n["id"] == national["id"])
    assert node["provider"]["shaCode"] == "Q34"
    assert [c["code"] for c in node["competencies"]] == ["HLM.2"]
    only_own = await gql.data(
        PROGRAMMES,
        {"first": 500, "filter": {"competencyCodes": ["HLM.2"], "includeNational": False}},
        as_role=("member", "Q33"),
    )
    assert {n["shaCode"] for n in only_own["trainingProgrammes"]["nodes"]} == {"Q33"}
    only_national = await gql.data(
        PROGRAMMES, {"first": 500, "filter": {"nationalOnly": True}}, as_role=("member", "Q33")
    )
    assert all(n["publishedNationally"] for n in only_national["trainingProgrammes"]["nodes"])
    assert national["id"] in {n["id"] for n in only_national["trainingProgrammes"]["nodes"]}


async def test_programme_filters(gql: GraphQLClient) -> None:
    coaching = await create_programme(
        gql, "Q35", ["HLM.3"], format="COACHING", fundingSources=["DEANERY"], costPence=100
    )
    workshop = await create_programme(gql, "Q35", ["HLM.3"], costPence=999999)
    data = await gql.data(
        PROGRAMMES,
        {
            "first": 500,
            "filter": {
                "competencyCodes": ["HLM.3"],
                "formats": ["COACHING"],
                "fundingSources": ["DEANERY"],
                "maxCostPence": 1000,
            },
        },
        as_role=("member", "Q35"),
    )
    ids = [n["id"] for n in data["trainingProgrammes"]["nodes"]]
    assert coaching["id"] in ids and workshop["id"] not in ids
    search = await gql.data(
        PROGRAMMES,
        {"first": 5, "filter": {"search": coaching["title"][-6:]}},
        as_role=("member", "Q35"),
    )
    assert [n["id"] for n in search["trainingProgrammes"]["nodes"]] == [coaching["id"]]


async def test_programme_validation_is_typed_and_writes_nothing(
    gql: GraphQLClient, admin_url: str, settings: Settings
) -> None:
    provider = await create_provider(gql, "Q33")
    bad: list[dict[str, Any]] = [
        {"competencyCodes": ["MLCF.9.9"]},
        {"competencyCodes": []},
        {"fundingSources": []},
        {"costPence": -1},
        {"lengthDays": 0},
        {"title": "  "},
    ]
    expected_fields = [
        "competencyCodes",
        "competencyCodes",
        "fundingSources",
        "costPence",
        "lengthDays",
        "title",
    ]
    for fields, field in zip(bad, expected_fields, strict=True):
        data = await gql.data(
            CREATE_PROGRAMME,
            {"input": programme_input(provider["id"], ["MLCF.1.1"], **fields)},
            as_role=admin("Q33"),
        )
        result = data["createTrainingProgramme"]
        assert result["__typename"] == "ValidationError", result
        assert field in [f["field"] for f in result["fields"]]
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        count = await conn.fetchval(
            "SELECT count(*) FROM training_programmes WHERE sha_code = 'Q33' AND provider_id = $1",
            __import__("uuid").UUID(_key(provider["id"])),
        )
    finally:
        await conn.close()
    assert count == 0


def _key(global_id: str) -> str:
    from tests.develop_training.helpers import raw_key

    return raw_key(global_id)


async def test_members_cannot_edit_the_directory(gql: GraphQLClient) -> None:
    provider = await create_provider(gql, "Q33")
    body = await gql(
        CREATE_PROGRAMME,
        {"input": programme_input(provider["id"], ["MLCF.1.1"])},
        as_role=("member", "Q33"),
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_national_programme_is_readable_but_only_owner_edits_and_audited(
    gql: GraphQLClient, admin_url: str, settings: Settings
) -> None:
    programme = await create_programme(gql, "Q31", ["HLM.4"], national=True)
    read = await gql.data(
        "query($id: ID!) { trainingProgramme(id: $id) { id title provider { name } } }",
        {"id": programme["id"]},
        as_role=("member", "Q36"),
    )
    assert read["trainingProgramme"]["id"] == programme["id"]
    assert read["trainingProgramme"]["provider"]["name"].startswith("Provider")
    refused = await gql.data(
        UPDATE, {"input": {"id": programme["id"], "title": "Hijacked"}}, as_role=admin("Q36")
    )
    assert refused["updateTrainingProgramme"]["__typename"] == "ForbiddenError"
    owner = await gql.data(
        UPDATE,
        {"input": {"id": programme["id"], "title": "Renamed", "publishedNationally": False}},
        as_role=admin("Q31"),
    )
    assert owner["updateTrainingProgramme"]["programme"] == {
        "id": programme["id"],
        "title": "Renamed",
        "publishedNationally": False,
    }
    gone = await gql.data(
        "query($id: ID!) { trainingProgramme(id: $id) { id } }",
        {"id": programme["id"]},
        as_role=("member", "Q36"),
    )
    assert gone["trainingProgramme"] is None
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        actions = [
            r["action"]
            for r in await conn.fetch(
                "SELECT action FROM audit_log WHERE sha_code = 'Q31' AND entity_id = $1"
                " ORDER BY occurred_at",
                _key(programme["id"]),
            )
        ]
    finally:
        await conn.close()
    assert actions == ["training_programme.create", "training_programme.update"]


async def test_directory_page_costs_the_same_for_2_and_20_rows(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    for _ in range(20):
        await create_programme(gql, "Q37", ["HLM.5"])
    counts = []
    for size in (2, 20):
        sql_log.clear()
        data = await gql.data(
            PROGRAMMES,
            {"first": size, "filter": {"competencyCodes": ["HLM.5"], "includeNational": False}},
            as_role=("member", "Q37"),
        )
        assert len(data["trainingProgrammes"]["nodes"]) == size
        counts.append(len(data_statements(sql_log)))
    assert counts[0] == counts[1] <= 5, counts
