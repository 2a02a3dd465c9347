"""Live updates over graphql-transport-ws, with the `gql` client against real uvicorn
processes: a post made through one process reaches a subscriber of another, never a
subscriber of another SHA; connections without a valid token are refused."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportError, TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from foundation.settings import Settings
from tests.connect_networks.conftest import ADD_POST, create_forum, parse_elements, start_thread
from tests.connect_networks.servers import Server, api_servers, server_env
from tests.factories import create_member
from tests.support import GraphQLClient

MAX_OPERATIONS = 3
GUARD_S = 30.0  # only stops a broken test from hanging; nothing is timed

SUBSCRIBE = """
subscription($thread: ID, $forum: ID, $since: DateTime) {
  forumPostAdded(threadId: $thread, forumId: $forum, since: $since) {
    id shaCode bodyMarkdown bodyHtml author { id }
  }
}"""


@pytest.fixture(scope="module")
def servers(admin_url: str, settings: Settings) -> Iterator[list[Server]]:
    env = server_env(
        admin_url,
        settings,
        CLN_WS_MAX_OPERATIONS=str(MAX_OPERATIONS),
        CLN_WS_KEEPALIVE_S="1",
        CLN_WS_ALLOWED_ORIGINS="https://nw.cln.example",
    )
    with api_servers(2, env) as running:
        yield running


def ws_client(
    server: Server, token: str | None, path: str = "/graphql", payload: dict[str, Any] | None = None
) -> Client:
    init = {"Authorization": f"Bearer {token}"} if token else {}
    transport = WebsocketsTransport(
        url=server.ws_url(path),
        init_payload={**init, **(payload or {})},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    return Client(transport=transport)


async def post_over_http(server: Server, token: str, thread: str, body: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            server.http_url,
            json={"query": ADD_POST, "variables": {"t": thread, "body": body}},
            headers={"Authorization": f"Bearer {token}"},
        )
    result: dict[str, Any] = response.json()["data"]["addForumPost"]
    assert result["__typename"] == "PostPayload", result
    return dict(result["post"])


class Feed:
    """One subscription on a gql session, read one message at a time. Every feed is
    closed when its `opened` block ends, so the client completes it before closing."""

    def __init__(self, session: Any, variables: dict[str, Any], opened: list[Feed]) -> None:
        self.stream: AsyncGenerator[dict[str, Any], None] = session.subscribe(
            GraphQLRequest(SUBSCRIBE, variable_values=variables)
        )
        opened.append(self)

    async def next(self) -> dict[str, Any]:
        result = await asyncio.wait_for(anext(self.stream), GUARD_S)
        return dict(result["forumPostAdded"])


@asynccontextmanager
async def opened_feeds() -> AsyncIterator[list[Feed]]:
    feeds: list[Feed] = []
    try:
        yield feeds
    finally:
        for feed in feeds:
            await feed.stream.aclose()


async def _room(gql: GraphQLClient, member_token: Any, sha: str) -> dict[str, Any]:
    """A forum with a thread and its first post, and two members' tokens."""
    poster = await create_member(gql, sha)
    reader = await create_member(gql, sha)
    forum = await create_forum(gql, sha)
    started = await start_thread(gql, member_token(poster), forum["id"], f"Opening post {sha}")
    return {
        "forum": forum["id"],
        "thread": started["thread"]["id"],
        "first": started["post"],
        "poster": member_token(poster),
        "reader": member_token(reader),
        "poster_id": poster["id"],
    }


async def test_post_through_one_process_reaches_subscriber_of_another(
    servers: list[Server], gql: GraphQLClient, member_token: Any
) -> None:
    one, two = servers
    room = await _room(gql, member_token, "Q31")
    variables = {"thread": room["thread"], "since": "2000-01-01T00:00:00+00:00"}
    async with ws_client(two, room["reader"]) as session, opened_feeds() as feeds:
        feed = Feed(session, variables, feeds)
        # the replay proves the LISTEN is in place before anything new is posted
        assert (await feed.next())["id"] == room["first"]["id"]
        hostile = "Hello <script>alert(1)</script> [x](javascript:alert(1))"
        posted = await post_over_http(one, room["poster"], room["thread"], hostile)
        received = await feed.next()
        assert received["id"] == posted["id"]
        assert received["shaCode"] == "Q31"
        assert received["bodyMarkdown"] == hostile
        elements = parse_elements(received["bodyHtml"])
        assert [tag for tag, _ in elements] == ["p"]  # the script and the link are text
        assert received["author"]["id"] == room["poster_id"]
        # queries share the connection, each in its own transaction
        answers = await asyncio.gather(
            *[
                session.execute(GraphQLRequest('{ forums(shas: ["Q31"]) { totalCount } }'))
                for _ in range(2)
            ]
        )
        assert answers[0] == answers[1] and answers[0]["forums"]["totalCount"] >= 1
        # a mutation over the socket commits its own transaction and notifies subscribers
        request = GraphQLRequest(ADD_POST, variable_values={"t": room["thread"], "body": "Via WS"})
        via_socket = (await session.execute(request))["addForumPost"]
        assert via_socket["__typename"] == "PostPayload"
        assert (await feed.next())["id"] == via_socket["post"]["id"]


