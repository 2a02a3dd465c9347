"""No statement outlives its request transaction, and none of the ways a field can
fail costs the request its connection: a sibling fetch that fails (`nodes`), a
non-null field refused, a statement timeout, a request cancelled mid-fetch. Each is
run 100 times, for the race; a connection discarded for any of them would show as an
invalidated connection, and one left in a transaction in `pg_stat_activity`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import event
from starlette.applications import Starlette

from clngraph.app import create_app
from foundation.settings import Settings
from resolvers.common.ids import encode_id
from tests.develop_escalator.test_policy import open_consultation
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient, error_codes

RUNS = 100


@contextlib.contextmanager
def new_connections(app: Starlette) -> Iterator[list[object]]:
    """The connections the app's engine discards (invalidates) while the block runs."""
    discarded: list[object] = []

    def count(dbapi_connection: Any, _record: Any, _error: Any) -> None:
        discarded.append(dbapi_connection)

    engine = app.state.cln.engine.sync_engine
    event.listen(engine, "invalidate", count)
    try:
        yield discarded
    finally:
        event.remove(engine, "invalidate", count)


async def idle_in_transaction(admin_url: str) -> int:
    conn = await asyncpg.connect(admin_url)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cln-graph'"
                " AND state LIKE 'idle in transaction%'"
            )
        )
    finally:
        await conn.close()


async def warm(gql: GraphQLClient) -> None:
    """Every kept connection open before counting, and one for the registry's refresh
    (which checks one out of the pool every two seconds)."""
    bodies = await asyncio.gather(
        *(
            gql("{ organisations(first: 1) { totalCount } }", as_role=("sha_admin", "Q35"))
            for _ in range(6)
        )
    )
    # on a loaded machine a warm-up statement can pass the impatient app's 100 ms; its
    # connection is opened (and kept) all the same
    assert all(set(error_codes(b)) <= {"STATEMENT_TIMEOUT"} for b in bodies), bodies


async def test_nodes_with_a_failing_sibling_cancels_the_others_cleanly(
    gql: GraphQLClient, app: Starlette, admin_url: str
) -> None:
    members = [await create_member(gql, "Q35") for _ in range(3)]
    ids = [m["id"] for m in members]
    not_a_uuid = encode_id("Member", "Q35", "not-a-uuid")  # well formed; fails in its fetch
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    await warm(gql)
    with new_connections(app) as opened:
        for run in range(RUNS):
            order = [*ids[: run % 3], not_a_uuid, *ids[run % 3 :]]
            body = await gql(query, {"ids": order}, as_role=("sha_admin", "Q35"))
            assert error_codes(body) == ["BAD_USER_INPUT"], body
            assert body["errors"][0]["path"] == ["nodes"]
            assert body["data"] is None  # `nodes` is non-null: its null reaches the root
        good = await gql.data(query, {"ids": ids}, as_role=("sha_admin", "Q35"))
        assert [n["id"] for n in good["nodes"]] == ids
    assert opened == []
    assert await idle_in_transaction(admin_url) == 0


async def test_a_refused_non_null_field_never_closes_the_connection(
    gql: GraphQLClient, app: Starlette, admin_url: str, make_token: Any
) -> None:
    await open_consultation(gql, ("sha_admin", "Q33"), "REGIONAL")
    await open_consultation(gql, ("sha_admin", "Q33"), "REGIONAL")
    member = make_token("member", "Q33")
    query = """{ consultations(first: 10) { edges { node {
        id title myResponse { id } summary { total } } } } }"""
    await warm(gql)
    with new_connections(app) as opened:
        for _ in range(RUNS):
            body = await gql(query, token=member)
            codes = set(error_codes(body))
            assert codes == {"FORBIDDEN"}, body
            assert all(e.get("path") for e in body["errors"])
            assert body["data"] is None  # the refused field's null reaches the root
    assert opened == []
    assert await idle_in_transaction(admin_url) == 0


@pytest.fixture
async def impatient(admin_url: str, settings: Settings) -> AsyncIterator[Starlette]:
    """The app with a 100 ms statement timeout, on the same database."""
    application = create_app(replace(settings, statement_timeout_ms=100), admin_url=admin_url)
    async with application.router.lifespan_context(application):
        yield application


