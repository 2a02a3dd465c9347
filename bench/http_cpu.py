"""CPU per request of this service as deployed: the production server command
(`bench.servers.ours`, pinned as in a full run) serving one operation to autocannon
for a few seconds, repeated; the server process's CPU from /proc over each window.
What `bench.cpu` cannot see (uvicorn's HTTP handling, the access log line) is
included. For an A/B, run it alternately in two checkouts, as `bench.cpu` says.

    .venv/bin/python -m bench.http_cpu 4 16 10 3
"""

from __future__ import annotations

import asyncio
import statistics
import sys

from bench import operations, servers
from bench.database import bench_settings, prepare_and_generate, resolve
from bench.generate import DEFAULT_SEED, Size
from bench.harness import BenchOptions, RunState, headers_for, load, make_tokens, read_fixtures
from clngraph.nodejs import ensure_node_project

WARMUP_SECONDS = 3


def main() -> int:
    op = sys.argv[1] if len(sys.argv) > 1 else "4"
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    settings = bench_settings()
    db = resolve(settings)
    asyncio.run(prepare_and_generate(db, Size.at_scale(1.0), seed=DEFAULT_SEED))
    fixtures, _ = asyncio.run(read_fixtures(db))
    tokens = asyncio.run(make_tokens(db))
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    state = RunState(BenchOptions(), db, fixtures, ensure_node_project("bench"), tokens, logs)
    server = servers.ours(db.admin_url, settings.data_dir, 1)
    prefix, _ = servers.cpu_split()
    cpu_ms: list[float] = []
    with servers.running(server, prefix, logs / "http_cpu.log") as (base, pid):
        url = base + server.graphql_path
        headers = headers_for(state, server.name, op)
        bodies = operations.bodies(op, server.name, fixtures)
        load(state, url, headers, bodies, concurrency, WARMUP_SECONDS)
        for _ in range(repeats):
            before = servers.cpu_seconds(pid)
            result = load(state, url, headers, bodies, concurrency, seconds)
            cpu_ms.append((servers.cpu_seconds(pid) - before) * 1000 / max(result["requests"], 1))
            print(
                f"op {op} c={concurrency}: {result['rps']:.0f} req/s, mean"
                f" {result['mean']:.2f} ms, server CPU {cpu_ms[-1]:.3f} ms/request",
                flush=True,
            )
    print(f"median server CPU: {statistics.median(cpu_ms):.3f} ms/request")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
