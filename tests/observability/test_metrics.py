"""/metrics through the real app: request counts and latency by bounded labels, the
database and token figures, protection in production, and the multiprocess mode."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from clngraph.app import create_app
from foundation import metrics
from foundation.settings import PROJECT_ROOT, Settings
from tests.support import GraphQLClient

MEMBERS = "query MembersPage { members(first: 2) { edges { node { id } } } }"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def series(text: str, family: str) -> list[dict[str, str]]:
    return [
        s.labels
        for f in text_string_to_metric_families(text)
        if f.name == family
        for s in f.samples
        if s.name == family + "_total"
    ]


async def test_a_query_is_counted_and_timed_by_operation_sha_caller_and_outcome(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    labels = {
        "route": "graphql",
        "operation": "MembersPage",
        "sha": "Q31",
        "caller": "user",
        "outcome": "200",
    }
    before = sample("cln_requests_total", **labels)
    seconds_before = sample("cln_request_duration_seconds_count", **labels)
    statements_before = sample("cln_db_statement_duration_seconds_count")
    await gql.data(MEMBERS, as_role=("member", "Q31"))
    assert sample("cln_requests_total", **labels) == before + 1
    assert sample("cln_request_duration_seconds_count", **labels) == seconds_before + 1
    assert sample("cln_db_statement_duration_seconds_count") > statements_before

    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert labels in series(text, "cln_requests")
    for family in (
        "cln_db_pool_connections_in_use",
        "cln_db_pool_waiting",
        "cln_websocket_connections",
        "cln_notification_outbox_depth",
    ):
        assert f"\n{family} " in text, family


async def test_graphql_errors_are_counted_by_code_and_national_callers_as_national(
    gql: GraphQLClient,
) -> None:
    forbidden = {
        "route": "graphql",
        "operation": "-",
        "sha": "none",
        "caller": "user",
        "outcome": "FORBIDDEN",
    }
    before = sample("cln_requests_total", **forbidden)
    body = await gql(MEMBERS, as_role=("member", "Q31"), path="/sha/Q36/graphql")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert sample("cln_requests_total", **forbidden) == before + 1

    national = {**forbidden, "operation": "MembersPage", "sha": "national", "outcome": "200"}
    before = sample("cln_requests_total", **national)
    await gql.data(MEMBERS, as_role=("national_lead", None))
    assert sample("cln_requests_total", **national) == before + 1


async def test_operation_labels_stay_bounded_whatever_clients_send(
    gql: GraphQLClient, admin_url: str
) -> None:
    metrics.operation_label.reset()
    member = ("member", "Q31")  # a new subject each time: the rate limit is per caller
    try:
        for i in range(metrics.MAX_OPERATIONS + 40):
            await gql.data(f"query Op{i} {{ __typename }}", as_role=member)
        await gql.data("query " + "x" * 80 + " { __typename }", as_role=member)  # too long
        text = (await gql.http.get("/metrics")).text
    finally:
        metrics.operation_label.reset()  # the other tests' names get their own series
    names = {
        labels["operation"]
        for labels in series(text, "cln_requests")
        if labels["route"] == "graphql" and labels["operation"].startswith("Op")
    }
    assert len(names) <= metrics.MAX_OPERATIONS
    other = {"route": "graphql", "sha": "Q31", "caller": "user", "outcome": "200"}
    assert sample("cln_requests_total", operation="other", **other) >= 41
    # every label of every series comes from a bounded vocabulary; a SHA label is a
    # SHA of the registry (the scope's codes), never a value a client typed
    conn = await asyncpg.connect(admin_url)
    try:
        registered = {r["code"] for r in await conn.fetch("SELECT code FROM cln.shas")}
    finally:
        await conn.close()
    unknown = await gql("{ __typename }", as_role=("member", "Q31"), path="/sha/ZZ9/graphql")
    assert unknown["errors"]
    text = (await gql.http.get("/metrics")).text
    for labels in series(text, "cln_requests"):
        assert labels["route"] in metrics.ROUTES
        assert labels["caller"] in {*metrics.CALLER_KINDS, "other"}
        assert labels["sha"] in {"none", "national", "other", *registered}, labels
        assert len(labels["operation"]) <= 64 and len(labels["outcome"]) <= 48


async def test_refused_tokens_and_rate_limits_are_counted(
    gql: GraphQLClient, http: httpx.AsyncClient, make_token: Any
) -> None:
    refused = sample("cln_token_verifications_total", outcome="refused")
    accepted = sample("cln_token_verifications_total", outcome="accepted")
    response = await http.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Authorization": "Bearer not-a-jwt"},
    )
    assert response.status_code == 401
    assert sample("cln_token_verifications_total", outcome="refused") == refused + 1
    await gql.data("{ __typename }", as_role=("member", "Q31"))
    assert sample("cln_token_verifications_total", outcome="accepted") == accepted + 1
    expired = sample("cln_token_verifications_total", outcome="expired")
    stale = make_token("member", "Q31", now=int(time.time()) - 9 * 3600)  # 8 h lifetime
    response = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Authorization": f"Bearer {stale}"}
    )
    assert response.status_code == 401
    assert sample("cln_token_verifications_total", outcome="expired") == expired + 1
    unauthorized = {
        "route": "graphql",
        "operation": "-",
        "sha": "none",
        "caller": "anonymous",
        "outcome": "401",
    }
    assert sample("cln_requests_total", **unauthorized) >= 1


async def test_rate_limit_refusals_are_counted(admin_url: str, settings: Settings) -> None:
    app = create_app(
        replace(settings, public_rate_limit_per_minute=1, public_rate_limit_burst=1),
        admin_url=admin_url,
    )
    before = sample("cln_rate_limit_refusals_total", caller="anonymous")
    async with app.router.lifespan_context(app), _client(app) as http:
        statuses = [(await http.get("/graphql?query={__typename}")).status_code for _ in range(3)]
    assert statuses.count(429) == 2
    assert sample("cln_rate_limit_refusals_total", caller="anonymous") == before + 2


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_production_metrics_need_the_scrape_token_or_a_platform_admin(
    admin_url: str, settings: Settings, make_token: Any
) -> None:
    production = replace(settings, environment="production", metrics_token="scrape-secret-1")
    app = create_app(production, admin_url=admin_url)
    async with app.router.lifespan_context(app), _client(app) as http:

        async def scrape(token: str | None) -> int:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return (await http.get("/metrics", headers=headers)).status_code

        assert await scrape(None) == 401
        assert await scrape("wrong-secret") == 401
        assert await scrape(make_token("member", "Q31")) == 401
        assert await scrape(make_token("national_lead")) == 401
        assert await scrape("scrape-secret-1") == 200
        assert await scrape(make_token("platform_admin")) == 200


async def test_metrics_route_can_be_turned_off(admin_url: str, settings: Settings) -> None:
    app = create_app(replace(settings, metrics=False), admin_url=admin_url)
    async with app.router.lifespan_context(app), _client(app) as http:
        assert (await http.get("/metrics")).status_code == 404


async def test_scrape_probes_fill_the_outbox_gauge(http: httpx.AsyncClient) -> None:
    """The notifications outbox registers a probe; each scrape runs it first."""

    async def outbox(state: Any) -> None:
        assert state.engine is not None
        metrics.OUTBOX_DEPTH.set(7)

    metrics.register_scrape_probe(outbox)
    try:
        text = (await http.get("/metrics")).text
    finally:
        metrics._probes.remove(outbox)
    assert "\ncln_notification_outbox_depth 7.0\n" in text


async def test_the_outbox_gauge_counts_e_mails_waiting(
    http: httpx.AsyncClient, admin_url: str
) -> None:
    """The app's own probe reads the outbox under RLS over every SHA: the gauge equals
    the e-mails waiting, as the database's superuser counts them."""
    text = (await http.get("/metrics")).text
    conn = await asyncpg.connect(admin_url)
    try:
        waiting = await conn.fetchval(
            "SELECT count(*) FROM cln.notifications WHERE email_status IN ('PENDING', 'SENDING')"
        )
    finally:
        await conn.close()
    assert f"\ncln_notification_outbox_depth {float(waiting)}\n" in text