async def test_a_statement_timeout_keeps_its_code_the_rest_of_the_data_and_the_connection(
    impatient: Starlette, gql: GraphQLClient, admin_url: str, make_token: Any
) -> None:
    """A lock held elsewhere makes every read of `members` (and of the dashboard's
    rollup of them) wait past the statement
    timeout: those fields say STATEMENT_TIMEOUT, at their path (the dashboard's, and
    every field after the timeout in the same transaction); nullable fields keep the
    rest of the data; no connection is lost."""
    member = await create_member(gql, "Q35")
    impatient_gql = GraphQLClient(
        httpx.AsyncClient(transport=httpx.ASGITransport(app=impatient), base_url="http://t"),
        make_token,
    )
    dashboard = """{ nationalDashboard(shas: ["Q35"]) {
        shaCodes membersBySha { shaCode members } rollout { shaCode organisations } } }"""
    lookups = """query($id: ID!) { viewer { roles } member(id: $id) { id }
        again: member(id: $id) { givenName } }"""
    lead, admin = make_token("national_lead"), make_token("sha_admin", "Q35")
    await warm(impatient_gql)
    await impatient_gql.data(dashboard, token=lead)
    await impatient_gql.data(lookups, {"id": member["id"]}, token=admin)
    locker = await asyncpg.connect(admin_url)
    try:
        await locker.execute(
            "BEGIN; LOCK TABLE cln.members, cln.rollup_members IN ACCESS EXCLUSIVE MODE"
        )
        with new_connections(impatient) as opened:
            for _ in range(RUNS):
                body = await impatient_gql(dashboard, token=lead)
                assert set(error_codes(body)) == {"STATEMENT_TIMEOUT"}, body
                assert ["nationalDashboard", "membersBySha"] in [e["path"] for e in body["errors"]]
                body = await impatient_gql(lookups, {"id": member["id"]}, token=admin)
                assert error_codes(body) == ["STATEMENT_TIMEOUT"] * 2, body
                assert sorted(e["path"] for e in body["errors"]) == [["again"], ["member"]]
                assert body["data"] == {
                    "viewer": {"roles": ["member", "sha_admin"]},
                    "member": None,
                    "again": None,
                }
        assert opened == []
    finally:
        await locker.execute("ROLLBACK")
        await locker.close()
    after = await impatient_gql.data(lookups, {"id": member["id"]}, token=admin)
    assert after["member"] == {"id": member["id"]}
    await impatient_gql.http.aclose()
    assert await idle_in_transaction(admin_url) == 0


async def test_nodes_with_a_sibling_failing_in_the_database_waits_for_the_others(
    impatient: Starlette, gql: GraphQLClient, admin_url: str, make_token: Any
) -> None:
    """The failing fetch fails in PostgreSQL this time (its table is locked elsewhere:
    a statement timeout), while its siblings' batch is sent or waiting to be: the
    TaskGroup cancels them, the statement in flight runs to its end, the field says
    STATEMENT_TIMEOUT at `nodes`, and the connection is kept."""
    members = [await create_member(gql, "Q35") for _ in range(3)]
    organisation = await create_organisation(gql, "Q35")
    impatient_gql = GraphQLClient(
        httpx.AsyncClient(transport=httpx.ASGITransport(app=impatient), base_url="http://t"),
        make_token,
    )
    admin = make_token("sha_admin", "Q35")
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    await warm(impatient_gql)
    locker = await asyncpg.connect(admin_url)
    try:
        await locker.execute("BEGIN; LOCK TABLE cln.organisations IN ACCESS EXCLUSIVE MODE")
        with new_connections(impatient) as opened:
            for run in range(RUNS):
                ids = [m["id"] for m in members]
                ids.insert(run % 4, organisation["id"])
                body = await impatient_gql(query, {"ids": ids}, token=admin)
                assert error_codes(body) == ["STATEMENT_TIMEOUT"], body
                assert body["errors"][0]["path"] == ["nodes"]
                assert body["data"] is None
        assert opened == []
    finally:
        await locker.execute("ROLLBACK")
        await locker.close()
    ids = [organisation["id"], *(m["id"] for m in members)]
    after = await impatient_gql.data(query, {"ids": ids}, token=admin)
    assert [n["id"] for n in after["nodes"]] == ids
    await impatient_gql.http.aclose()
    assert await idle_in_transaction(admin_url) == 0


async def test_a_request_cancelled_mid_fetch_never_closes_the_connection(
    gql: GraphQLClient, app: Starlette, admin_url: str
) -> None:
    """Cancelled at every point of its life, in turn (a client gone, a loader batch
    whose callers all went): the statement in flight ends first, the transaction is
    rolled back, and the connection is kept."""
    query = """{ members(first: 20, shas: ["Q35"]) { edges { node { id
        organisation { name } networks(first: 3) { role } } } } }"""
    await warm(gql)
    with new_connections(app) as opened:
        for run in range(RUNS):
            request = asyncio.ensure_future(gql.post(query, as_role=("sha_admin", "Q35")))
            for _ in range(run % 25):
                await asyncio.sleep(0)
            request.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await request
        body = await gql.data(query, as_role=("sha_admin", "Q35"))
        assert body["members"]["edges"]
    assert opened == []
    assert await idle_in_transaction(admin_url) == 0
