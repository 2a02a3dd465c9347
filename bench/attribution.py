"""Where one request's CPU goes, layer by layer, without a profiler's distortion.

cProfile and pyinstrument charge every Python call a fixed overhead, so a layer made
of many small calls (the extension hooks, the executor) looks several times dearer
than it is. Here the real app serves one operation in-process, one request at a
time, and a handful of layers are wrapped with `time.process_time()` counters: the
CPU this process spent between entering and leaving each. At concurrency 1 nothing
else runs meanwhile, so the figures are the layers' own, nested (a layer includes
the ones inside it), and cost about a microsecond each to take.

    .venv/bin/python -m bench.attribution 4 3000
"""

from __future__ import annotations

import functools
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.cpu import call, requests_of
from bench.harness import in_process_app

Layer = tuple[str, Any, str]  # (label, owner, attribute)


def layers() -> list[Layer]:
    """The layers measured, outermost first; a label's indent shows the nesting."""
    import strawberry.schema.schema as strawberry_schema

    import resolvers.core.queries as core
    from clngraph.graphql_view import CLNGraphQLView
    from clngraph.middleware.authentication import AuthenticationMiddleware
    from clngraph.middleware.request_id import RequestIdMiddleware
    from tenants.transaction import TenantDB

    schema = strawberry_schema.Schema
    return [
        ("middleware stack and everything inside", RequestIdMiddleware, "__call__"),
        ("  authentication and everything inside", AuthenticationMiddleware, "__call__"),
        ("    GraphQL view (HTTP in and out)", CLNGraphQLView, "handle_http"),
        ("      typed context", CLNGraphQLView, "get_context"),
        ("      strawberry's execute", schema, "execute"),
        ("        parse and validate (cached)", schema, "_prepare_operation_async"),
        ("        execution (graphql-core)", schema, "_execute_operation"),
        ("          node(id:) resolver", core, "fetch_node"),
        ("        result and error handling", schema, "_handle_execution_result"),
        # the request transaction, wherever it is called from (the first statement or
        # savepoint includes the checkout and BEGIN; COMMIT is sent as strawberry's
        # execute ends)
        ("request transaction: statements", TenantDB, "rows"),
        ("pool checkout + BEGIN (in the first statement or savepoint)", TenantDB, "_connection"),
        ("request transaction: COMMIT + checkin", TenantDB, "finish"),
    ]


def _timed(
    original: Callable[..., Any], label: str, spent: defaultdict[str, float]
) -> Callable[..., Any]:
    @functools.wraps(original)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return await original(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - started

    return timed


@contextmanager
def measured(spent: defaultdict[str, float]) -> Iterator[None]:
    """The layers wrapped while the block runs, restored after it."""
    originals = [(owner, name, getattr(owner, name)) for _, owner, name in layers()]
    for (label, owner, name), (_, _, original) in zip(layers(), originals, strict=True):
        setattr(owner, name, _timed(original, label, spent))
    try:
        yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


async def attribute(op: str, n: int) -> list[str]:
    db, headers, bodies = await requests_of(op)
    spent: defaultdict[str, float] = defaultdict(float)
    with measured(spent):
        app = in_process_app(db)  # built after wrapping: middleware instances see it
        async with app.router.lifespan_context(app):
            for body in bodies[:50]:  # warm caches and the pool
                await call(app, body, headers)
            spent.clear()
            started = time.process_time()
            for i in range(n):
                status = await call(app, bodies[i % len(bodies)], headers)
                if status != 200:
                    raise RuntimeError(f"status {status}")
            total = time.process_time() - started
    lines = [f"op {op}, {n} requests one at a time: CPU {total / n * 1000:.3f} ms/request"]
    lines += [f"  {label:<60} {spent[label] / n * 1000:.3f}" for label, _, _ in layers()]
    return lines


def main() -> int:
    import uvloop

    op = sys.argv[1] if len(sys.argv) > 1 else "4"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    # the production server's event loop: each round trip's wake-up costs what it
    # costs there
    print("\n".join(uvloop.run(attribute(op, n))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