WORKER = """
from foundation import metrics
for _ in range({n}):
    metrics.REQUESTS.labels("graphql", "Op", "Q31", "user", "200").inc()
metrics.WEBSOCKETS_OPEN.inc()
"""


def test_multiprocess_mode_sums_every_worker(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for n in (2, 3):
        subprocess.run(
            [sys.executable, "-c", WORKER.format(n=n)], env=env, check=True, cwd=PROJECT_ROOT
        )
    scrape = subprocess.run(
        [
            sys.executable,
            "-c",
            "from foundation import metrics; print(metrics.exposition()[0].decode())",
        ],
        env=env,
        check=True,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    ).stdout
    wanted = 'cln_requests_total{caller="user",operation="Op",outcome="200",route="graphql",sha="Q31"} 5.0'
    assert wanted in scrape


async def test_pool_gauges_follow_checkouts_and_waiting_transactions(
    admin_url: str, settings: Settings, make_token: Any
) -> None:
    """A pool of one (and one overflow) held by the test: a request's transaction waits
    for a connection and the gauges say so; released, it answers and they fall back."""
    app = create_app(replace(settings, pool_size=1), admin_url=admin_url)
    token = make_token("member", "Q31")
    async with app.router.lifespan_context(app), _client(app) as http:

        async def members() -> httpx.Response:
            return await http.post(
                "/graphql", json={"query": MEMBERS}, headers={"Authorization": f"Bearer {token}"}
            )

        assert (await members()).status_code == 200  # the SHA registry is read now
        engine = app.state.cln.engine

        def resting() -> int:
            """Connections out of the pool with no transaction: those the app keeps."""
            return int(app.state.cln.connections.kept)

        held = [await engine.connect(), await engine.connect()]
        try:
            assert sample("cln_db_pool_connections_in_use") == 2
            waiting = asyncio.create_task(members())
            for _ in range(200):
                if sample("cln_db_pool_waiting") == 1:
                    break
                await asyncio.sleep(0.02)
            assert sample("cln_db_pool_waiting") == 1
            assert not waiting.done()
        finally:
            for conn in held:
                await conn.close()
        response = await waiting
        assert response.status_code == 200 and "errors" not in response.json()
        assert sample("cln_db_pool_waiting") == 0
        # the gauge falls back once none is out. It is the process's, and other tests'
        # engines set it too (a connection of theirs checked in late), so this pool is
        # asked again each time: a checkout and its checkin set it from this pool.
        for _ in range(250):
            async with engine.connect():
                pass
            if sample("cln_db_pool_connections_in_use") == resting():
                break
            await asyncio.sleep(0.02)
        assert sample("cln_db_pool_connections_in_use") == resting()


async def test_anonymous_callers_cannot_take_operation_labels(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    """The public portal answers visitors with no token: their operation names count as
    `other` until a signed-in caller's operation of that name has its series."""

    async def anonymous(name: str) -> None:
        response = await http.post("/graphql", json={"query": f"query {name} {{ __typename }}"})
        assert response.status_code == 200 and "errors" not in response.json()

    visitor = {"route": "graphql", "sha": "none", "caller": "anonymous", "outcome": "200"}
    other = sample("cln_requests_total", operation="other", **visitor)
    await anonymous("VisitorProbe")
    assert sample("cln_requests_total", operation="VisitorProbe", **visitor) == 0
    assert sample("cln_requests_total", operation="other", **visitor) == other + 1
    await gql.data("query VisitorProbe { __typename }", as_role=("member", "Q31"))
    await anonymous("VisitorProbe")
    assert sample("cln_requests_total", operation="VisitorProbe", **visitor) == 1
