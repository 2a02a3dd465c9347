"""Tokens checked while sockets live: a subscription authenticated at
`connection_init` stops receiving events, and its socket closes, once its token is
revoked (4403), its agreement withdrawn, lapsed or narrowed (4403), its client
disabled (4403) or the token expires (4401), for partner and staff tokens alike. The server is a real
uvicorn process re-checking before every event (CLN_WS_TOKEN_RECHECK_S=0); the
events are real posts made over HTTP."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy import text

from clngraph.commands.identity import with_admin
from foundation.settings import Settings
from resolvers.identity import service
from tests.connect_networks.conftest import ADD_POST, create_forum, start_thread
from tests.factories import create_member
from tests.identity.conftest import Partner, basic
from tests.security.conftest import RunningServer, running_server
from tests.support import GraphQLClient

GUARD_S = 30.0  # only stops a broken test from hanging; nothing is timed
SUBSCRIBE = """
subscription($thread: ID, $since: DateTime) {
  forumPostAdded(threadId: $thread, since: $since) { id author { id } }
}"""
LONG_AGO = "2000-01-01T00:00:00+00:00"


@pytest.fixture
async def room(gql: GraphQLClient, make_token: Any) -> dict[str, str]:
    poster = await create_member(gql, "Q31")
    token = make_token("member", "Q31", roles=["member"], member_id=poster["id"])
    forum = await create_forum(gql, "Q31")
    started = await start_thread(gql, token, forum["id"], "Opening post")
    return {"thread": started["thread"]["id"], "opening": started["post"]["id"], "poster": token}


async def post(server: RunningServer, room: dict[str, str], body: str) -> str:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            server.server.http_url,
            json={"query": ADD_POST, "variables": {"t": room["thread"], "body": body}},
            headers={"Authorization": f"Bearer {room['poster']}"},
        )
    result = response.json()["data"]["addForumPost"]
    assert result["__typename"] == "PostPayload", result
    return str(result["post"]["id"])


class Subscriber:
    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.close_reason: str | None = None

    async def next_event(self) -> str | int:
        """The id of the next post delivered, or the close code when the server closes."""

        async def receive() -> str | int:
            while True:
                try:
                    message = json.loads(await self.socket.recv())
                except websockets.ConnectionClosed as closed:
                    assert closed.rcvd is not None
                    self.close_reason = closed.rcvd.reason
                    return closed.rcvd.code
                if message["type"] == "next":
                    return str(message["payload"]["data"]["forumPostAdded"]["id"])
                assert message["type"] in ("ping", "pong"), message

        return await asyncio.wait_for(receive(), GUARD_S)


@asynccontextmanager
async def subscribed(
    server: RunningServer, token: str, room: dict[str, str]
) -> AsyncIterator[Subscriber]:
    async with websockets.connect(
        server.server.ws_url(),
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        ack = json.loads(await asyncio.wait_for(socket.recv(), GUARD_S))
        assert ack["type"] == "connection_ack", ack
        message = {"query": SUBSCRIBE, "variables": {"thread": room["thread"], "since": LONG_AGO}}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": message}))
        subscriber = Subscriber(socket)
        # the opening post's replay comes after the LISTEN: nothing posted from here is missed
        assert await subscriber.next_event() == room["opening"]
        yield subscriber


async def until_refused(server: RunningServer, room: dict[str, str], subscriber: Subscriber) -> int:
    """Post until the subscriber's socket closes; nothing posted after the change may
    reach it. Returns the close code."""
    posted = await post(server, room, "after the change")
    outcome = await subscriber.next_event()
    assert outcome != posted, "an event was delivered after the token stopped holding"
    assert isinstance(outcome, int), outcome
    return outcome


def expiry_of(token: str) -> float:
    """The `exp` claim of a JWT the test holds (its signature is the server's business)."""
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return float(claims["exp"])


async def posts_until_closed(
    server: RunningServer, room: dict[str, str], subscriber: Subscriber
) -> tuple[int, float, list[float]]:
    """Post, and wait for each post, until the server closes the subscriber's socket
    (waiting for what the server does, not sleeping for a fixed time). Returns the
    close code, when it came, and when each post that was still delivered was sent."""
    delivered: list[float] = []
    while True:
        sent_at = time.time()
        posted = await post(server, room, "until the socket closes")
        outcome = await subscriber.next_event()
        if isinstance(outcome, int):
            return outcome, time.time(), delivered
        assert outcome == posted
        delivered.append(sent_at)
        assert len(delivered) < 200, "the socket was never closed"
        await asyncio.sleep(0.1)  # pace the posts: not a wait for the token


@pytest.fixture
async def reader(make_partner: Any) -> Partner:
    partner: Partner = await make_partner(["forums:read", "directory:read"], ["Q31"])
    return partner


async def revoke(http: httpx.AsyncClient, partner: Partner, token: str) -> None:
    response = await http.post(
        "/oauth/revoke",
        data={"token": token},
        headers=basic(partner.client_id, partner.client_secret),
    )
    assert response.status_code == 200


ChangeFactory = Callable[[httpx.AsyncClient, Partner, str], Awaitable[None]]


def as_operator(admin_url: str, settings: Settings, action: Callable[[Any], Any]) -> Any:
    return with_admin(admin_url, settings, action)


async def change_agreement(admin_url: str, settings: Settings, agreement: str, sets: str) -> None:
    """An operator's change of the agreement row itself (no command does these yet:
    the agreement lapsing, or narrowed in place)."""

    async def update(db: Any) -> None:
        await db.rows(
            text(f"UPDATE data_sharing_agreements SET {sets} WHERE id = CAST(:id AS uuid)"),
            {"id": agreement},
        )

    await with_admin(admin_url, settings, update)


# the close reason names what stopped holding
REASONS = {
    "revoke": "token revoked",
    "withdraw": "the agreement behind this token is no longer in force",
    "lapse": "the agreement behind this token is no longer in force",
    "disable": "the client of this token is disabled",
}


@pytest.mark.parametrize("change", sorted(REASONS))
async def test_partner_subscription_stops_when_its_token_stops_holding(
    live_server: RunningServer,
    http: httpx.AsyncClient,
    room: dict[str, str],
    reader: Partner,
    partner_token: Any,
    admin_url: str,
    settings: Settings,
    change: str,
) -> None:
    token = await partner_token(reader)
    async with subscribed(live_server, token, room) as subscriber:
        first = await post(live_server, room, "before the change")
        assert await subscriber.next_event() == first
        if change == "revoke":
            await revoke(http, reader, token)
        elif change == "withdraw":
            await with_admin(
                admin_url, settings, lambda db: service.withdraw_agreement(db, reader.agreement_id)
            )
        elif change == "lapse":
            await change_agreement(
                admin_url,
                settings,
                reader.agreement_id,
                "valid_until = now() - interval '1 second'",
            )
        else:
            await with_admin(
                admin_url, settings, lambda db: service.disable_client(db, reader.client_id)
            )
        assert await until_refused(live_server, room, subscriber) == 4403
        assert subscriber.close_reason == REASONS[change]


@pytest.mark.parametrize("narrowed", ["scopes", "shas"])
async def test_a_narrowed_agreement_closes_a_wider_connection(
    live_server: RunningServer,
    room: dict[str, str],
    make_partner: Any,
    partner_token: Any,
    admin_url: str,
    settings: Settings,
    narrowed: str,
) -> None:
    """The agreement still in force, but granting less than the connection was given
    at connection_init (a scope, or an SHA, taken away): the connection is closed
    with 4403 before the next event, naming why."""
    partner = await make_partner(["forums:read", "directory:read"], ["Q31", "Q36"])
    token = await partner_token(partner)
    async with subscribed(live_server, token, room) as subscriber:
        first = await post(live_server, room, "before")
        assert await subscriber.next_event() == first
        sets = "scopes = '{forums:read}'" if narrowed == "scopes" else "sha_codes = '{Q31}'"
        await change_agreement(admin_url, settings, partner.agreement_id, sets)
        assert await until_refused(live_server, room, subscriber) == 4403
        assert subscriber.close_reason == "Agreement narrowed"


@pytest.fixture(scope="module")
def caching_server(admin_url: str, settings: Settings) -> Iterator[RunningServer]:
    """A server with the default re-check window (CLN_WS_TOKEN_RECHECK_S=2)."""
    with running_server(admin_url, settings, CLN_WS_TOKEN_RECHECK_S="2") as server:
        yield server


async def test_a_cached_check_is_trusted_for_its_window_at_most(
    caching_server: RunningServer,
    http: httpx.AsyncClient,
    room: dict[str, str],
    reader: Partner,
    partner_token: Any,
) -> None:
    """The full check is cached for CLN_WS_TOKEN_RECHECK_S (2 s): once the window that
    began with the last delivered event has passed, the next event after a revocation
    closes the socket instead of being delivered."""
    token = await partner_token(reader)
    async with subscribed(caching_server, token, room) as subscriber:
        first = await post(caching_server, room, "before the change")
        assert await subscriber.next_event() == first
        await revoke(http, reader, token)
        revoked_at = time.time()
        code, closed_at, delivered = await posts_until_closed(caching_server, room, subscriber)
        assert code == 4403
        assert subscriber.close_reason == "token revoked"
        # delivered only within the window that began before the revocation
        assert all(sent_at < revoked_at + 2.0 for sent_at in delivered), delivered
        assert closed_at < revoked_at + 2.0 + GUARD_S


async def closes_at_expiry(
    server: RunningServer, room: dict[str, str], subscriber: Subscriber, expires: float
) -> None:
    """Events flow until the token's expiry and none after it: the next one closes the
    socket with 4401."""
    code, closed_at, delivered = await posts_until_closed(server, room, subscriber)
    assert code == 4401
    assert closed_at >= expires  # not refused before it expired
    assert all(sent_at < expires for sent_at in delivered), (expires, delivered)


async def test_an_expired_staff_token_closes_with_4401_before_the_next_event(
    live_server: RunningServer, room: dict[str, str], make_token: Any
) -> None:
    token = make_token("member", "Q31", lifetime_s=3)
    async with subscribed(live_server, token, room) as subscriber:
        first = await post(live_server, room, "before expiry")
        assert await subscriber.next_event() == first
        await closes_at_expiry(live_server, room, subscriber, expiry_of(token))


async def test_an_expired_partner_token_closes_with_4401(
    live_server: RunningServer,
    room: dict[str, str],
    reader: Partner,
    current_signing_key: Any,
    settings: Settings,
) -> None:
    """A partner token signed by the service's real key, valid for three seconds."""
    import uuid

    from tests.identity.conftest import sign

    key = await current_signing_key()
    now = int(time.time())
    claims = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": reader.client_id,
        "client_id": reader.client_id,
        "scope": "forums:read directory:read",
        "cln_shas": ["Q31"],
        "cln_agreement": reader.agreement_id,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "nbf": now,
        "exp": now + 3,
    }
    token = sign(key, claims)
    async with subscribed(live_server, token, room) as subscriber:
        first = await post(live_server, room, "before expiry")
        assert await subscriber.next_event() == first
        await closes_at_expiry(live_server, room, subscriber, expiry_of(token))


