"""Fixtures of the API contract tests: a live uvicorn server and the Node tools."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from clngraph.app import create_app
from clngraph.nodejs import NodeProject, ensure_node_project
from clngraph.settings import Settings
from tests.api_contract.live import live_server


@pytest.fixture(scope="session")
def node_tools() -> NodeProject:
    return ensure_node_project("api-contract")


@pytest.fixture(scope="module")
def live_url(admin_url: str, settings: Settings) -> Iterator[str]:
    """The API served by uvicorn on a free port (its own app, engine and event loop)."""
    with live_server(create_app(settings, admin_url=admin_url)) as url:
        yield url


def run_node(tools: NodeProject, script: str, *args: str) -> Any:
    """Run a script of tools/api-contract and parse the JSON of its last output line
    (Apollo's servers log their own lines to stdout before it)."""
    done = tools.run(script, *args, timeout=240)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
