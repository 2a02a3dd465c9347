"""The demo data of both domains loads and is consistent: counters on each event
match its registrations across every SHA; every SHA has a learning set with figures."""

from __future__ import annotations

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
    assert len({s["shaCode"] for s in seeded}) == 10
    north_west = next(s for s in seeded if s["shaCode"] == "Q31")
    assert north_west["focus"] == "Choose and Book"
    assert north_west["memberCount"] == 20 and len(north_west["facilitators"]) == 2