async def test_subscriptions_are_held_to_partner_scopes(
    live_server: RunningServer, room: dict[str, str], make_partner: Any, partner_token: Any
) -> None:
    """A partner without directory:contact cannot subscribe to authors' e-mails, nor
    one without directory:read to authors at all."""
    forums_only = await partner_token(await make_partner(["forums:read"], ["Q31"]))
    async with websockets.connect(
        live_server.server.ws_url(),
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    ) as socket:
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"token": forums_only}})
        )
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        for selection, missing in (
            ("id author { id }", ["directory:read"]),
            ("id author { email }", ["directory:contact", "directory:read"]),
        ):
            query = f"subscription {{ forumPostAdded {{ {selection} }} }}"
            await socket.send(
                json.dumps({"id": selection, "type": "subscribe", "payload": {"query": query}})
            )
            message = json.loads(await asyncio.wait_for(socket.recv(), GUARD_S))
            assert message["type"] == "error", message
            extensions = message["payload"][0]["extensions"]
            assert extensions["code"] == "FORBIDDEN"
            assert extensions["missingScopes"] == missing


async def test_connection_init_refusals_name_the_reason(
    live_server: RunningServer, make_token: Any, make_partner: Any, partner_token: Any
) -> None:
    """As an HTTP refusal's description does: an expired token closes with 4401
    "Token expired"; a revoked or foreign one with 4403 naming why."""
    revoked_partner = await make_partner(["forums:read"], ["Q31"])
    revoked = await partner_token(revoked_partner)
    async with httpx.AsyncClient() as http:
        response = await http.post(
            live_server.server.http_url.replace("/graphql", "/oauth/revoke"),
            data={"token": revoked},
            headers=basic(revoked_partner.client_id, revoked_partner.client_secret),
        )
        assert response.status_code == 200
    cases = [
        (make_token("member", "Q31", lifetime_s=-60), 4401, "Token expired"),
        (
            make_token("member", "Q31", extra={"aud": "elsewhere"}),
            4403,
            "token for another audience",
        ),
        (revoked, 4403, "token revoked"),
    ]
    for token, code, reason in cases:
        async with websockets.connect(
            live_server.server.ws_url(),
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        ) as socket:
            await socket.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), GUARD_S)
            assert closed.value.rcvd is not None
            assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (code, reason)
