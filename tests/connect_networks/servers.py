"""Real API processes for the live-update tests: uvicorn servers on free ports, sharing
the test database and signing key, so a subscriber of one can hear a post made on
another only through PostgreSQL LISTEN/NOTIFY."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from foundation.embedded import free_port
from foundation.settings import PROJECT_ROOT, Settings

STARTUP_LIMIT_S = 60.0


@dataclass(frozen=True)
class Server:
    port: int

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def ws_url(self, path: str = "/graphql") -> str:
        return f"ws://127.0.0.1:{self.port}{path}"


def server_env(admin_url: str, settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": admin_url,
            "CLN_DATA_DIR": str(settings.data_dir),
            "CLN_ISSUER": settings.issuer,
            "CLN_AUDIENCE": settings.audience,
            "CLN_DEV_TOKENS": "true",
            "CLN_DB_POOL_SIZE": "2",
            "CLN_LOG_LEVEL": "WARNING",
            **extra,
        }
    )
    return env


def _wait_ready(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn on port {port} exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"uvicorn on port {port} did not start")


@contextmanager
def api_servers(count: int, env: dict[str, str]) -> Iterator[list[Server]]:
    """Start `count` uvicorn processes and stop them (by their own pids) afterwards."""
    processes: list[subprocess.Popen[bytes]] = []
    servers: list[Server] = []
    try:
        for _ in range(count):
            port = free_port()
            command = [sys.executable, "-m", "uvicorn", "clngraph.asgi:app", "--host", "127.0.0.1"]
            command += ["--port", str(port), "--no-access-log", "--ws", "websockets"]
            processes.append(
                subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL)
            )
            servers.append(Server(port))
        for process, server in zip(processes, servers, strict=True):
            _wait_ready(process, server.port)
        yield servers
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
