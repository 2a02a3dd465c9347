"""A national event's waiting list spans regions: the member promoted is told in her
own SHA, live over graphql-transport-ws, though the request that freed the place
belongs to another region (migration 1450); nothing else crosses."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest
from sqlalchemy import text

from foundation.settings import Settings
from resolvers.common.ids import decode_id
from tests.connect_networks.servers import Server, api_servers, server_env
from tests.connect_networks.test_live import ws_client
from tests.connect_sets.conftest import CANCEL, REGISTER, create_event
from tests.frontdoor.conftest import new_member
from tests.frontdoor.test_live_notifications import GUARD_S, SINCE, SUBSCRIBE, decided
from tests.frontdoor.test_notifications import feed
from tests.support import app_transaction

RAISE = """mutation($id: ID!, $capacity: Int!) {
  updateEvent(input: {id: $id, capacity: $capacity}) {
    __typename ... on EventPayload { event { capacity } } ... on UserError { code } } }"""


@pytest.fixture(scope="module")
def server(admin_url: str, settings: Settings) -> Iterator[Server]:
    env = server_env(admin_url, settings, CLN_JOBS_IN_PROCESS="false")
    with api_servers(1, env) as running:
        yield running[0]


async def national_event_with_queue(
    gql: Any, member_token: Any, members: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A national North West event with one place; `members` register in order (the
    first gets the place, the others wait)."""
    event = await create_event(gql, "Q31", isNational=True, capacity=1)
    regs = []
    for member in members:
        data = await gql.data(
            REGISTER, {"input": {"eventId": event["id"]}}, token=member_token(member)
        )
        regs.append(data["registerForEvent"]["registration"])
    assert [r["status"] for r in regs] == ["CONFIRMED"] + ["WAITLISTED"] * (len(members) - 1)
    return event, regs


async def cancel_over_http(server: Server, token: str, registration: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            server.http_url,
            json={"query": CANCEL, "variables": {"id": registration}},
            headers={"Authorization": f"Bearer {token}"},
        )
    result: dict[str, Any] = response.json()["data"]["cancelEventRegistration"]
    assert result["__typename"] == "CancelEventRegistrationPayload", result
    return result


async def test_a_london_member_promoted_by_a_north_west_cancellation_is_told_live(
    server: Server, gql: Any, member_token: Any
) -> None:
    nw, london, yorkshire = (
        await new_member(gql, "Q31"),
        await new_member(gql, "Q36"),
        await new_member(gql, "Q32"),
    )
    _, regs = await national_event_with_queue(gql, member_token, [nw, london, yorkshire])
    # one notification each before subscribing: its replay proves the LISTEN is up
    await decided(gql, member_token, london)
    await decided(gql, member_token, yorkshire)
    async with (
        ws_client(server, member_token(london)) as london_session,
        ws_client(server, member_token(yorkshire)) as yorkshire_session,
    ):
        request = GraphQLRequest(SUBSCRIBE, variable_values={"since": SINCE})
        london_feed = london_session.subscribe(request)
        yorkshire_feed = yorkshire_session.subscribe(request)
        try:
            for stream in (london_feed, yorkshire_feed):
                first = (await asyncio.wait_for(anext(stream), GUARD_S))["notificationAdded"]
                assert first["kind"] == "MEMBERSHIP_REQUEST_DECIDED"
            # the North West member gives up her place, over HTTP to the server
            result = await cancel_over_http(server, member_token(nw), regs[0]["id"])
            assert result["promotedCount"] == 1
            live = (await asyncio.wait_for(anext(london_feed), GUARD_S))["notificationAdded"]
            assert live["kind"] == "WAITLIST_PROMOTED"
            assert live["subjectId"] == regs[1]["id"]
            assert live["title"].startswith("You have a place at ")
            # Yorkshire, still waiting, hears nothing of it: its next message is its own
            await decided(gql, member_token, yorkshire)
            own = (await asyncio.wait_for(anext(yorkshire_feed), GUARD_S))["notificationAdded"]
            assert own["kind"] == "MEMBERSHIP_REQUEST_DECIDED"
        finally:
            await london_feed.aclose()
            await yorkshire_feed.aclose()
    # her feed holds it once; the canceller's holds nothing of it
    nodes = (await feed(gql, member_token(london)))["notifications"]["nodes"]
    assert [n["kind"] for n in nodes].count("WAITLIST_PROMOTED") == 1
    mine = (await feed(gql, member_token(nw)))["notifications"]["nodes"]
    assert all(n["kind"] != "WAITLIST_PROMOTED" for n in mine)


