"""Search at scale: in-process latency and SQL statements of `search` on the benchmark
database (`cln-graph generate --scale 1`: 500,000 members), as an SHA's member would
type into a search box (names as typed, words, a phrase), one SHA's reach.

    .venv/bin/cln-graph generate --scale 1     # once (the dataset of bench/README.md)
    .venv/bin/python -m bench.search 200       # N requests per query

Prints one line per query (p50/p90/max in ms and statements per request) and a
summary line for docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time

import httpx
from sqlalchemy import event

from bench.database import bench_settings, resolve
from bench.harness import in_process_app

SHA = "Q31"
WARM = 40  # more than the pool's connections (CLN_DB_POOL_SIZE 20)
QUERY = """query($q: String!, $kinds: [SearchKind!]) {
  search(query: $q, kinds: $kinds, first: 10) { nodes { kind id title snippet rank } } }"""
# (label, text, kinds): what a front end's search box sends
CASES = (
    ("name as typed", "smi", ["MEMBER"]),
    ("two names, last typed", "sarah jo", ["MEMBER"]),
    ("a word, every kind", "stroke", None),
    ("a phrase, every kind", '"choose and book"', None),
    ("rare word, every kind", "medical director", None),
)


async def _member_token(db: object) -> str:
    from clngraph.dev_access import dev_token

    return await dev_token(db.settings, db.admin_url, "member", SHA)  # type: ignore[attr-defined]


async def measure(n: int) -> list[str]:
    db = resolve(bench_settings())
    token = await _member_token(db)
    app = in_process_app(db)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    lines: list[str] = []
    async with app.router.lifespan_context(app):
        statements: list[str] = []

        def record(*args: object) -> None:
            statements.append(str(args[2]))

        engine = app.state.cln.engine.sync_engine
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for label, text, kinds in CASES:
                body = json.dumps({"query": QUERY, "variables": {"q": text, "kinds": kinds}})
                for _ in range(WARM):  # every pooled connection prepares and plans once
                    await client.post("/graphql", content=body, headers=headers)
                event.listen(engine, "before_cursor_execute", record)
                statements.clear()
                response = await client.post("/graphql", content=body, headers=headers)
                event.remove(engine, "before_cursor_execute", record)
                found = len(response.json()["data"]["search"]["nodes"])
                per_request = len([s for s in statements if "set_config" not in s])
                times = []
                for _ in range(n):
                    started = time.perf_counter()
                    await client.post("/graphql", content=body, headers=headers)
                    times.append((time.perf_counter() - started) * 1000)
                times.sort()
                lines.append(
                    f"search {label!r} ({text}): p50 {times[n // 2]:.1f} ms, p90"
                    f" {times[int(n * 0.9)]:.1f}, max {times[-1]:.1f}, mean"
                    f" {statistics.mean(times):.1f}; {found} hits a page,"
                    f" {per_request} statements a request"
                )
    return lines


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    for line in asyncio.run(measure(n)):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
