"""The real server command: `cln-graph serve` boots, migrates idempotently and answers,
with two workers whose metrics any scrape sums."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from foundation.embedded import free_port


def unverified_claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_serve_command_bootstraps_and_serves(admin_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "CLN_ISSUER"},
        "DATABASE_URL": admin_url,
        "CLN_DATA_DIR": str(tmp_path),
        "CLN_LOG_JSON": "true",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "clngraph.cli", "serve", "--port", str(port), "--workers", "2"],
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
        # RFC 8414: the issuer is where the server is reached, not a fixed port
        issuer = f"http://127.0.0.1:{port}"
        metadata = httpx.get(f"{issuer}/.well-known/oauth-authorization-server").json()
        assert metadata["issuer"] == issuer
        assert metadata["token_endpoint"] == f"{issuer}/oauth/token"
        token = subprocess.run(
            [sys.executable, "-m", "clngraph.cli", "token", "--sha", "Q31"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert unverified_claims(token)["iss"] == issuer
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "{ members(first: 1) { edges { node { shaCode } } } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.json()["data"]["members"]["edges"][0]["node"]["shaCode"] == "Q31"
        # two workers, one figure: whichever worker answers the scrape sums both
        for _ in range(12):
            httpx.post(
                f"http://127.0.0.1:{port}/graphql",
                json={"query": "query ServeProbe { __typename }"},
                headers={"Authorization": f"Bearer {token}"},
            ).raise_for_status()
        for _ in range(3):
            scrape = httpx.get(f"http://127.0.0.1:{port}/metrics").text
            counted = [
                sample.value
                for family in text_string_to_metric_families(scrape)
                for sample in family.samples
                if sample.name == "cln_requests_total"
                and sample.labels.get("operation") == "ServeProbe"
            ]
            assert sum(counted) == 12, scrape
        assert {p.name.split("_")[0] for p in (tmp_path / "metrics").glob("*.db")} >= {"counter"}
        graphiql = httpx.get(f"http://127.0.0.1:{port}/graphql", headers={"Accept": "text/html"})
        assert graphiql.status_code == 200 and "graphiql" in graphiql.text.lower()
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "./dev token --sha Q31 --role member" in output
