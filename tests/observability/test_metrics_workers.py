"""Metrics with several real worker processes sharing PROMETHEUS_MULTIPROC_DIR (as the
image runs them): a scrape of either process sums both; the WebSocket gauge counts an
open subscription on the other process and the delivery counter its events (a
replayed post and one written while it listens); a process
that stops takes its live gauges with it while its counts stay."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import websockets
from prometheus_client.parser import text_string_to_metric_families

from foundation.settings import Settings
from tests.connect_networks.conftest import add_post, create_forum, start_thread
from tests.connect_networks.servers import Server, api_servers, server_env
from tests.factories import create_member
from tests.support import GraphQLClient

GUARD_S = 30.0  # only stops a broken test from hanging; nothing is timed
SUBSCRIBE = """subscription($forum: ID) {
  forumPostAdded(forumId: $forum, since: "2000-01-01T00:00:00Z") { bodyMarkdown }
}"""


def scrape(server: Server) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx.get(f"http://127.0.0.1:{server.port}/metrics", timeout=GUARD_S).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def probe_requests(server: Server, token: str, count: int) -> None:
    for _ in range(count):
        httpx.post(
            server.http_url,
            json={"query": "query WorkersProbe { __typename }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=GUARD_S,
        ).raise_for_status()


async def subscribe(server: Server, token: str, forum: str) -> Any:
    """A graphql-transport-ws subscription; returns the open socket after one event."""
    socket = await websockets.connect(
        server.ws_url(), subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    )
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    )
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    await socket.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIBE, "variables": {"forum": forum}},
            }
        )
    )
    message = json.loads(await socket.recv())
    assert message["type"] == "next", message
    assert message["payload"]["data"]["forumPostAdded"]["bodyMarkdown"] == "Counted once"
    return socket


async def test_every_worker_scrape_sums_all_workers(
    admin_url: str, settings: Settings, gql: GraphQLClient, make_token: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "multiproc"
    folder.mkdir()
    env = server_env(admin_url, settings, PROMETHEUS_MULTIPROC_DIR=str(folder))
    poster = await create_member(gql, "Q31")
    token = make_token("member", "Q31", member_id=poster["id"])
    forum = await create_forum(gql, "Q31")
    thread = await start_thread(gql, token, forum["id"], body="Counted once")
    probe = {
        "route": "graphql",
        "operation": "WorkersProbe",
        "sha": "Q31",
        "caller": "user",
        "outcome": "200",
    }

    with api_servers(1, env) as (first,):
        with api_servers(1, env) as (second,):
            probe_requests(first, token, 3)
            probe_requests(second, token, 4)
            socket = await subscribe(second, token, forum["id"])
            try:
                # a post written after it subscribed: the second delivery, live
                await add_post(gql, token, thread["thread"]["id"], "Counted twice")
                message = json.loads(await asyncio.wait_for(socket.recv(), GUARD_S))
                assert message["payload"]["data"]["forumPostAdded"]["bodyMarkdown"] == (
                    "Counted twice"
                )
                for server in (first, second):
                    seen = scrape(server)
                    assert value(seen, "cln_requests_total", **probe) == 7
                    assert value(seen, "cln_request_duration_seconds_count", **probe) == 7
                    assert value(seen, "cln_websocket_connections") == 1
                    assert value(seen, "cln_websocket_deliveries_total", sha="Q31") == 2
                    assert value(seen, "cln_db_statement_duration_seconds_count") > 0
            finally:
                await socket.close()
            closed = scrape(first)
            assert value(closed, "cln_websocket_connections") == 0
        # the second process has stopped: its counts stay, its live gauges go
        after = scrape(first)
        assert value(after, "cln_requests_total", **probe) == 7
        assert value(after, "cln_websocket_deliveries_total", sha="Q31") == 2
        assert value(after, "cln_websocket_connections") == 0
