"""Fixtures of the security tests: the identity fixtures (the app with a real OIDC
issuer, partners created as an operator would, tokens from the real token endpoint),
attack documents, and a real uvicorn process for what must hold across processes and
under concurrency."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from foundation.embedded import free_port
from foundation.settings import PROJECT_ROOT, Settings
from tests.connect_networks.servers import Server, _wait_ready, server_env
from tests.identity.conftest import (  # noqa: F401  (fixtures)
    app,
    current_signing_key,
    identity_config,
    make_partner,
    oidc_server,
    partner_token,
)


def doubling(levels: int, *, on: str = "Query", leaf: str = "viewer { subject }") -> str:
    """About 40 bytes a level: fragment i spreads fragment i+1 twice, so the operation
    expands to 2**levels copies of `leaf`."""
    kind = {"Query": "query", "Subscription": "subscription"}.get(on)
    head = f"{kind} Attack {{ ...F0 }}" if kind else ""
    fragments = [f"fragment F{i} on {on} {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    fragments.append(f"fragment F{levels} on {on} {{ {leaf} }}")
    return "\n".join([head, *fragments]).strip()


@dataclass(frozen=True)
class RunningServer:
    server: Server
    pid: int

    def cpu_s(self) -> float:
        """User plus system CPU the server process has used so far."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def running_server(admin_url: str, settings: Settings, **env: str) -> Iterator[RunningServer]:
    """The real API in its own uvicorn process (stopped by its own pid afterwards)."""
    port = free_port()
    # no rate limit: the operation limits alone must hold the service up
    environment = server_env(
        admin_url,
        settings,
        **{
            "CLN_WS_TOKEN_RECHECK_S": "0",
            "CLN_WS_KEEPALIVE_S": "0",
            "CLN_RATE_LIMIT_PER_MINUTE": "0",
            "CLN_DB_POOL_SIZE": "20",  # enough connections for a burst to be truly concurrent
            "CLN_PUBLIC_RATE_LIMIT_PER_MINUTE": "0",
            **env,
        },
    )
    command = [sys.executable, "-m", "uvicorn", "clngraph.asgi:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-access-log", "--ws", "websockets"]
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=environment, stdout=subprocess.DEVNULL
    )
    try:
        _wait_ready(process, port)
        yield RunningServer(Server(port), process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def live_server(admin_url: str, settings: Settings) -> Iterator[RunningServer]:
    """The real API in its own uvicorn process, re-checking tokens before every event."""
    with running_server(admin_url, settings) as server:
        yield server