async def test_forum_feed_and_other_sha_receives_nothing(
    servers: list[Server], gql: GraphQLClient, member_token: Any
) -> None:
    one, two = servers
    north_west = await _room(gql, member_token, "Q31")
    london = await _room(gql, member_token, "Q36")
    since = "2000-01-01T00:00:00+00:00"
    async with (
        ws_client(two, london["reader"]) as london_session,
        ws_client(one, north_west["reader"]) as nw_session,
        opened_feeds() as feeds,
    ):
        london_feed = Feed(london_session, {"forum": london["forum"], "since": since}, feeds)
        nw_feed = Feed(nw_session, {"forum": north_west["forum"], "since": since}, feeds)
        assert (await london_feed.next())["id"] == london["first"]["id"]
        assert (await nw_feed.next())["id"] == north_west["first"]["id"]
        secret = await post_over_http(one, north_west["poster"], north_west["thread"], "NW only")
        assert (await nw_feed.next())["id"] == secret["id"]
        # notifications arrive in commit order: had the NW post leaked, it would come first
        after = await post_over_http(two, london["poster"], london["thread"], "London news")
        received = await london_feed.next()
        assert received["id"] == after["id"] and received["shaCode"] == "Q36"
        # naming another SHA's thread or forum is refused, not silently empty
        for variables in ({"thread": north_west["thread"]}, {"forum": north_west["forum"]}):
            with pytest.raises(TransportQueryError):
                await Feed(london_session, variables, feeds).next()


async def test_connections_without_a_valid_token_are_refused(
    servers: list[Server], gql: GraphQLClient, member_token: Any, make_token: Any
) -> None:
    server = servers[0]
    room = await _room(gql, member_token, "Q31")
    for token in (None, "not-a-jwt"):
        with pytest.raises(TransportError):
            async with ws_client(server, token) as session, opened_feeds() as feeds:
                await Feed(session, {"thread": room["thread"]}, feeds).next()
    # the close codes, read with a plain WebSocket client
    cases = [({}, 4401), ({"token": "forged"}, 4403), ({"Authorization": "Basic abc"}, 4403)]
    london = make_token("member", "Q36")
    cases.append(({"token": london}, 4403))  # London token on the North West path
    for payload, code in cases:
        path = "/sha/Q31/graphql" if payload.get("token") == london else "/graphql"
        async with websockets.connect(
            server.ws_url(path),
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        ) as socket:
            await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), GUARD_S)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == code
    # the token form works too
    async with (
        ws_client(server, None, payload={"token": room["reader"]}) as session,
        opened_feeds() as feeds,
    ):
        replay = Feed(session, {"thread": room["thread"], "since": "2000-01-01T00:00:00Z"}, feeds)
        assert (await replay.next())["id"] == room["first"]["id"]


async def test_origin_limit_and_keepalive(
    servers: list[Server], gql: GraphQLClient, member_token: Any
) -> None:
    server = servers[1]
    room = await _room(gql, member_token, "Q31")
    with pytest.raises(websockets.InvalidStatus):
        async with websockets.connect(
            server.ws_url(),
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            origin="https://evil.example",  # type: ignore[arg-type]
        ):
            pass
    async with websockets.connect(
        server.ws_url(),
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        origin="https://nw.cln.example",  # type: ignore[arg-type]
    ) as socket:
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"token": room["reader"]}})
        )
        assert (
            json.loads(await asyncio.wait_for(socket.recv(), GUARD_S))["type"] == "connection_ack"
        )
        assert json.loads(await asyncio.wait_for(socket.recv(), GUARD_S)) == {"type": "ping"}

    since = "2000-01-01T00:00:00Z"
    async with ws_client(server, room["reader"]) as session, opened_feeds() as feeds:
        limited = [
            Feed(session, {"thread": room["thread"], "since": since}, feeds)
            for _ in range(MAX_OPERATIONS)
        ]
        for feed in limited:
            assert (await feed.next())["id"] == room["first"]["id"]
        with pytest.raises(TransportQueryError, match="limit"):
            await Feed(session, {"thread": room["thread"], "since": since}, feeds).next()


async def test_a_connection_ends_when_its_token_expires(
    servers: list[Server], make_token: Any
) -> None:
    token = make_token("member", "Q31", lifetime_s=2)
    async with websockets.connect(
        servers[0].ws_url(),
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert (
            json.loads(await asyncio.wait_for(socket.recv(), GUARD_S))["type"] == "connection_ack"
        )

        async def until_closed() -> int:
            while True:
                try:
                    message = json.loads(await socket.recv())
                except websockets.ConnectionClosed as closed:
                    assert closed.rcvd is not None
                    return closed.rcvd.code
                assert message == {"type": "ping"}

        assert await asyncio.wait_for(until_closed(), GUARD_S) == 4401


async def test_a_national_forum_feed_carries_posts_of_every_sha(
    servers: list[Server], gql: GraphQLClient, member_token: Any
) -> None:
    """A Q31 member follows a national forum held by Q31: a Q36 member's post reaches
    her (written in Q36); a Q36 regional post does not."""
    from tests.connect_networks.test_national_forums import open_national

    one, two = servers
    forum = await open_national(gql)
    reader = member_token(await create_member(gql, "Q31"))
    writer = member_token(await create_member(gql, "Q36"))
    started = await start_thread(gql, writer, forum["id"], "Opening post from London")
    london = await _room(gql, member_token, "Q36")
    since = "2000-01-01T00:00:00+00:00"
    async with ws_client(two, reader) as session, opened_feeds() as feeds:
        by_forum = Feed(session, {"forum": forum["id"], "since": since}, feeds)
        first = await by_forum.next()
        assert first["id"] == started["post"]["id"] and first["shaCode"] == "Q36"
        by_thread = Feed(session, {"thread": started["thread"]["id"], "since": since}, feeds)
        assert (await by_thread.next())["id"] == started["post"]["id"]  # listening now
        await post_over_http(one, london["poster"], london["thread"], "London only")
        posted = await post_over_http(one, writer, started["thread"]["id"], "Also from London")
        assert (await by_forum.next())["id"] == posted["id"]
        received = await by_thread.next()
        assert received["id"] == posted["id"] and received["shaCode"] == "Q36"
        assert received["author"] is None  # a member of another SHA: her name only
