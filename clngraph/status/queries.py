"""The status page's data: GraphQL documents run through the API's own schema.

No second data path: each document is executed by the service's schema with the
context the GraphQL view builds for the same request (the caller's principal and
tenant scope, the same RLS-bound transaction, limits and error masking), exactly as
if the caller had posted it to `/graphql`. A SHA administrator therefore sees only
their SHA, a national lead every SHA in reach (or the one named in the path).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from starlette.requests import Request

# Lists are read to the end, a page at a time (nothing is cut off silently): each
# first page comes with the main document, the rest through the `*_MORE` documents.
SETS_PAGE = 500
EVENTS_PAGE = 50
MEETINGS_PAGE = 200
PAGE_INFO = "pageInfo { hasNextPage endCursor }"
CONGRESS_FIELDS = "edges { node { title startsAt capacity confirmedCount attendedCount } }"


def _sets(after: str = "") -> str:
    return f"learningSets(first: {SETS_PAGE}{after}) {{ {PAGE_INFO} edges {{ node {{ id }} }} }}"


def _congress(after: str = "") -> str:
    return (
        f"events(first: {EVENTS_PAGE}{after}, filter: {{kinds: [CLINICAL_CONGRESS]}}) "
        f"{{ {PAGE_INFO} {CONGRESS_FIELDS} }}"
    )


def status_query() -> str:
    return f"""
query StatusPage {{
  nationalDashboard {{
    shaCodes
    rollout {{ shaCode name status pilot statusChangedAt }}
    membersByProfession {{ shaCode profession members }}
    escalatorLevels {{
      shaCode policyAreaCode organisations
      awarenessRaising clinicalInvolvement dissemination acceptanceAndAdoption
    }}
  }}
  {_sets()}
  {_congress()}
}}
"""


def sets_more() -> str:
    return f"query StatusSetsMore($after: String) {{ {_sets(', after: $after')} }}"


def congress_more() -> str:
    return f"query StatusCongressMore($after: String) {{ {_congress(', after: $after')} }}"


PROFESSIONS = (
    "DOCTOR",
    "GP",
    "HOSPITAL_CONSULTANT",
    "NURSE",
    "MIDWIFE",
    "ALLIED_HEALTH_PROFESSIONAL",
    "PHARMACIST",
    "MANAGER",
    "ADMINISTRATOR",
)


# A SHA administrator's view: the national aggregates are for national roles, so the
# same charts come from the regional fields (counts by profession as totalCounts).
def sha_query() -> str:
    """A SHA administrator's view: the national aggregates are for national roles, so
    the same charts come from the regional fields (counts by profession as totalCounts)."""
    counts = "".join(
        f"  {p.lower()}: members(first: 0, filter: {{professions: [{p}]}}) {{ totalCount }}\n"
        for p in PROFESSIONS
    )
    return f"""
query StatusPageSha {{
  shas {{ code name status statusChangedAt }}
  escalatorLevelDistribution {{
    shaCode policyAreaCode period
    awarenessRaising clinicalInvolvement dissemination acceptanceAndAdoption
  }}
  {_sets()}
  {_congress()}
{counts}}}
"""


# meetings are read per set; this many sets (aliases) a document, under the API's
# alias and cost limits (12 sets of up to 200 meetings with their pageInfo cost about
# 24,000 of 25,000; the cost counts pageInfo once per item the page may hold)
MEETING_BATCH = 12
MEETINGS_FIELDS = "edges { node { heldOn status attendance { attended expected } } }"


def meetings_query(count: int) -> str:
    variables = ", ".join(f"$s{i}: ID!" for i in range(count))
    fields = " ".join(
        f"s{i}: learningSetMeetings(setId: $s{i}, first: {MEETINGS_PAGE}) "
        f"{{ {PAGE_INFO} {MEETINGS_FIELDS} }}"
        for i in range(count)
    )
    return f"query StatusMeetings({variables}) {{ {fields} }}"


def meetings_more() -> str:
    return (
        "query StatusMeetingsMore($set: ID!, $after: String) { meetings: "
        f"learningSetMeetings(setId: $set, first: {MEETINGS_PAGE}, after: $after) "
        f"{{ {PAGE_INFO} {MEETINGS_FIELDS} }} }}"
    )


class StatusQueryError(Exception):
    """A status document answered errors (a scope refused, a limit hit)."""

    def __init__(self, messages: list[str], codes: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.codes = codes


async def execute(
    view: Any, request: Request, document: str, variables: dict[str, Any]
) -> tuple[Any, frozenset[str]]:
    """Run `document` as the caller, through the schema, in its own transaction; the
    data and the SHA codes the caller's scope reads."""
    context = await view.get_context(request, None)
    if context.scope_error is not None:
        error = context.scope_error
        raise StatusQueryError([error.message], [(error.extensions or {}).get("code", "")])
    try:
        result = await view.schema.execute(
            document, variable_values=variables, context_value=context
        )
    finally:
        context.release()
    if result.errors:
        raise StatusQueryError(
            [e.message for e in result.errors],
            [str((e.extensions or {}).get("code", "")) for e in result.errors],
        )
    return result.data, context.scope.read


