"""A page of events with sessions, and of registrations with member, event and waiting
position, costs the same number of SQL statements for 3 rows and for 12."""

from __future__ import annotations

from typing import Any

from tests.connect_sets.conftest import (
    REGISTER,
    counted,
    create_event,
    create_members,
    future,
    member_token,
)
from tests.support import GraphQLClient, SqlLog

ADD_SESSION = """
mutation($input: AddEventSessionInput!) { addEventSession(input: $input) { __typename } }"""
EVENTS = """
query($search: String!, $first: Int!) {
  events(first: $first, filter: {search: $search}) {
    totalCount
    edges { cursor node { id title placesLeft sessions { title event { id } } } }
  }
}"""
REGISTRATIONS = """
query($first: Int!) {
  eventRegistrations(first: $first, filter: {statuses: [WAITLISTED]}) {
    nodes { id status waitlistPosition member { displayName } event { title sessions { title } } }
  }
}"""


async def test_statement_count_does_not_grow_with_the_page(
    gql: GraphQLClient, make_token: Any, sql_log: SqlLog
) -> None:
    tag = f"Counted {id(sql_log)}"
    for i in range(12):
        event = await create_event(gql, "Q35", title=f"{tag} {i}", capacity=1)
        data = await gql.data(
            ADD_SESSION,
            {
                "input": {
                    "eventId": event["id"],
                    "title": "Plenary",
                    "startsAt": future(30, 10),
                    "endsAt": future(30, 11),
                }
            },
            as_role=("sha_admin", "Q35"),
        )
        assert data["addEventSession"]["__typename"] == "EventSessionPayload"
        if i < 4:
            for member in await create_members(gql, "Q35", 2):
                await gql.data(
                    REGISTER,
                    {"input": {"eventId": event["id"]}},
                    token=member_token(make_token, "Q35", member),
                )

    counts = []
    for first in (3, 12):
        sql_log.clear()
        page = await gql.data(EVENTS, {"search": tag, "first": first}, as_role=("member", "Q35"))
        assert len(page["events"]["edges"]) == first
        assert all(e["node"]["sessions"] for e in page["events"]["edges"])
        counts.append(counted(sql_log.queries()))
    assert counts[0] == counts[1] <= 5, counts

    token = make_token("sha_admin", "Q35")
    counts = []
    for first in (2, 4):
        sql_log.clear()
        page = await gql.data(REGISTRATIONS, {"first": first}, token=token)
        nodes = page["eventRegistrations"]["nodes"]
        assert len(nodes) == first
        assert all(n["waitlistPosition"] >= 1 for n in nodes)
        counts.append(counted(sql_log.queries()))
    assert counts[0] == counts[1] <= 7, counts
