"""Behaviour on the Citus cluster (a coordinator and two workers, `./dev test-citus`):
one-SHA routing, national fan-out, onboarding and shard moves under load, a worker down.

Collected only in citus mode (marker `citus`, tests/conftest.py): the PostgreSQL run
deselects them rather than skipping them.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from clngraph.citus_cluster import CitusCluster
from foundation.db import api_url
from foundation.settings import Settings
from tenants.admin import make_admin_engine
from tenants.onboarding import onboard_sha
from tests.rollout.queries import DASHBOARD, MEMBERS
from tests.support import GraphQLClient, error_codes, tenant_context

pytestmark = pytest.mark.citus

ONE_SHA = """
query { members(first: 5) { edges { node { id shaCode familyName organisation { name } } } } }
"""


@pytest.fixture
async def admin_engine(admin_url: str, settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_admin_engine(admin_url, settings)
    yield engine
    await engine.dispose()


async def superuser(admin_url: str, settings: Settings) -> asyncpg.Connection:
    return await asyncpg.connect(
        admin_url, server_settings={"search_path": f"{settings.db_schema},public"}
    )


def record_statements(app: Starlette) -> tuple[list[tuple[str, Any]], Any]:
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        seen.append((statement, parameters))

    engine = app.state.cln.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(engine, "before_cursor_execute", record)


async def explain(
    admin_url: str, settings: Settings, statement: str, params: Any, read: str
) -> str:
    """EXPLAIN a statement the API sent, as the API role with the same tenant context."""
    conn = await asyncpg.connect(api_url(settings, admin_url))
    try:
        async with conn.transaction():
            await conn.execute(f"SET LOCAL search_path = {settings.db_schema}")
            await conn.execute(tenant_context(settings, read))
            args = list(params) if isinstance(params, (list, tuple)) else []
            rows = await conn.fetch(f"EXPLAIN {statement}", *args)
            return "\n".join(r[0] for r in rows)
    finally:
        await conn.close()


async def test_tables_are_distributed_colocated_or_reference(
    admin_url: str, settings: Settings
) -> None:
    conn = await superuser(admin_url, settings)
    try:
        rows = await conn.fetch(
            "SELECT c.relname, d.partmethod::text AS partmethod, d.colocationid, c.relispartition,"
            " (p.partrelid IS NOT NULL) AS partitioned"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " LEFT JOIN pg_dist_partition d ON d.logicalrelid = c.oid"
            " LEFT JOIN pg_partitioned_table p ON p.partrelid = c.oid"
            " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')"
            # the coordinator's own shard placements are visible too (the test cluster
            # turns Citus's shard filter off: citus_cluster.py); they are not tables
            " AND NOT EXISTS (SELECT 1 FROM pg_dist_shard s"
            "  JOIN pg_class l ON l.oid = s.logicalrelid"
            "  WHERE c.relname = l.relname || '_' || s.shardid)",
            settings.db_schema,
        )
    finally:
        await conn.close()
    by_name = {r["relname"]: r for r in rows}
    tenant = [r for r in rows if r["partitioned"] or r["relispartition"]]
    assert tenant and all(r["partmethod"] == "h" for r in tenant), [
        r["relname"] for r in tenant if r["partmethod"] != "h"
    ]
    assert len({r["colocationid"] for r in tenant}) == 1, "every tenant table in one group"
    for name in ("shas", "partner_organisations", "competency_frameworks", "sha_settings"):
        assert by_name[name]["partmethod"] == "n", f"{name} is a reference table"
    for name in ("platform_audit_log", "cross_region_reads", "sha_status_history"):
        assert by_name[name]["partmethod"] == "n" or by_name[name]["partmethod"] is not None
    assert all(r["partmethod"] is not None for r in rows if r["relname"] != "alembic_version"), [
        r["relname"] for r in rows if r["partmethod"] is None
    ]


async def test_one_sha_request_touches_one_shard(
    gql: GraphQLClient, app: Starlette, admin_url: str, settings: Settings
) -> None:
    seen, stop = record_statements(app)
    try:
        data = await gql.data(ONE_SHA, as_role=("member", "Q31"))
    finally:
        stop()
    assert {e["node"]["shaCode"] for e in data["members"]["edges"]} == {"Q31"}
    data_statements = [(s, p) for s, p in seen if "FROM members" in s]
    assert data_statements
    for statement, params in data_statements:
        plan = await explain(admin_url, settings, statement, params, "Q31")
        assert "Task Count: 1" in plan, plan
        assert "members_q31_" in plan and "members_q36" not in plan, plan


async def test_national_query_fans_out_and_equals_the_plain_answer(
    gql: GraphQLClient, app: Starlette, admin_url: str, settings: Settings
) -> None:
    everything = [f"Q3{i}" for i in range(10)]
    seen, stop = record_statements(app)
    try:
        data = await gql.data(DASHBOARD, {"shas": everything}, as_role=("national_lead", None))
    finally:
        stop()
    board = data["nationalDashboard"]
    # the PostgreSQL answer: the rows themselves, counted here rather than by Citus
    conn = await superuser(admin_url, settings)
    try:
        rows = await conn.fetch(
            "SELECT sha_code, profession, status FROM members WHERE sha_code = ANY($1::text[])",
            board["shaCodes"],
        )
    finally:
        await conn.close()
    expected = Counter((r["sha_code"], r["profession"]) for r in rows)
    got = {
        (r["shaCode"], r["profession"]): r["members"]
        for r in board["membersByProfession"]
        if r["profession"] is not None
    }
    assert got == dict(expected)
    totals = Counter(r["sha_code"] for r in rows)
    assert {r["shaCode"]: r["members"] for r in board["membersBySha"]} == {
        code: totals.get(code, 0) for code in board["shaCodes"]
    }
    # the dashboard reads the per-SHA rollups (migration 1300): that read fans out
    statement, params = next((s, p) for s, p in seen if "FROM rollup_members" in s)
    plan = await explain(admin_url, settings, statement, params, ",".join(everything))
    counts = [int(line.split(":")[1]) for line in plan.splitlines() if "Task Count:" in line]
    assert counts and max(counts) > 1, plan


async def _load(gql: GraphQLClient, stop: asyncio.Event) -> Counter[str]:
    """Requests of two SHAs, one after another, until `stop`: outcomes counted."""
    outcomes: Counter[str] = Counter()
    turn = 0
    while not stop.is_set():
        sha = ("Q31", "Q36")[turn % 2]
        turn += 1
        response = await gql.post(MEMBERS, {"shas": None}, as_role=("member", sha))
        body = response.json()
        ok = response.status_code == 200 and not body.get("errors")
        outcomes["ok" if ok else f"failed {response.status_code} {error_codes(body)}"] += 1
        await asyncio.sleep(0)
    return outcomes


async def test_onboarding_under_load_fails_no_request(
    gql: GraphQLClient, admin_engine: AsyncEngine, admin_url: str, settings: Settings
) -> None:
    stop = asyncio.Event()
    load = asyncio.create_task(_load(gql, stop))
    started = time.perf_counter()
    try:
        result = await onboard_sha(admin_engine, settings, "Z41", "Citus Region", actor="test")
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        outcomes = await load
    assert outcomes["ok"] > 0 and set(outcomes) == {"ok"}, outcomes
    print(f"onboarding on Citus: {elapsed:.1f} s, {outcomes['ok']} requests meanwhile")
    conn = await superuser(admin_url, settings)
    try:
        rows = await conn.fetch(
            "SELECT c.relname, d.colocationid FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " LEFT JOIN pg_dist_partition d ON d.logicalrelid = c.oid"
            " WHERE n.nspname = $1 AND c.relname = ANY($2::text[])",
            settings.db_schema,
            [*result.partitions, "organisations"],
        )
    finally:
        await conn.close()
    groups = {r["relname"]: r["colocationid"] for r in rows}
    assert len(groups) == len(result.partitions) + 1
    assert set(groups.values()) == {groups["organisations"]}, groups


async def test_a_worker_down_fails_only_the_shas_it_holds(
    gql: GraphQLClient, admin_url: str, settings: Settings, citus_cluster: CitusCluster
) -> None:
    conn = await superuser(admin_url, settings)
    try:
        ports = {
            code: (await _shard_of(conn, f"{settings.db_schema}.members_{code.lower()}", code))[1]
            for code in (f"Q3{i}" for i in range(10))
        }
    finally:
        await conn.close()
    down = next(w for w in citus_cluster.workers if w.port in ports.values())
    on_down = sorted(c for c, p in ports.items() if p == down.port)
    elsewhere = sorted(c for c, p in ports.items() if p != down.port)
    assert on_down and elsewhere, ports
    down.stop()
    try:
        for code in elsewhere[:2]:
            data = await gql.data(ONE_SHA, as_role=("member", code))
            assert {e["node"]["shaCode"] for e in data["members"]["edges"]} == {code}
        for code in on_down[:2]:
            # a database out of reach answers 503 with Retry-After (clngraph/graphql_view.py)
            response = await gql.post(ONE_SHA, as_role=("member", code))
            assert response.status_code == 503, response.text
            assert response.headers.get("Retry-After"), response.headers
            assert error_codes(response.json()) == ["SERVICE_UNAVAILABLE"], response.text
    finally:
        down.start()
    # back up: every SHA answers again
    for code in on_down[:1]:
        await gql.data(ONE_SHA, as_role=("member", code))


async def _shard_of(conn: asyncpg.Connection, table: str, code: str) -> tuple[int, int]:
    row = await conn.fetchrow(
        "SELECT s.shardid, p.nodeport FROM pg_dist_shard s"
        " JOIN pg_dist_shard_placement p ON p.shardid = s.shardid"
        " WHERE s.shardid = get_shard_id_for_distribution_column(CAST($1 AS regclass), CAST($2 AS text))",
        table,
        code,
    )
    return int(row["shardid"]), int(row["nodeport"])


async def test_moving_one_shas_shards_fails_no_request(
    gql: GraphQLClient, admin_url: str, settings: Settings, citus_cluster: CitusCluster
) -> None:
    conn = await superuser(admin_url, settings)
    try:
        shard, port = await _shard_of(conn, f"{settings.db_schema}.members_q31", "Q31")
        target = next(w.port for w in citus_cluster.workers if w.port != port)
        stop = asyncio.Event()
        load = asyncio.create_task(_load(gql, stop))
        started = time.perf_counter()
        try:
            await conn.execute(
                "SELECT citus_move_shard_placement($1, '127.0.0.1', $2, '127.0.0.1', $3,"
                " shard_transfer_mode => 'force_logical')",
                shard,
                port,
                target,
            )
        finally:
            elapsed = time.perf_counter() - started
            stop.set()
            outcomes = await load
        assert (await _shard_of(conn, f"{settings.db_schema}.members_q31", "Q31"))[1] == target
    finally:
        await conn.close()
    assert outcomes["ok"] > 0 and set(outcomes) == {"ok"}, outcomes
    print(f"shard move: {elapsed:.1f} s, {outcomes['ok']} requests meanwhile")