@dataclass
class StatusData:
    sha_codes: list[str]
    rollout: list[dict[str, Any]]
    members: dict[str, dict[str, int]]
    escalator: dict[tuple[str, str], dict[str, int]]
    attendance_by_month: list[tuple[str, int, int]]
    congress: list[tuple[str, int, int, int]]  # label, checked in, confirmed, places


async def _to_the_end(
    view: Any,
    request: Request,
    page: dict[str, Any],
    document: str,
    field: str,
    variables: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The edges of `page` and of every page after it."""
    edges = list(page["edges"])
    while page["pageInfo"]["hasNextPage"]:
        after = {**(variables or {}), "after": page["pageInfo"]["endCursor"]}
        data, _ = await execute(view, request, document, after)
        page = data[field]
        edges.extend(page["edges"])
    return edges


async def load(view: Any, request: Request, national: bool) -> StatusData:
    if national:
        data, _ = await execute(view, request, status_query(), {})
        dashboard = data["nationalDashboard"]
        sha_codes = list(dashboard["shaCodes"])
        rollout = list(dashboard["rollout"])
        members: dict[str, dict[str, int]] = defaultdict(dict)
        for row in dashboard["membersByProfession"]:
            members[row["shaCode"]][row["profession"]] = row["members"]
        escalator = {
            (row["shaCode"], row["policyAreaCode"]): row for row in dashboard["escalatorLevels"]
        }
    else:
        data, read = await execute(view, request, sha_query(), {})
        sha_codes = sorted(read)
        rollout = [
            {**sha, "shaCode": sha["code"], "pilot": sha["status"] == "PILOT"}
            for sha in data["shas"]
            if sha["code"] in read
        ]
        members = {}
        if len(read) == 1:
            (code,) = read
            members[code] = {p: data[p.lower()]["totalCount"] for p in PROFESSIONS}
            members[code] = {p: n for p, n in members[code].items() if n}
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for row in data["escalatorLevelDistribution"]:
            key = (row["shaCode"], row["policyAreaCode"])
            if key not in latest or row["period"] > latest[key]["period"]:
                latest[key] = row
        escalator = latest
    sets = await _to_the_end(view, request, data["learningSets"], sets_more(), "learningSets")
    set_ids = [edge["node"]["id"] for edge in sets]
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for start in range(0, len(set_ids), MEETING_BATCH):
        batch = set_ids[start : start + MEETING_BATCH]
        found, _ = await execute(
            view, request, meetings_query(len(batch)), {f"s{i}": v for i, v in enumerate(batch)}
        )
        for alias, connection in found.items():
            set_id = batch[int(alias[1:])]
            more = meetings_more()
            for edge in await _to_the_end(
                view, request, connection, more, "meetings", {"set": set_id}
            ):
                meeting = edge["node"]
                if meeting["status"] != "HELD":
                    continue
                month = months[meeting["heldOn"][:7]]
                month[0] += meeting["attendance"]["attended"]
                month[1] += meeting["attendance"]["expected"]
    events = await _to_the_end(view, request, data["events"], congress_more(), "events")
    congress = [
        (
            f"{_day(edge['node']['startsAt'])} {edge['node']['title']}",
            edge["node"]["attendedCount"],
            edge["node"]["confirmedCount"],
            edge["node"]["capacity"],
        )
        for edge in events
    ]
    return StatusData(
        sha_codes=sha_codes,
        rollout=rollout,
        members=dict(members),
        escalator=escalator,
        attendance_by_month=[(m, a, e) for m, (a, e) in sorted(months.items())],
        congress=congress,
    )


def _day(value: str) -> str:
    return datetime.fromisoformat(value).date().isoformat()


def changed_on(value: str | None) -> date | None:
    return datetime.fromisoformat(value).date() if value else None
