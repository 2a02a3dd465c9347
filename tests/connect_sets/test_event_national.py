"""National events: readable and open to every SHA, written only by their owner;
registrations stay in the member's SHA; capacity counts every SHA's registrations."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

import asyncpg

from foundation.settings import Settings
from tests.connect_sets.conftest import (
    CANCEL,
    REGISTER,
    audit_actions,
    create_event,
    create_members,
    member_key,
    member_token,
)
from tests.support import GraphQLClient

EVENTS = """
query($search: String!) {
  events(first: 20, filter: {search: $search}) { nodes { id shaCode isNational } }
}"""
NODE = """query($id: ID!) { node(id: $id) { id ... on Event { title sessions { title } } } }"""
REGISTRATIONS = """
query($event: ID!) {
  eventRegistrations(first: 100, filter: {eventId: $event}) {
    nodes { id shaCode eventShaCode status sequence waitlistPosition member { shaCode } }
  }
}"""
UPDATE = """
mutation($id: ID!) {
  updateEvent(input: {id: $id, venue: "Manchester Central"}) {
    __typename ... on EventPayload { event { venue } } ... on UserError { code }
  }
}"""
ADD_SESSION = """
mutation($input: AddEventSessionInput!) {
  addEventSession(input: $input) {
    __typename ... on EventSessionPayload { session { id title } } ... on UserError { code }
  }
}"""


async def test_national_congress_is_open_to_every_sha_and_counts_across_them(
    gql: GraphQLClient, make_token: Any, admin_url: str, settings: Settings
) -> None:
    from tests.connect_sets.conftest import future

    title = f"Clinical Congress {id(gql)}"
    congress = await create_event(
        gql,
        "Q31",
        role="national_lead",
        title=title,
        kind="CLINICAL_CONGRESS",
        capacity=6,
        isNational=True,
        ownership="NATIONAL",
    )
    session = await gql.data(
        ADD_SESSION,
        {
            "input": {
                "eventId": congress["id"],
                "title": "Opening plenary",
                "startsAt": future(30, 10),
                "endsAt": future(30, 11),
            }
        },
        as_role=("national_lead", None),
    )
    assert session["addEventSession"]["__typename"] == "EventSessionPayload"

    # Visible to a London member by every read path.
    listed = await gql.data(EVENTS, {"search": title}, as_role=("member", "Q36"))
    assert [e["id"] for e in listed["events"]["nodes"]] == [congress["id"]]
    node = await gql.data(NODE, {"id": congress["id"]}, as_role=("member", "Q36"))
    assert node["node"]["sessions"] == [{"title": "Opening plenary"}]
    anonymous = await gql(NODE, {"id": congress["id"]})
    assert not (anonymous.get("data") or {}).get("node")

    # Five North West and five London members register at once for six places.
    north_west = await create_members(gql, "Q31", 5)
    london = await create_members(gql, "Q36", 5)

    async def register(sha: str, member: dict[str, Any]) -> dict[str, Any]:
        data = await gql.data(
            REGISTER,
            {"input": {"eventId": congress["id"]}},
            token=member_token(make_token, sha, member),
        )
        return dict(data["registerForEvent"]["registration"])

    regs = await asyncio.gather(
        *(register("Q31", m) for m in north_west), *(register("Q36", m) for m in london)
    )
    assert Counter(r["status"] for r in regs) == {"CONFIRMED": 6, "WAITLISTED": 4}
    assert sorted(r["sequence"] for r in regs) == list(range(1, 11))
    assert [r["shaCode"] for r in regs] == ["Q31"] * 5 + ["Q36"] * 5
    assert {r["eventShaCode"] for r in regs} == {"Q31"}
    waiting = sorted((r for r in regs if r["status"] == "WAITLISTED"), key=lambda r: r["sequence"])
    assert [r["waitlistPosition"] for r in waiting] == [1, 2, 3, 4]

    # Each registration row lives in its member's SHA partition.
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        placed = await conn.fetch(
            "SELECT tableoid::regclass::text AS part, sha_code FROM event_registrations"
            " WHERE event_id = $1",
            __import__("uuid").UUID(member_key(congress)),
        )
    finally:
        await conn.close()
    # on Citus a row's table is its shard: cln.event_registrations_q31_103127 is of
    # event_registrations_q31
    assert {(re.sub(r"_\d+$", "", p["part"].split(".")[-1]), p["sha_code"]) for p in placed} == {
        ("event_registrations_q31", "Q31"),
        ("event_registrations_q36", "Q36"),
    }

    # Each SHA sees only its own registrations; a national lead sees all.
    for sha in ("Q31", "Q36"):
        seen = await gql.data(REGISTRATIONS, {"event": congress["id"]}, as_role=("sha_admin", sha))
        nodes = seen["eventRegistrations"]["nodes"]
        assert len(nodes) == 5 and {n["shaCode"] for n in nodes} == {sha}
        assert {n["member"]["shaCode"] for n in nodes} == {sha}
    everyone = await gql.data(
        REGISTRATIONS, {"event": congress["id"]}, as_role=("national_lead", None)
    )
    assert len(everyone["eventRegistrations"]["nodes"]) == 10

    # A North West member's cancellation promotes the head of the queue, whatever its SHA.
    confirmed_nw = next(r for r in regs if r["shaCode"] == "Q31" and r["status"] == "CONFIRMED")
    owner = north_west[[r["id"] for r in regs].index(confirmed_nw["id"])]
    cancelled = await gql.data(
        CANCEL, {"id": confirmed_nw["id"]}, token=member_token(make_token, "Q31", owner)
    )
    assert cancelled["cancelEventRegistration"]["promotedCount"] == 1
    after = await gql.data(
        REGISTRATIONS, {"event": congress["id"]}, as_role=("national_lead", None)
    )
    by_id = {n["id"]: n for n in after["eventRegistrations"]["nodes"]}
    assert by_id[waiting[0]["id"]]["status"] == "CONFIRMED"
    assert [by_id[w["id"]]["waitlistPosition"] for w in waiting[1:]] == [1, 2, 3]

    # Every change is audited in the SHA that owns the row, including the promotion of
    # a registration the cancelling member could not see.
    assert await audit_actions(admin_url, settings.db_schema, member_key(waiting[0])) == [
        "event_registration.create",
        "event_registration.promote",
    ]
    assert await audit_actions(admin_url, settings.db_schema, member_key(confirmed_nw)) == [
        "event_registration.create",
        "event_registration.cancel",
    ]
    assert await audit_actions(admin_url, settings.db_schema, member_key(congress)) == [
        "event.create"
    ]

    # Readable everywhere, written only by its owner: nationally owned means national leads.
    for role, sha in (("sha_admin", "Q36"), ("sha_admin", "Q31")):
        refused = await gql.data(UPDATE, {"id": congress["id"]}, as_role=(role, sha))
        assert refused["updateEvent"]["__typename"] == "ForbiddenError"
        refused = await gql.data(
            ADD_SESSION,
            {
                "input": {
                    "eventId": congress["id"],
                    "title": "Hijack",
                    "startsAt": future(30, 12),
                    "endsAt": future(30, 13),
                }
            },
            as_role=(role, sha),
        )
        assert refused["addEventSession"]["__typename"] == "ForbiddenError"
    changed = await gql.data(UPDATE, {"id": congress["id"]}, as_role=("national_lead", None))
    assert changed["updateEvent"]["event"]["venue"] == "Manchester Central"


async def test_sha_owned_national_event_is_written_by_its_sha_only(
    gql: GraphQLClient, make_token: Any
) -> None:
    event = await create_event(gql, "Q32", isNational=True, title="Y&H open day")
    mine = await gql.data(UPDATE, {"id": event["id"]}, as_role=("sha_admin", "Q32"))
    assert mine["updateEvent"]["__typename"] == "EventPayload"
    theirs = await gql.data(UPDATE, {"id": event["id"]}, as_role=("sha_admin", "Q34"))
    assert theirs["updateEvent"]["__typename"] == "ForbiddenError"

    # Once a member of another SHA holds a registration, the event cannot stop being
    # national: the flag is part of the registration's key and the CHECK refuses it.
    (visitor,) = await create_members(gql, "Q34", 1)
    reg = await gql.data(
        REGISTER,
        {"input": {"eventId": event["id"]}},
        token=member_token(make_token, "Q34", visitor),
    )
    assert reg["registerForEvent"]["registration"]["eventShaCode"] == "Q32"
    local = await gql.data(
        """mutation($id: ID!) {
          updateEvent(input: {id: $id, isNational: false}) { __typename }
        }""",
        {"id": event["id"]},
        as_role=("sha_admin", "Q32"),
    )
    assert local["updateEvent"]["__typename"] == "ValidationError"
    still = await gql.data(
        """query($id: ID!) { event(id: $id) { isNational sessions { title } } }""",
        {"id": event["id"]},
        as_role=("member", "Q34"),
    )
    assert still["event"] == {"isNational": True, "sessions": []}
