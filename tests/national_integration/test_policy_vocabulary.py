"""One policy-area vocabulary: networks serve the Escalator's areas (national ones and
the ones their SHA added), the gap analysis covers SHA-added areas, another SHA's areas
are refused by the API and the database, and migration 0820 keeps existing data valid."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import asyncpg
from alembic import command

from clngraph.bootstrap import alembic_config, ensure_database, ensure_roles_and_schema
from tests.connect_networks.conftest import CREATE_NETWORK, create_network
from tests.support import GraphQLClient, SqlLog

ADD_AREA = """
mutation($input: AddPolicyAreaInput!) {
  addEscalatorPolicyArea(input: $input) {
    __typename ... on PolicyAreaPayload { policyArea { code shaCode } }
  }
}"""

GAPS = """
query($sha: String!) {
  networkGaps(shaCode: $sha) { policyAreasWithoutNetwork { code name national shaCode } }
}"""

NETWORK_AREAS = """
query($id: ID!) { network(id: $id) { policyAreaCodes policyAreas { code national shaCode } } }"""


async def _add_area(gql: GraphQLClient, sha: str) -> str:
    code = f"LOCAL_{secrets.token_hex(3).upper()}"
    data = await gql.data(
        ADD_AREA,
        {"input": {"shaCode": sha, "code": code, "name": "Community stroke rehabilitation"}},
        as_role=("sha_admin", sha),
    )
    assert data["addEscalatorPolicyArea"]["__typename"] == "PolicyAreaPayload", data
    return code


async def _gap_codes(gql: GraphQLClient, sha: str) -> dict[str, Any]:
    data = await gql.data(GAPS, {"sha": sha}, as_role=("member", sha))
    return {a["code"]: a for a in data["networkGaps"]["policyAreasWithoutNetwork"]}


async def test_sha_added_area_is_a_gap_until_a_network_serves_it(gql: GraphQLClient) -> None:
    code = await _add_area(gql, "Q32")
    gaps = await _gap_codes(gql, "Q32")
    assert gaps[code]["national"] is False and gaps[code]["shaCode"] == "Q32"
    network = await create_network(gql, "Q32", policyAreas=[code.lower(), "PATIENT_SAFETY"])
    assert network["policyAreaCodes"] == [code, "PATIENT_SAFETY"]
    assert code not in await _gap_codes(gql, "Q32")
    data = await gql.data(NETWORK_AREAS, {"id": network["id"]}, as_role=("member", "Q32"))
    assert data["network"]["policyAreas"] == [
        {"code": code, "national": False, "shaCode": "Q32"},
        {"code": "PATIENT_SAFETY", "national": True, "shaCode": None},
    ]
    filtered = await gql.data(
        "query($f: NetworkFilter) { networks(filter: $f) { nodes { id } } }",
        {"f": {"policyAreas": [code]}},
        as_role=("member", "Q32"),
    )
    assert [n["id"] for n in filtered["networks"]["nodes"]] == [network["id"]]


async def test_another_shas_area_is_refused_and_invisible(
    gql: GraphQLClient, owner_sql: Any
) -> None:
    code = await _add_area(gql, "Q32")
    assert code not in await _gap_codes(gql, "Q31")
    data = await gql.data(
        CREATE_NETWORK,
        {
            "input": {
                "shaCode": "Q31",
                "name": f"Borrowed {code}",
                "kind": "ROLE_NETWORK",
                "policyAreas": [code],
            }
        },
        as_role=("sha_admin", "Q31"),
    )
    result = data["createNetwork"]
    assert result["__typename"] == "ValidationError"
    assert [f["field"] for f in result["fields"]] == ["policyAreas"]
    rows = await owner_sql("SELECT count(*) FROM networks WHERE name = $1", f"Borrowed {code}")
    assert rows[0][0] == 0
    filtered = await gql.data(
        "query($f: NetworkFilter) { networks(filter: $f) { totalCount } }",
        {"f": {"policyAreas": [code]}},
        as_role=("member", "Q31"),
    )
    assert filtered["networks"]["totalCount"] == 0
    # The rule is the service's, in the writing transaction: no trigger repeats it in
    # the database (the schema also runs on Citus, docs/scale-out.md).


async def test_update_checks_the_vocabulary(gql: GraphQLClient) -> None:
    network = await create_network(gql, "Q33", policyAreas=["CHOOSE_AND_BOOK"])
    update = """mutation($input: UpdateNetworkInput!) { updateNetwork(input: $input) {
      __typename ... on NetworkPayload { network { policyAreaCodes } }
      ... on ValidationError { fields { field } } } }"""
    bad = await gql.data(
        update,
        {"input": {"id": network["id"], "policyAreas": ["EIGHTEEN_WEEKS"]}},
        as_role=("sha_admin", "Q33"),
    )
    assert bad["updateNetwork"] == {
        "__typename": "ValidationError",
        "fields": [{"field": "policyAreas"}],
    }
    good = await gql.data(
        update,
        {"input": {"id": network["id"], "policyAreas": ["RTT_18_WEEKS", "LONG_TERM_CONDITIONS"]}},
        as_role=("sha_admin", "Q33"),
    )
    assert good["updateNetwork"]["network"]["policyAreaCodes"] == [
        "RTT_18_WEEKS",
        "LONG_TERM_CONDITIONS",
    ]


async def test_network_page_resolves_areas_in_one_statement(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    code = await _add_area(gql, "Q34")
    prefix = f"Vocabulary {secrets.token_hex(3)}"
    for i in range(6):
        await create_network(
            gql, "Q34", name=f"{prefix} {i}", policyAreas=[code, "CHOOSE_AND_BOOK"][: 1 + i % 2]
        )
    query = """query($s: String!, $n: Int!) { networks(first: $n, filter: {search: $s}) {
      nodes { policyAreas { code name } } } }"""
    counts = []
    for size in (2, 6):
        sql_log.clear()
        data = await gql.data(query, {"s": prefix, "n": size}, as_role=("member", "Q34"))
        assert len(data["networks"]["nodes"]) == size
        counts.append(sum("policy_areas" in s and "UNION ALL" in s for s in sql_log.statements))
    assert counts == [1, 1]


async def test_migration_maps_existing_network_areas(new_database_url: Any, settings: Any) -> None:
    """A database at 0800 holding networks with the old enum's codes upgrades to a valid
    state: EIGHTEEN_WEEKS becomes RTT_18_WEEKS, the other codes are national areas."""
    url = await new_database_url("cln_vocab")
    await ensure_database(url)
    await ensure_roles_and_schema(url, settings)
    config = alembic_config(url, settings)
    await asyncio.to_thread(command.upgrade, config, "0800")
    conn = await asyncpg.connect(url, server_settings={"search_path": settings.db_schema})
    try:
        await conn.execute(
            "INSERT INTO networks (sha_code, name, kind, policy_areas) VALUES"
            " ('Q31', 'Old cardiac', 'ROLE_NETWORK', ARRAY['EIGHTEEN_WEEKS', 'MATERNITY_SERVICES']),"
            " ('Q32', 'Old end of life', 'ROLE_NETWORK', ARRAY['END_OF_LIFE_CARE'])"
        )
        await asyncio.to_thread(command.upgrade, config, "heads")
        rows = await conn.fetch("SELECT name, policy_areas FROM networks ORDER BY name")
        assert [(r["name"], list(r["policy_areas"])) for r in rows] == [
            ("Old cardiac", ["RTT_18_WEEKS", "MATERNITY_SERVICES"]),
            ("Old end of life", ["END_OF_LIFE_CARE"]),
        ]
        national = {
            r["code"] for r in await conn.fetch("SELECT code FROM escalator_national_policy_areas")
        }
        assert {
            "RTT_18_WEEKS",
            "MATERNITY_SERVICES",
            "YOUNG_PEOPLES_SERVICES",
            "LONG_TERM_CONDITIONS",
            "END_OF_LIFE_CARE",
            "URGENT_AND_EMERGENCY_CARE",
            "MENTAL_HEALTH_SERVICES",
        } <= national
        # the old enum's CHECK is gone; the vocabulary rule is the service's
        checks = await conn.fetchval(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = CAST('networks' AS regclass)"
            " AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%policy_areas%'"
        )
        assert checks == 0
    finally:
        await conn.close()
