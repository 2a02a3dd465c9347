"""Instructions per request of one reference operation, counted by valgrind's callgrind:
a measure of CPU work that does not move with the neighbours of a shared machine.

CPU time in-process (`bench.cpu`) moved by up to 50% between runs minutes apart on
the benchmark machine, more than most single changes save. An instruction count is
nearly the same from run to run, so an A/B of two checkouts can be read from one
pair of runs. It is not time (a cache miss costs more than an add), so changes are
still confirmed in time, over HTTP, by a full `cln-graph bench` run.

`bench.cpu OP N 1` runs under callgrind twice, with N1 and N2 requests; the
difference of the two totals over N2 - N1 is the instructions of one request, without
the start-up (imports, schema, fixtures) both runs share. Under callgrind Python runs
about 50 times slower: the defaults take about two minutes for a wide page.

    .venv/bin/python -m bench.instructions 3            # N1=10, N2=50
    .venv/bin/python -m bench.instructions 1 10 110

Needs `valgrind` on the PATH (an OS package; not a Python dependency).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def instructions(op: str, requests: int) -> int:
    """Total instructions of one `bench.cpu` run of `requests` requests."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed: this benchmark needs it")
    command = [
        valgrind,
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "bench.cpu",
        op,
        str(requests),
        "1",
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    found = COLLECTED.search(run.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in callgrind's output:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def per_request(op: str, first: int, second: int) -> float:
    """Instructions of one request: the difference of two runs over their requests."""
    if second <= first:
        raise ValueError("N2 must be greater than N1")
    return (instructions(op, second) - instructions(op, first)) / (second - first)


def main() -> int:
    args = sys.argv[1:]
    op = args[0] if args else "3"
    first = int(args[1]) if len(args) > 1 else 10
    second = int(args[2]) if len(args) > 2 else 50
    count = per_request(op, first, second)
    print(f"op {op}: {count / 1e6:.2f} M instructions a request ({first} and {second} requests)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
