"""Start and stop the three servers under test, each pinned to the same CPU budget."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from clngraph.nodejs import NodeProject
from foundation.embedded import free_port
from foundation.settings import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


def cpu_split() -> tuple[list[str], list[str]]:
    """taskset prefixes: servers on CPU 0, the load generator on CPU 1 (when there are two)."""
    if shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return [], []
    return ["taskset", "-c", "0"], ["taskset", "-c", "1"]


@dataclass(frozen=True)
class Server:
    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    graphql_path: str
    ready_path: str

    def display_command(self) -> str:
        shown = [Path(c).name if c.startswith("/") else c for c in self.command]
        return " ".join(shown)


def ours(admin_url: str, data_dir: Path, workers: int) -> Server:
    port = free_port()
    command = [
        str(VENV_BIN / "uvicorn"),
        "clngraph.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
    ]
    env = {
        "DATABASE_URL": admin_url,
        "CLN_DATA_DIR": str(data_dir),
        "CLN_ENV": "production",
        "CLN_DEV_TOKENS": "true",
        # The load comes from one principal per operation: the per-caller rate limit
        # (600/min in production) would answer 429s. It stays on, with room for the load.
        "CLN_RATE_LIMIT_PER_MINUTE": "100000000",
        "CLN_RATE_LIMIT_BURST": "1000000",
    }
    return Server("ours", command, env, port, "/graphql", "/healthz")


def floor(api_url: str, schema: str) -> Server:
    port = free_port()
    command = [
        str(VENV_BIN / "uvicorn"),
        "bench.floor:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
    ]
    env = {"FLOOR_DATABASE_URL": api_url, "FLOOR_SCHEMA": schema}
    return Server("floor", command, env, port, "", "")


PEER_POOL_SIZE = 20  # the service's pool (CLN_DB_POOL_SIZE default), for both


def peer(
    project: NodeProject, api_url: str, schema: str, *, name: str = "peer", explain: bool = False
) -> Server:
    """PostGraphile with its production settings (node_tools/bench/peer.mjs). `explain`
    starts it for the plan check only: every response then carries the SQL it ran and
    PostgreSQL's EXPLAIN ANALYZE of it, taken by PostGraphile on the request's own
    connection and tenant context (bench/honesty.py)."""
    port = free_port()
    command = [str(project.node), str(project.directory / "peer.mjs")]
    env = {
        "PEER_DATABASE_URL": api_url,
        "PEER_SCHEMA": schema,
        "PEER_PORT": str(port),
        "PEER_POOL_SIZE": str(PEER_POOL_SIZE),
        "NODE_ENV": "production",
        "GRAPHILE_ENV": "production",
    }
    if explain:
        env |= {"PEER_EXPLAIN": "1", "DEBUG": "@dataplan/pg:PgExecutor:explain"}
    return Server(name, command, env, port, "/graphql", "")


@contextmanager
def running(server: Server, prefix: list[str], log: Path) -> Iterator[tuple[str, int]]:
    """Run the server until the block ends; yield its base URL and process id (taskset
    execs the command, so the id is the server's own)."""
    env = {**os.environ, **server.env}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*prefix, *server.command],
            cwd=server.command[1].rsplit("/", 1)[0]
            if server.command[1].endswith(".mjs")
            else PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{server.port}"
    try:
        _wait_listening(proc, base, log)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_listening(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {log}")
        try:
            httpx.get(base + "/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not start; see {log}")


def cpu_seconds(pid: int, *, reaped_children: bool = False) -> float:
    """User plus system CPU time of one process, all its threads (and, if asked, of
    the children it has reaped)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds() -> float:
    """CPU time of every PostgreSQL process on the machine (the benchmark's cluster is
    the only one running), so the database's share of each request can be reported.
    Backends and workers that exit are counted through the postmaster, which reaps
    them (their own counters vanish with them)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                total += cpu_seconds(int(entry.name), reaped_children=True)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total
