"""Search at scale: in-process latency and SQL statements of `search` on the benchmark
database (`cln-graph generate --scale 1`: 500,000 members), as an SHA's member would
type into a search box (names as typed, words, a phrase), one SHA's reach.

    .venv/bin/cln-graph generate --scale 1     # once (the dataset of bench/README.md)
    .venv/bin/python -m bench.search 200       # N requests per query

Prints one line per query: p50/p95/max in ms, the p50 as a multiple of a reference
request measured in the same rounds (the caller's own member record: one indexed row),
hits and statements per request.
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


REFERENCE = "{ viewer { member { id displayName } } }"  # one indexed row of the same SHA


def _percentile(times: list[float], q: float) -> float:
    return sorted(times)[min(len(times) - 1, int(len(times) * q))]


async def measure(n: int) -> list[str]:
    """Every case and the reference once a round, n rounds, so a busy minute on a
    shared machine falls on all of them alike; ratios are p50 over the reference's."""
    db = resolve(bench_settings())
    token = await _member_token(db)
    app = in_process_app(db)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    bodies = {"reference": json.dumps({"query": REFERENCE})}
    for label, text, kinds in CASES:
        bodies[label] = json.dumps({"query": QUERY, "variables": {"q": text, "kinds": kinds}})
    lines: list[str] = []
    async with app.router.lifespan_context(app):
        statements: list[str] = []

        def record(*args: object) -> None:
            statements.append(str(args[2]))

        engine = app.state.cln.engine.sync_engine
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            found: dict[str, int] = {}
            per_request: dict[str, int] = {}
            for label, body in bodies.items():
                for _ in range(WARM):  # every pooled connection prepares and plans once
                    await client.post("/graphql", content=body, headers=headers)
                event.listen(engine, "before_cursor_execute", record)
                statements.clear()
                response = await client.post("/graphql", content=body, headers=headers)
                event.remove(engine, "before_cursor_execute", record)
                data = response.json()["data"]
                found[label] = len(data["search"]["nodes"]) if "search" in data else 1
                per_request[label] = len([s for s in statements if "set_config" not in s])
            times: dict[str, list[float]] = {label: [] for label in bodies}
            for _ in range(n):
                for label, body in bodies.items():
                    started = time.perf_counter()
                    await client.post("/graphql", content=body, headers=headers)
                    times[label].append((time.perf_counter() - started) * 1000)
    reference = statistics.median(times["reference"])
    texts = {label: text for label, text, _ in CASES}
    for label, taken in times.items():
        p50 = statistics.median(taken)
        lines.append(
            f"search {label!r} ({texts.get(label, 'viewer.member')}): p50 {p50:.1f} ms,"
            f" p95 {_percentile(taken, 0.95):.1f}, max {max(taken):.1f};"
            f" {p50 / reference:.1f}x the reference; {found[label]} hits a page,"
            f" {per_request[label]} statements a request"
        )
    return lines


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    for line in asyncio.run(measure(n)):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
