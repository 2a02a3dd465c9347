"""`cln-graph generate` (a national-scale dataset) and `cln-graph bench` (the
three-column benchmark that writes docs/benchmarks.md)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

# The generator and the harness live in bench/ (a development tool, not in the wheel):
# imported when a command runs, so the CLI starts without them.


def cmd_generate(args: argparse.Namespace) -> int:
    from bench.database import bench_settings, prepare_and_generate, resolve
    from bench.generate import DEFAULT_SEED, Size

    db = resolve(bench_settings())
    size = Size.at_scale(args.scale)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    counts = asyncio.run(prepare_and_generate(db, size, seed=seed, force=args.force))
    if counts is None:
        print("benchmark data already at this scale and seed (use --force to reload)")
    else:
        print(", ".join(f"{n:,} {table}" for table, n in counts.items()))
    print(f"database: {db.admin_url.rsplit('@', 1)[-1]}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from bench.generate import DEFAULT_SEED
    from bench.harness import BenchOptions, profile, run

    if args.seed is None:
        args.seed = DEFAULT_SEED

    if args.growth:
        from pathlib import Path

        from bench.growth import run_growth

        return run_growth(
            list(args.growth_scales),
            args.requests,
            args.duration if args.duration is not None else 30,
            Path(args.output) if args.output else None,
            args.seed,
        )
    if args.profile:
        scale = args.scale if args.scale is not None else (0.02 if args.quick else 1.0)
        return profile(scale, args.seed, list(args.profile), args.requests)

    options = BenchOptions(
        scale=args.scale if args.scale is not None else (0.02 if args.quick else 1.0),
        seed=args.seed,
        duration=args.duration if args.duration is not None else (3 if args.quick else 10),
        concurrency=tuple(args.concurrency),
        workers=args.workers,
        operations=tuple(args.operations),
        targets=tuple(args.targets),
        output=args.output,
        label=args.label,
        quick=args.quick,
        rounds=args.rounds,
    )
    return run(options)


def register(sub: Any) -> None:
    generate = sub.add_parser(
        "generate", help="fill the benchmark database with a national-scale dataset (COPY)"
    )
    generate.add_argument(
        "--scale", type=float, default=1.0, help="1.0 = 200 orgs, 50,000 members per SHA"
    )
    generate.add_argument("--seed", type=int, default=None, help="default: the benchmark's")
    generate.add_argument("--force", action="store_true", help="reload even if already there")
    generate.set_defaults(func=cmd_generate)

    bench = sub.add_parser(
        "bench", help="benchmark this service against the floor and PostGraphile"
    )
    bench.add_argument("--quick", action="store_true", help="small scale, short runs")
    bench.add_argument("--scale", type=float, default=None, help="dataset scale (default 1.0)")
    bench.add_argument("--seed", type=int, default=None, help="default: the benchmark's")
    bench.add_argument("--duration", type=int, default=None, help="seconds per measurement")
    bench.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    bench.add_argument("--workers", type=int, default=1, help="uvicorn workers of this service")
    bench.add_argument("--operations", nargs="+", default=["1", "2", "3", "4", "5"])
    bench.add_argument(
        "--targets",
        nargs="+",
        default=["ours", "floor", "peer", "peer_rls"],
        help="peer: PostGraphile asked as an expert would (tenant condition); peer_rls: RLS only",
    )
    bench.add_argument("--output", default=None, help="default docs/benchmarks.md")
    bench.add_argument("--label", default="", help="names this run in the report")
    bench.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure every cell this many times, interleaved; the report gives medians",
    )
    bench.add_argument(
        "--profile",
        nargs="+",
        default=None,
        metavar="OP",
        help="instead of the benchmark: profile these operations in-process (pyinstrument)",
    )
    bench.add_argument(
        "--requests", type=int, default=300, help="requests per profile or growth figure"
    )
    bench.add_argument(
        "--growth",
        action="store_true",
        help="instead of the benchmark: cost against page size and scale, memory, workers",
    )
    bench.add_argument(
        "--growth-scales",
        type=float,
        nargs="+",
        default=[0.1, 1.0, 4.0],
        help="dataset scales for --growth (each its own database)",
    )
    bench.set_defaults(func=cmd_bench)
