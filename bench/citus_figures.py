"""Figures for docs/scale-out.md: the same requests on single-node PostgreSQL and on a
Citus cluster (a coordinator and two workers on loopback), through the real app.

    .venv/bin/python -m bench.citus_figures [--requests 200]

Needs Citus built into the venv's embedded PostgreSQL (`citus/build.sh`). Both
databases are migrated and seeded alike; each figure is the median (and p95) of
sequential requests over the ASGI app, so it is the database's share that differs.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from auth.dev_tokens import issue_dev_token, load_or_create_key
from clngraph.app import create_app, dev_key_path
from clngraph.bootstrap import prepare_database
from clngraph.citus_cluster import CitusCluster, create_distributed_database
from clngraph.seed import DemoSize, seed_demo
from foundation.db import with_database
from foundation.embedded import EmbeddedPostgres, free_port
from foundation.settings import Settings
from tenants.admin import make_admin_engine
from tenants.onboarding import onboard_sha

ONE_SHA = (
    "{ members(first: 20) { edges { node { id shaCode familyName organisation { name } } } } }"
)
NATIONAL = """query($shas: [String!]) { nationalDashboard(shas: $shas) {
  membersBySha { shaCode members } membersByProfession { shaCode profession members }
  rollout { shaCode organisations } } }"""
SIZE = DemoSize(organisations_per_sha=20, members_per_sha=300)


async def _timed(
    client: httpx.AsyncClient, body: dict[str, Any], token: str, n: int
) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = await client.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and not response.json().get("errors"), response.text
    return times


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms"


async def _measure(label: str, url: str, settings: Settings, n: int) -> dict[str, str]:
    started = time.perf_counter()
    await prepare_database(url, settings)
    await seed_demo(url, settings, SIZE)
    figures = {"migrate + seed": f"{time.perf_counter() - started:.1f} s"}
    app = create_app(settings, admin_url=url)
    key = load_or_create_key(dev_key_path(settings))

    def token(roles: list[str], sha: str | None) -> str:
        return issue_dev_token(
            key,
            issuer=settings.issuer,
            audience=settings.audience,
            subject=f"bench-{secrets.token_hex(3)}",
            roles=roles,
            sha=sha,
        )

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            member = token(["member"], "Q31")
            national = token(["national_lead"], None)
            await _timed(client, {"query": ONE_SHA}, member, 20)  # warm up
            figures["one-SHA members page"] = _summary(
                await _timed(client, {"query": ONE_SHA}, member, n)
            )
            body = {"query": NATIONAL, "variables": {"shas": None}}
            await _timed(client, body, national, 5)
            figures["national dashboard (10 SHAs)"] = _summary(
                await _timed(client, body, national, max(n // 4, 10))
            )
    engine = make_admin_engine(url, settings)
    try:
        started = time.perf_counter()
        await onboard_sha(engine, settings, "Z99", "Bench Region", actor="bench")
        figures["onboarding a region"] = f"{time.perf_counter() - started:.1f} s"
    finally:
        await engine.dispose()
    print(f"== {label}")
    for name, value in figures.items():
        print(f"  {name}: {value}")
    return figures


async def main_async(n: int, shard_count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="cln-citus-figures-") as tmp:
        root = Path(tmp)
        base = replace(
            Settings.from_env({}),
            data_dir=root,
            issuer="https://bench.cln.test",
            audience="cln-bench",
            dev_tokens=True,
            log_level="WARNING",
            rate_limit_per_minute=10**9,
            rate_limit_burst=10**9,
        )
        server = EmbeddedPostgres(root / "pg", free_port(), fast_unsafe=True)
        server.start()
        try:
            await _measure(
                "single-node PostgreSQL", with_database(server.admin_url(), "cln_fig"), base, n
            )
        finally:
            server.stop()
        cluster = CitusCluster(root / "citus")
        cluster.start()
        try:
            url = with_database(cluster.coordinator.admin_url(), "cln_fig")
            await create_distributed_database(cluster, url)
            citus = replace(base, tenancy_mode="citus", citus_shard_count=shard_count)
            await _measure(f"Citus, 2 workers, {shard_count} shards", url, citus, n)
        finally:
            cluster.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--shard-count", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(main_async(args.requests, args.shard_count))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
