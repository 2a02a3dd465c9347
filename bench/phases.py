"""Instructions of N requests of each reference operation, all in one process under
valgrind's callgrind: the imports and the schema are paid once, not once an operation
(`bench.instructions` starts two processes an operation, too slow on a loaded machine).

callgrind dumps and zeroes its counters before every call of `getppid`
(`--dump-before=getppid`), which this runner calls around each measured phase, so the
even-numbered dumps hold exactly the N measured requests of operations 1, 2, 3...:

    valgrind --tool=callgrind --dump-before=getppid --callgrind-out-file=/tmp/cg/cg.out \\
        .venv/bin/python -m bench.phases 10 10     # N=10 measured, 10 warm-up requests
    grep -h '^summary:' /tmp/cg/cg.out.2 /tmp/cg/cg.out.4 ...   # / N = a request

To measure another checkout, run the same command from it with `PYTHONPATH=<checkout>`
(this venv, `CLN_DATA_DIR` pointing at the checkout that holds `.data/bench`).
"""

from __future__ import annotations

import asyncio
import os
import sys

from bench.cpu import call, requests_of
from bench.harness import in_process_app


async def measure(n: int, warm: int, ops: list[str]) -> None:
    for op in ops:
        db, headers, bodies = await requests_of(op)
        app = in_process_app(db)
        async with app.router.lifespan_context(app):
            for i in range(warm):
                await call(app, bodies[i % len(bodies)], headers)
            os.getppid()  # callgrind dumps: start-up and warm-up
            statuses = [
                await call(app, bodies[(warm + i) % len(bodies)], headers) for i in range(n)
            ]
            os.getppid()  # callgrind dumps: the n measured requests
        if set(statuses) != {200}:
            raise RuntimeError(f"op {op}: statuses {sorted(set(statuses))}")
        print(f"op {op}: {n} requests measured", flush=True)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    warm = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    ops = sys.argv[3].split(",") if len(sys.argv) > 3 else ["1", "2", "3", "4", "5"]
    asyncio.run(measure(n, warm, ops))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
