"""The request transaction begins with the tenant context in one round trip
(tenants/transaction.py): writes commit, failed mutations write nothing, errors roll
back, other regions stay out of reach, and the context never outlives the request."""

from __future__ import annotations

from typing import Any

import asyncpg
from starlette.applications import Starlette

from foundation.settings import Settings
from tests.support import GraphQLClient

UPDATE = """
mutation($id: ID!, $email: String) {
  updateMember(input: { id: $id, email: $email }) {
    __typename
    ... on MemberPayload { member { id email } }
    ... on UserError { code }
  }
}"""
READ = "query($id: ID!) { node(id: $id) { ... on Member { email } } }"


async def first_member(gql: GraphQLClient, sha: str) -> str:
    page = await gql.data(
        f'{{ members(first: 1, shas: ["{sha}"]) {{ nodes {{ id }} }} }}', as_role=("sha_admin", sha)
    )
    member_id: str = page["members"]["nodes"][0]["id"]
    return member_id


async def email_of(gql: GraphQLClient, member_id: str, sha: str) -> Any:
    data = await gql.data(READ, {"id": member_id}, as_role=("sha_admin", sha))
    return data["node"]["email"]


async def test_write_commits_and_failed_write_leaves_nothing(
    bench_gql: GraphQLClient, bench_admin_url: str, settings: Settings
) -> None:
    member_id = await first_member(bench_gql, "Q31")
    saved = await bench_gql.data(
        UPDATE, {"id": member_id, "email": "committed@nhs.example"}, as_role=("sha_admin", "Q31")
    )
    assert saved["updateMember"]["member"]["email"] == "committed@nhs.example"
    assert await email_of(bench_gql, member_id, "Q31") == "committed@nhs.example"

    refused = await bench_gql.data(
        UPDATE, {"id": member_id, "email": "not an email"}, as_role=("sha_admin", "Q31")
    )
    assert refused["updateMember"]["__typename"] == "ValidationError"
    assert await email_of(bench_gql, member_id, "Q31") == "committed@nhs.example"

    conn = await asyncpg.connect(bench_admin_url)
    try:
        audited = await conn.fetchval(
            f"SELECT count(*) FROM {settings.db_schema}.audit_log"
            " WHERE sha_code = 'Q31' AND entity_type = 'Member' AND entity_id = $1",
            str(await _key(conn, settings, "committed@nhs.example")),
        )
    finally:
        await conn.close()
    assert audited == 1


async def _key(conn: asyncpg.Connection, settings: Settings, email: str) -> Any:
    return await conn.fetchval(
        f"SELECT id FROM {settings.db_schema}.members WHERE email = $1", email
    )


async def test_other_region_is_out_of_reach_for_reads_and_writes(
    bench_gql: GraphQLClient,
) -> None:
    london = await first_member(bench_gql, "Q36")
    before = await email_of(bench_gql, london, "Q36")
    seen = await bench_gql.data(READ, {"id": london}, as_role=("sha_admin", "Q31"))
    assert seen["node"] is None
    tried = await bench_gql.data(
        UPDATE, {"id": london, "email": "leak@nhs.example"}, as_role=("sha_admin", "Q31")
    )
    assert tried["updateMember"]["__typename"] in {"NotFoundError", "ForbiddenError"}
    assert await email_of(bench_gql, london, "Q36") == before


async def test_error_rolls_back_and_context_does_not_outlive_the_request(
    bench_gql: GraphQLClient, bench_app: Starlette
) -> None:
    body = await bench_gql(
        '{ members(first: 5, after: "not-a-cursor") { nodes { id } } }',
        as_role=("sha_admin", "Q31"),
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await first_member(bench_gql, "Q31")  # the pool still serves requests
    engine = bench_app.state.cln.engine
    for _ in range(3):  # every pooled connection, as a later request would get it
        async with engine.connect() as conn:
            raw: Any = await conn.get_raw_connection()
            setting = await raw.driver_connection.fetchval(
                "SELECT current_setting('app.read_shas', true)"
            )
            assert not setting
