"""`notificationAdded` over graphql-transport-ws against a real uvicorn process: a
notification committed by another process (the test's app) reaches its member through
LISTEN/NOTIFY, and never a member of another SHA."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from foundation.settings import Settings
from tests.connect_networks.servers import Server, api_servers, server_env
from tests.connect_networks.test_live import ws_client
from tests.frontdoor.conftest import new_member
from tests.frontdoor.test_notifications import DECIDE, closed_network_request

GUARD_S = 30.0  # only stops a broken test from hanging; nothing is timed
SUBSCRIBE = """subscription($since: DateTime) { notificationAdded(since: $since) {
  id kind title subjectId } }"""
SINCE = "2000-01-01T00:00:00+00:00"


@pytest.fixture(scope="module")
def server(admin_url: str, settings: Settings) -> Iterator[Server]:
    env = server_env(admin_url, settings, CLN_JOBS_IN_PROCESS="false")
    with api_servers(1, env) as running:
        yield running[0]


async def decided(gql: Any, member_token: Any, member: dict[str, Any]) -> None:
    request = await closed_network_request(gql, member_token, member)
    await gql.data(DECIDE, {"id": request, "ok": True}, as_role=("sha_admin", member["shaCode"]))


async def test_live_to_her_only(server: Server, gql: Any, member_token: Any) -> None:
    nw, london = await new_member(gql, "Q31"), await new_member(gql, "Q36")
    await decided(gql, member_token, nw)  # one before subscribing: the replay proves LISTEN
    await decided(gql, member_token, london)
    async with (
        ws_client(server, member_token(nw)) as nw_session,
        ws_client(server, member_token(london)) as london_session,
    ):
        nw_feed = nw_session.subscribe(GraphQLRequest(SUBSCRIBE, variable_values={"since": SINCE}))
        london_feed = london_session.subscribe(
            GraphQLRequest(SUBSCRIBE, variable_values={"since": SINCE})
        )
        try:
            first_nw = (await asyncio.wait_for(anext(nw_feed), GUARD_S))["notificationAdded"]
            first_london = (await asyncio.wait_for(anext(london_feed), GUARD_S))[
                "notificationAdded"
            ]
            assert first_nw["kind"] == first_london["kind"] == "MEMBERSHIP_REQUEST_DECIDED"
            await decided(gql, member_token, nw)  # committed by another process
            live = (await asyncio.wait_for(anext(nw_feed), GUARD_S))["notificationAdded"]
            assert live["id"] != first_nw["id"] and live["kind"] == "MEMBERSHIP_REQUEST_DECIDED"
            # London hears nothing of it: its next message is its own next notification
            await decided(gql, member_token, london)
            own = (await asyncio.wait_for(anext(london_feed), GUARD_S))["notificationAdded"]
            assert own["id"] not in (live["id"], first_nw["id"], first_london["id"])
            feed = await gql.data(
                "{ viewer { notifications(first: 5) { nodes { id } } } }",
                token=member_token(london),
            )
            assert own["id"] in [n["id"] for n in feed["viewer"]["notifications"]["nodes"]]
        finally:
            await nw_feed.aclose()
            await london_feed.aclose()


async def test_national_roles_have_no_feed(server: Server, make_token: Any) -> None:
    async with ws_client(server, make_token("national_lead")) as session:
        stream = session.subscribe(GraphQLRequest(SUBSCRIBE))
        with pytest.raises(TransportQueryError):
            await asyncio.wait_for(anext(stream), GUARD_S)