async def test_raising_the_capacity_tells_every_region_promoted(
    gql: Any, member_token: Any
) -> None:
    nw, london, yorkshire = (
        await new_member(gql, "Q31"),
        await new_member(gql, "Q36"),
        await new_member(gql, "Q32"),
    )
    event, regs = await national_event_with_queue(gql, member_token, [nw, london, yorkshire])
    data = await gql.data(RAISE, {"id": event["id"], "capacity": 3}, as_role=("sha_admin", "Q31"))
    assert data["updateEvent"]["event"]["capacity"] == 3
    for member, reg in ((london, regs[1]), (yorkshire, regs[2])):
        nodes = (await feed(gql, member_token(member)))["notifications"]["nodes"]
        assert [(n["kind"], n["subjectId"]) for n in nodes] == [("WAITLIST_PROMOTED", reg["id"])]
    assert (await feed(gql, member_token(nw)))["notifications"]["nodes"] == []


async def test_the_function_writes_only_for_a_promotion_of_its_own_transaction(
    app: Any, gql: Any, member_token: Any, owner_sql: Any
) -> None:
    """A North West transaction cannot use it to write into London: a registration
    confirmed earlier (or never waiting) is refused; a repeated call adds nothing."""
    nw, london = await new_member(gql, "Q31"), await new_member(gql, "Q36")
    event = await create_event(gql, "Q31", isNational=True, capacity=5)
    data = await gql.data(REGISTER, {"input": {"eventId": event["id"]}}, token=member_token(london))
    confirmed = data["registerForEvent"]["registration"]
    assert confirmed["status"] == "CONFIRMED"
    _, regs = await national_event_with_queue(gql, member_token, [nw, london])
    await gql.data(CANCEL, {"id": regs[0]["id"]}, token=member_token(nw))  # promoted, told once
    for reg in (confirmed, regs[1]):  # never promoted; promoted in an earlier transaction
        key = uuid.UUID(decode_id(reg["id"]).key)
        async with app_transaction(app, ("Q31",), ("Q31",)) as db:
            written = await db.scalar(
                text("SELECT notify_waitlist_promoted('Q36', :id)"), {"id": key}
            )
        assert written is None
    rows = await owner_sql(
        "SELECT kind FROM notifications WHERE sha_code = 'Q36' AND member_id = $1",
        uuid.UUID(decode_id(london["id"]).key),
    )
    assert [r["kind"] for r in rows] == ["WAITLIST_PROMOTED"]
    # and the North West transaction reads none of London's notifications
    async with app_transaction(app, ("Q31",), ("Q31",)) as db:
        seen = await db.scalar(text("SELECT count(*) FROM notifications WHERE sha_code = 'Q36'"))
    assert seen == 0


async def test_her_preference_holds_across_regions(gql: Any, member_token: Any) -> None:
    from tests.frontdoor.test_notifications import PREFER

    nw, london = await new_member(gql, "Q31"), await new_member(gql, "Q36")
    off = await gql.data(
        PREFER, {"kind": "WAITLIST_PROMOTED", "channel": "OFF"}, token=member_token(london)
    )
    assert off["setNotificationPreference"]["__typename"] == "NotificationPreferencePayload"
    _, regs = await national_event_with_queue(gql, member_token, [nw, london])
    data = await gql.data(CANCEL, {"id": regs[0]["id"]}, token=member_token(nw))
    assert data["cancelEventRegistration"]["promotedCount"] == 1
    assert (await feed(gql, member_token(london)))["notifications"]["nodes"] == []
