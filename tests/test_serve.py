"""The real server command: `cln-graph serve` boots, migrates idempotently and answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from foundation.embedded import free_port


def test_serve_command_bootstraps_and_serves(admin_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": admin_url,
        "CLN_DATA_DIR": str(tmp_path),
        "CLN_LOG_JSON": "true",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "clngraph.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        ready = None
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                if ready.status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert ready is not None and ready.status_code == 200
        token = subprocess.run(
            [sys.executable, "-m", "clngraph.cli", "token", "--sha", "Q31"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "{ members(first: 1) { edges { node { shaCode } } } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.json()["data"]["members"]["edges"][0]["node"]["shaCode"] == "Q31"
        graphiql = httpx.get(f"http://127.0.0.1:{port}/graphql", headers={"Accept": "text/html"})
        assert graphiql.status_code == 200 and "graphiql" in graphiql.text.lower()
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "./dev token --sha Q31 --role member" in output
