"""CPU time per request of one reference operation, in-process: the real app and the
benchmark database, requests sent straight to the ASGI app (no HTTP client in the
measurement), C at a time, as one server process would serve them.

For A/B comparisons on a noisy machine, run it alternately against two checkouts
(the other one via `PYTHONPATH=<checkout>` with this venv and `CLN_DATA_DIR` pointing
at this checkout's `.data`) and compare medians:

    .venv/bin/python -m bench.cpu 4 1600 16

Operation `0` is `{ __typename }`: what a request costs with no database work at all
(middleware, authentication, the view, strawberry's execution with every extension).
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from bench import operations
from bench.database import BenchDatabase, bench_settings, resolve
from bench.harness import in_process_app, make_tokens, read_fixtures

FIXED_COST_OP = "0"  # not a reference operation: the cost of a request without SQL
FIXED_COST_BODY = b'{"query": "{ __typename }"}'


async def call(app: Any, body: bytes, headers: list[tuple[bytes, bytes]]) -> int:
    """One POST /graphql through the ASGI app; the response status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    delivered = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError  # pragma: no cover

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def requests_of(op: str) -> tuple[BenchDatabase, list[tuple[bytes, bytes]], list[bytes]]:
    """The benchmark database, and the headers and bodies of operation `op` as the
    load generator sends them (the national token for the dashboard)."""
    db = resolve(bench_settings())
    fixtures, _ = await read_fixtures(db)
    tokens = await make_tokens(db)
    token = tokens["national" if op == "2" else "regional"]
    headers = [
        (b"authorization", f"Bearer {token}".encode()),
        (b"content-type", b"application/json"),
        (b"host", b"bench"),
    ]
    if op == FIXED_COST_OP:
        return db, headers, [FIXED_COST_BODY]
    return db, headers, [b.encode() for b in operations.bodies(op, "ours", fixtures)]


async def measure(op: str, n: int, concurrency: int) -> str:
    db, headers, bodies = await requests_of(op)
    app = in_process_app(db)
    statuses: list[int] = []

    async def worker(k: int) -> None:
        for i in range(n // concurrency):
            statuses.append(await call(app, bodies[(i * concurrency + k) % len(bodies)], headers))

    async with app.router.lifespan_context(app):
        for body in bodies[:20]:  # warm caches and the pool
            await call(app, body, headers)
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    done = len(statuses)
    if set(statuses) != {200}:
        raise RuntimeError(f"statuses {sorted(set(statuses))}")
    return (
        f"op {op}, {done} requests, {concurrency} at a time: {done / elapsed:.0f} req/s,"
        f" CPU {cpu / done * 1000:.3f} ms/request"
    )


def main() -> int:
    op = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1600
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    print(asyncio.run(measure(op, n, concurrency)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
