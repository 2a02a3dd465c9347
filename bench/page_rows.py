"""CPU of a wide page's statement: 501 member rows (a 500-member page and the row that
says there is more) in a request transaction, through SQLAlchemy's execution and on the
prepared path (`tenants.prepared`); medians over rounds. Most of it is asyncpg decoding
the rows, whichever path runs the statement.

    .venv/bin/python -m bench.page_rows 100
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.database import bench_settings, resolve
from foundation.db import api_url, make_engine
from foundation.settings import Settings
from resolvers.directory.tables import members
from schema.fastpath.prepared import compile_plan
from tenants.prepared import prepared, use_compiler
from tenants.scope import TenantScope
from tenants.transaction import TenantDB

SHA = "Q31"
ROWS = 501


async def page_cpu(
    engine: AsyncEngine, settings: Settings, per_round: int, rounds: int = 5
) -> dict[str, Any]:
    """Median ms of CPU per transaction for each path, and the rows each path returned."""
    use_compiler(compile_plan)  # the prepared path, as the fast-path schema installs it
    statement = (
        select(members)
        .where(members.c.sha_code == SHA)
        .order_by(members.c.family_name, members.c.given_name, members.c.id)
        .limit(ROWS)
    )
    paths = {"sqlalchemy": statement, "prepared": prepared(statement)}
    scope = TenantScope(frozenset({SHA}), frozenset({SHA}))

    async def run(form: Any) -> int:
        db = TenantDB(
            engine,
            scope,
            actor="bench",
            statement_timeout_ms=settings.statement_timeout_ms,
            mode=settings.tenancy_mode,
        )
        rows = await db.rows(form)
        await db.finish(commit=True)
        return len(rows)

    counts = {name: await run(form) for name, form in paths.items()}  # warm both paths
    samples: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(rounds):
        for name, form in paths.items():
            started = time.process_time()
            for _ in range(per_round):
                await run(form)
            samples[name].append((time.process_time() - started) / per_round * 1000)
    return {
        "rows": counts,
        "ms": {name: statistics.median(values) for name, values in samples.items()},
    }


async def measure(per_round: int) -> str:
    db = resolve(bench_settings())
    engine = make_engine(api_url(db.settings, db.admin_url), db.settings, pool_size=1)
    try:
        found = await page_cpu(engine, db.settings, per_round)
    finally:
        await engine.dispose()
    ms = found["ms"]
    return (
        f"{found['rows']['prepared']} rows a transaction, median ms of CPU:"
        f" SQLAlchemy's execution {ms['sqlalchemy']:.3f}, prepared {ms['prepared']:.3f}"
    )


def main() -> int:
    print(asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
