"""What the request transaction costs through TenantDB against the same work on a bare
asyncpg connection: BEGIN with the tenant context, the node lookup's
member-with-organisation statement, COMMIT; medians over N requests. Four columns:
TenantDB with the statement through SQLAlchemy's engine, TenantDB with it prepared
(`tenants.prepared`: compiled once, run on the asyncpg connection), the same on a
connection kept between transactions as the app keeps them (`tenants.connections`),
bare asyncpg. Wall time at one request at a time, so mostly the CPU of each.

    .venv/bin/python -m bench.db_overhead 300
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

import asyncpg
from sqlalchemy.dialects import postgresql

from bench.database import bench_settings, resolve
from foundation.db import api_url, make_engine
from resolvers.directory.loaders import member_by_key_statement
from schema.fastpath.prepared import compile_plan
from tenants.connections import KeptConnections
from tenants.policy import begin_with_context_sql
from tenants.prepared import use_compiler
from tenants.scope import TenantScope
from tenants.transaction import TenantDB

SHA = "Q31"


async def measure(n: int) -> str:
    use_compiler(compile_plan)  # the prepared path, as the fast-path schema installs it
    db = resolve(bench_settings())
    settings = db.settings
    url = api_url(settings, db.admin_url)
    engine = make_engine(url, settings, pool_size=2)  # one kept, one for the others
    kept = KeptConnections(engine, size=1, recycle_s=3600)
    admin = await asyncpg.connect(db.admin_url.replace("postgresql+asyncpg", "postgresql"))
    raw = await asyncpg.connect(
        url.replace("postgresql+asyncpg", "postgresql"),
        server_settings={
            "search_path": settings.db_schema,
            "plan_cache_mode": settings.plan_cache_mode,
        },
    )
    try:
        ids = [
            r[0]
            for r in await admin.fetch(
                f"SELECT id FROM {settings.db_schema}.members WHERE sha_code = $1 LIMIT $2",
                SHA,
                n,
            )
        ]
        fast = member_by_key_statement(True)
        statement = fast.statement
        sql = str(statement.compile(dialect=postgresql.asyncpg.dialect()))
        scope = TenantScope(frozenset({SHA}), frozenset({SHA}))
        begin = begin_with_context_sql(
            read=[SHA],
            write=[SHA],
            actor="bench",
            statement_timeout_ms=settings.statement_timeout_ms,
            mode=settings.tenancy_mode,
        )
        through_engine: list[float] = []
        through_prepared: list[float] = []
        through_kept: list[float] = []
        bare: list[float] = []
        cases = (
            (statement, None, through_engine),
            (fast, None, through_prepared),
            (fast, kept, through_kept),
        )
        for _ in range(2):  # the first round warms pools and prepared statements
            for times in (through_engine, through_prepared, through_kept, bare):
                times.clear()
            for member_id in ids:
                for form, connections, times in cases:
                    started = time.perf_counter()
                    tdb = TenantDB(
                        engine,
                        scope,
                        actor="bench",
                        statement_timeout_ms=settings.statement_timeout_ms,
                        mode=settings.tenancy_mode,
                        connections=connections,
                    )
                    await tdb.rows(form, {"shas": SHA, "ids": [member_id]})
                    await tdb.finish(commit=True)
                    times.append(time.perf_counter() - started)
                started = time.perf_counter()
                await raw.execute(begin)
                await raw.fetch(sql, SHA, [member_id])
                await raw.execute("COMMIT")
                bare.append(time.perf_counter() - started)
    finally:
        await kept.close()
        await raw.close()
        await admin.close()
        await engine.dispose()
    a, p, k, b = (
        statistics.median(t) * 1000 for t in (through_engine, through_prepared, through_kept, bare)
    )
    return (
        f"{len(ids)} requests, median: TenantDB with SQLAlchemy's execution {a:.3f} ms,"
        f" TenantDB prepared {p:.3f} ms, prepared on a kept connection {k:.3f} ms,"
        f" bare asyncpg {b:.3f} ms; ratios to bare {a / b:.2f}, {p / b:.2f}, {k / b:.2f}"
    )


def main() -> int:
    print(asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 300)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
