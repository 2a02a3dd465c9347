"""The floor is a fair yardstick only if it answers the same JSON as the service:
checked for the read operations over real HTTP (ASGI) on the same database."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from bench import operations
from tenants.codes import SEEDED_SHAS
from tests.support import GraphQLClient


async def floor_data(
    client: httpx.AsyncClient, op: str, variables: dict[str, Any], read: str
) -> Any:
    body = orjson.dumps({"query": "", "variables": variables})
    response = await client.post(
        f"/{op}", content=body, headers={"x-read-shas": read, "x-write-shas": ""}
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.mark.parametrize(
    "op, variables",
    [("1", {"profession": "GP", "first": 50}), ("3", {"first": 120}), ("2", {})],
)
async def test_floor_answers_the_same_page(
    bench_gql: GraphQLClient, floor_client: httpx.AsyncClient, op: str, variables: dict[str, Any]
) -> None:
    ours = await bench_gql.data(
        operations.query_text("ours", op), variables, as_role=("national_lead", None)
    )
    floor = await floor_data(floor_client, op, variables, ",".join(SEEDED_SHAS))
    assert floor == ours
    if op == "1":  # members with networks, and members in none, are both on the page
        counts = {len(e["node"]["networks"]) for e in ours["members"]["edges"]}
        assert 0 in counts and max(counts) > 1


async def test_floor_answers_the_same_node_and_only_in_scope(
    bench_gql: GraphQLClient, floor_client: httpx.AsyncClient
) -> None:
    page = await bench_gql.data(
        '{ members(first: 1, shas: ["Q36"]) { nodes { id } } }', as_role=("sha_admin", "Q36")
    )
    variables = {"id": page["members"]["nodes"][0]["id"]}
    ours = await bench_gql.data(
        operations.query_text("ours", "4"), variables, as_role=("sha_admin", "Q36")
    )
    assert await floor_data(floor_client, "4", variables, "Q36") == ours
    # another region's context sees nothing, by the query and by RLS
    assert await floor_data(floor_client, "4", variables, "Q31") == {"node": None}
