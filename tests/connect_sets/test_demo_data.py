"""The demo data of both domains loads and is consistent: counters on each event
match its registrations across every SHA; every SHA has a learning set with figures."""

from __future__ import annotations

from typing import Any

from tests.support import GraphQLClient

EVENTS = """
{
  events(first: 100, filter: {nationalOnly: true, kinds: [CLINICAL_CONGRESS]}) {
    nodes { id title ownership confirmedCount waitlistCount sessions { title } }
  }
}"""
REGISTRATIONS = """
query($event: ID!) {
  eventRegistrations(first: 200, filter: {eventId: $event}) {
    totalCount nodes { shaCode status }
  }
}"""
SETS = """
{
  learningSets(first: 50, filter: {search: "action learning set"}) {
    nodes { shaCode focus memberCount meetingsHeld facilitators { role } }
  }
}"""


async def test_demo_congress_and_sets(gql: GraphQLClient) -> None:
    seen = await gql.data(EVENTS, as_role=("member", "Q39"))
    congress = next(
        e for e in seen["events"]["nodes"] if e["title"].endswith("Annual Clinical Congress")
    )
    assert congress["ownership"] == "NATIONAL" and len(congress["sessions"]) == 3
    everyone = await gql.data(
        REGISTRATIONS, {"event": congress["id"]}, as_role=("national_lead", None)
    )
    regs = everyone["eventRegistrations"]
    confirmed = [n for n in regs["nodes"] if n["status"] == "CONFIRMED"]
    assert congress["confirmedCount"] == len(confirmed) == regs["totalCount"]
    assert len({n["shaCode"] for n in regs["nodes"]}) == 10
    own = await gql.data(REGISTRATIONS, {"event": congress["id"]}, as_role=("member", "Q39"))
    assert {n["shaCode"] for n in own["eventRegistrations"]["nodes"]} == {"Q39"}

    sets = await gql.data(SETS, as_role=("national_lead", None))
    seeded = [s for s in sets["learningSets"]["nodes"] if s["meetingsHeld"] == 4]
    per_sha: dict[str, list[dict[str, Any]]] = {}
    for s in seeded:
        per_sha.setdefault(s["shaCode"], []).append(s)
    # every SHA works in sets of six or more, each with two facilitators (three to five
    # sets in the full demo; the small test seed has fewer people)
    assert len(per_sha) == 10
    assert all(1 <= len(sets_of) <= 5 for sets_of in per_sha.values()), per_sha
    assert all(len(s["facilitators"]) == 2 and s["memberCount"] >= 6 for s in seeded)
    north_west = [s["focus"] for s in per_sha["Q31"]]
    assert "Choose and Book" in north_west
