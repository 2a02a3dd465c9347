"""One command, three columns: this service, the floor and PostGraphile, same
machine, same database, same load generator, every server on the same CPU.

Steps: migrate and generate the dataset (skipped when already there), read the
fixtures, start the three servers pinned to CPU 0, check every operation answers
the same rows on each, then drive each operation with autocannon (pinned to CPU 1)
at each concurrency, server after server. Then write docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import honesty, operations, servers
from bench.database import BenchDatabase, bench_settings, prepare_and_generate, resolve
from bench.generate import Size
from bench.report import Measurement, write_report
from bench.settle import wait_for_quiet_database
from clngraph.nodejs import NodeProject, ensure_node_project
from clngraph.seed import first_member
from foundation.settings import PROJECT_ROOT

SHA = "Q31"
FIXTURE_MEMBERS = 200
COUNTED_TABLES = (
    "organisations",
    "members",
    "networks",
    "network_members",
    "forum_threads",
    "forum_posts",
    "learning_set_attendance",
    "escalator_assessments",
)
WARMUP_SECONDS = 2


@dataclass(frozen=True)
class BenchOptions:
    scale: float = 1.0
    seed: int = 0
    duration: int = 10
    concurrency: tuple[int, ...] = (1, 16)
    workers: int = 1
    operations: tuple[str, ...] = ("1", "2", "3", "4", "5")
    targets: tuple[str, ...] = ("ours", "floor", "peer", "peer_rls")
    output: str | None = None
    label: str = ""
    quick: bool = False
    rounds: int = 1  # interleaved repetitions; the report gives medians over them


@dataclass
class RunState:
    options: BenchOptions
    db: BenchDatabase
    fixtures: operations.Fixtures
    node: NodeProject
    tokens: dict[str, str]
    logs: Path
    measurements: list[Measurement] = field(default_factory=list)
    signatures: dict[tuple[str, str], Any] = field(default_factory=dict)
    commands: dict[str, str] = field(default_factory=dict)
    load_time: float | None = None
    rows: dict[str, int] = field(default_factory=dict)
    plans: list[honesty.PlanVerdict] = field(default_factory=list)


async def read_fixtures(db: BenchDatabase) -> tuple[operations.Fixtures, dict[str, int]]:
    schema = db.settings.db_schema
    conn = await asyncpg.connect(db.admin_url, server_settings={"search_path": schema})
    try:
        keys = await conn.fetch(
            "SELECT id FROM members WHERE sha_code = $1 ORDER BY id LIMIT $2", SHA, FIXTURE_MEMBERS
        )
        national = await conn.fetch(
            "SELECT code FROM shas WHERE status IN ('planned', 'pilot', 'live', 'suspended')"
            " ORDER BY code"
        )
        rows = {
            t: await conn.fetchval(f"SELECT count(*) FROM {schema}.{t}") for t in COUNTED_TABLES
        }
        threads = await conn.fetch(
            "SELECT id, forum_id FROM forum_threads WHERE sha_code = $1 AND NOT locked"
            " ORDER BY id LIMIT $2",
            SHA,
            FIXTURE_MEMBERS,
        )
        author = await first_member(db.admin_url, db.settings, SHA)
    finally:
        await conn.close()
    fixtures = operations.Fixtures(
        sha=SHA,
        national_read=[r["code"] for r in national],
        member_keys=[str(r["id"]) for r in keys],
        threads=[(str(r["id"]), str(r["forum_id"])) for r in threads],
        author_key=author[0] if author else "",
    )
    return fixtures, rows


async def make_tokens(db: BenchDatabase) -> dict[str, str]:
    from clngraph.dev_access import dev_token

    return {
        "regional": await dev_token(db.settings, db.admin_url, "sha_admin", SHA),
        "national": await dev_token(db.settings, db.admin_url, "national_lead", None),
    }


def headers_for(state: RunState, server: str, op: str) -> dict[str, str]:
    if server == "ours":
        token = state.tokens["national" if op == "2" else "regional"]
        return {"authorization": f"Bearer {token}"}
    return operations.tenant_headers(op, state.fixtures)


def url_for(base: str, server: servers.Server, op: str) -> str:
    return f"{base}/{op}" if server.name == "floor" else base + server.graphql_path


def check(state: RunState, server: servers.Server, base: str, op: str) -> None:
    """Each operation must answer without errors, and the same rows as the other servers."""
    bodies = operations.bodies(op, server.name, state.fixtures)
    body = bodies[3 % len(bodies)]
    print(f"check: {server.name} op {op}", flush=True)  # a timeout names its cell
    response = httpx.post(
        url_for(base, server, op),
        content=body,
        headers={"content-type": "application/json", **headers_for(state, server.name, op)},
        timeout=300,  # the peer's dashboard aggregates the live tables, on a busy machine
    )
    payload = response.json()
    if response.status_code != 200 or payload.get("errors") or not payload.get("data"):
        raise RuntimeError(f"{server.name} op {op}: {response.status_code} {response.text[:500]}")
    state.signatures[(server.name, op)] = operations.SIGNATURES[op](payload["data"])


def load(
    state: RunState | Any, url: str, headers: dict[str, str], bodies: list[str], c: int, d: int
) -> Any:
    """autocannon (node_tools/bench/loadgen.mjs) on `url` for `d` seconds at concurrency `c`;
    `state` needs only its `node` (the Node project)."""
    spec = {"url": url, "headers": headers, "bodies": bodies, "connections": c, "duration": d}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    try:
        _, prefix = servers.cpu_split()
        result = subprocess.run(
            [*prefix, str(state.node.node), "loadgen.mjs", f.name],
            cwd=state.node.directory,
            capture_output=True,
            text=True,
            timeout=d + 120,
            check=True,
        )
    finally:
        os.unlink(f.name)
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_all(state: RunState, targets: list[servers.Server]) -> None:
    """All servers run at once (pinned to the same CPU, idle unless measured); each
    operation is measured server after server, so background load on a shared machine
    falls on the three columns alike rather than on whichever ran at a busy moment;
    with several rounds the whole sequence repeats, so each column is sampled at
    several moments and the report can take medians."""
    options = state.options
    prefix, _ = servers.cpu_split()
    with contextlib.ExitStack() as stack:
        bases: dict[str, str] = {}
        pids: dict[str, int] = {}
        for server in targets:
            state.commands[server.name] = (
                " ".join(prefix) + " " if prefix else ""
            ) + server.display_command()
            log = state.logs / f"{server.name}.log"
            base, pid = stack.enter_context(servers.running(server, prefix, log))
            bases[server.name], pids[server.name] = base, pid
        for server in targets:
            for op in options.operations:
                check(state, server, bases[server.name], op)
        for round_ in range(options.rounds):
            if options.rounds > 1:
                print(f"round {round_ + 1} of {options.rounds}", flush=True)
            for op in options.operations:
                for server in targets:
                    measure(state, server, bases[server.name], pids[server.name], op, round_)


def measure(
    state: RunState, server: servers.Server, base: str, pid: int, op: str, round_: int = 0
) -> None:
    options = state.options
    url = url_for(base, server, op)
    headers = headers_for(state, server.name, op)
    bodies = operations.bodies(op, server.name, state.fixtures)
    if round_ == 0:  # later rounds find the server, its pool and caches warm
        load(state, url, headers, bodies, max(options.concurrency), WARMUP_SECONDS)
    for c in options.concurrency:
        waited = wait_for_quiet_database(state.db.admin_url)
        if waited >= 1:
            print(f"  (waited {waited:.1f} s for PostgreSQL to finish earlier queries)")
        cpu, db_cpu = servers.cpu_seconds(pid), servers.database_cpu_seconds()
        r = load(state, url, headers, bodies, c, options.duration)
        requests = max(r["requests"], 1)
        cpu_ms = (servers.cpu_seconds(pid) - cpu) * 1000 / requests
        db_cpu_ms = (servers.database_cpu_seconds() - db_cpu) * 1000 / requests
        failed = r["non2xx"] + r["errors"] + r["timeouts"]
        state.measurements.append(
            Measurement(
                server.name,
                op,
                c,
                r["rps"],
                r["p50"],
                r["p99"],
                r["mean"],
                r["requests"],
                failed,
                cpu_ms,
                db_cpu_ms,
                round_,
            )
        )
        print(
            f"  {server.name:<5} op {op} c={c:<3} {r['rps']:>8.1f} req/s"
            f"  p50 {r['p50']:>6.1f} ms  p99 {r['p99']:>6.1f} ms  failed {failed}"
            f"  CPU/request: server {cpu_ms:.2f} ms, PostgreSQL {db_cpu_ms:.2f} ms",
            flush=True,
        )


def compare_signatures(state: RunState) -> list[str]:
    """Ops whose answers differ between servers (writes are compared by the email set)."""
    problems = []
    for op in state.options.operations:
        seen = {
            s: state.signatures[(s, op)]
            for s in state.options.targets
            if (s, op) in state.signatures
        }
        values = list(seen.values())
        if any(v != values[0] for v in values[1:]):
            problems.append(f"operation {op}: answers differ between {', '.join(seen)}")
    return problems


def run(options: BenchOptions) -> int:
    started = dt.datetime.now(dt.UTC)
    settings = bench_settings()
    db = resolve(settings)
    size = Size.at_scale(options.scale)
    print(f"dataset: scale {options.scale} ({size.members_per_sha * 10:,} members)", flush=True)
    t0 = time.monotonic()
    counts = asyncio.run(prepare_and_generate(db, size, seed=options.seed))
    load_time = time.monotonic() - t0 if counts is not None else None
    fixtures, rows = asyncio.run(read_fixtures(db))
    tokens = asyncio.run(make_tokens(db))
    node = ensure_node_project("bench")
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    state = RunState(options, db, fixtures, node, tokens, logs, load_time=load_time, rows=rows)
    schema = settings.db_schema
    targets = []
    for target in options.targets:
        if target == "ours":
            server = servers.ours(db.admin_url, settings.data_dir, options.workers)
        elif target == "floor":
            server = servers.floor(db.api_url, schema)
        elif target in operations.PEERS:
            server = servers.peer(node, db.api_url, schema, name=target)
        else:
            raise ValueError(f"unknown target {target}")
        print(f"{target}: {server.display_command()}", flush=True)
        targets.append(server)
    peers = [t for t in options.targets if t in operations.PEERS]
    if peers:
        state.plans = honesty.check_plans(
            node, db.api_url, schema, fixtures, list(options.operations), peers, logs
        )
        for v in state.plans:
            print(f"plan check: {v.column} op {v.op}: {v.summary()}", flush=True)
        unfair = [v for v in state.plans if v.column == "peer" and not v.passed]
        if unfair:
            print(
                "STOP: the tuned peer is handed a plan without an index of its region: "
                + "; ".join(f"op {v.op}: {v.summary()}" for v in unfair)
            )
            return 2
    measure_all(state, targets)
    problems = compare_signatures(state)
    for p in problems:
        print("WARNING:", p)
    output = Path(options.output) if options.output else PROJECT_ROOT / "docs" / "benchmarks.md"
    write_report(
        output,
        measurements=state.measurements,
        options=options,
        started=started,
        commands=state.commands,
        versions=versions(node),
        machine=machine(),
        rows=rows,
        load_time=load_time,
        problems=problems,
        size=size,
        embedded=db.embedded,
        plans=state.plans,
    )
    print(f"wrote {output}")
    return 1 if problems else 0


def versions(node: NodeProject) -> dict[str, str]:
    from importlib.metadata import version

    def npm_version(name: str) -> str:
        data = json.loads((node.directory / "node_modules" / name / "package.json").read_text())
        return str(data["version"])

    pg = subprocess.run(
        [str(_pg_bin("postgres")), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    node_v = subprocess.run([str(node.node), "--version"], capture_output=True, text=True).stdout
    return {
        "Python": platform.python_version(),
        "strawberry-graphql": version("strawberry-graphql"),
        "graphql-core": version("graphql-core"),
        "starlette": version("starlette"),
        "uvicorn": version("uvicorn"),
        "SQLAlchemy": version("sqlalchemy"),
        "asyncpg": version("asyncpg"),
        "orjson": version("orjson"),
        "PostgreSQL": pg or "?",
        "Node": node_v.strip(),
        "postgraphile": npm_version("postgraphile"),
        "autocannon": npm_version("autocannon"),
    }


def _pg_bin(name: str) -> Path:
    from foundation.embedded import EmbeddedPostgres

    return EmbeddedPostgres.bin_path() / name


def machine() -> dict[str, str]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024 // 1024} GiB"
    except OSError:
        pass
    return {
        "CPU": f"{model}, {os.cpu_count()} cores",
        "memory": mem,
        "OS": f"{platform.system()} {platform.release()}",
    }


def profile(scale: float, seed: int, ops: list[str], requests: int) -> int:
    """Profile operations of this service in-process on the benchmark database."""
    from bench.profile import run_profiles

    db = resolve(bench_settings())
    asyncio.run(prepare_and_generate(db, Size.at_scale(scale), seed=seed))
    fixtures, _ = asyncio.run(read_fixtures(db))
    tokens = asyncio.run(make_tokens(db))
    run_profiles(db, fixtures, tokens, ops, requests)
    return 0


def in_process_app(db: BenchDatabase) -> Any:
    """The service as deployed, for in-process measurements (bench.cpu, bench.latency,
    the profiler): production settings (the GC tuning, among others), dev tokens still
    on, and the rate limit with room for the load, as bench/servers.py gives it."""
    from clngraph.app import create_app

    settings = replace(
        db.settings,
        environment="production",
        rate_limit_per_minute=100_000_000,
        rate_limit_burst=1_000_000,
    )
    return create_app(settings, admin_url=db.admin_url)
