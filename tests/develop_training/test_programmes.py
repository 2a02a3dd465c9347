"""Leadership programmes (issue 25): funded places, application windows, applications
with statement and sponsor, selection into cohorts after the window, attendance and
completion, the aspiring-leader role, national programmes, and every table across
tenants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from resolvers.common.ids import decode_id
from tests.develop_training.helpers import admin, tag
from tests.factories import create_member
from tests.support import GraphQLClient

TODAY = dt.date.today()

CREATE = """
mutation($input: CreateProgrammeInput!) {
  createProgramme(input: $input) {
    __typename
    ... on ProgrammePayload { programme { id shaCode fundedPlaces phase isNational } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

UPDATE = """
mutation($input: UpdateProgrammeInput!) {
  updateProgramme(input: $input) {
    __typename
    ... on ProgrammePayload { programme { id phase fundedPlaces } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

COHORT = """
mutation($input: AddProgrammeCohortInput!) {
  addProgrammeCohort(input: $input) {
    __typename ... on ProgrammeCohortPayload { cohort { id name } }
    ... on UserError { code message }
  }
}"""

APPLY = """
mutation($input: ApplyToProgrammeInput!) {
  applyToProgramme(input: $input) {
    __typename
    ... on ProgrammeApplicationPayload { application { id status sponsor { id } member { id } } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

DECIDE = """
mutation($input: DecideProgrammeApplicationInput!) {
  decideProgrammeApplication(input: $input) {
    __typename
    ... on ProgrammeApplicationPayload { application { id status cohort { name } } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

PROGRESS = """
mutation($input: RecordProgrammeProgressInput!) {
  recordProgrammeProgress(input: $input) {
    __typename
    ... on ProgrammeApplicationPayload { application { id sessionsAttended outcome } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

ROLES = """query($id: ID!) { node(id: $id) { ... on Member { roles } } }"""

READ = """
query($id: ID!) { programme(id: $id) { id selectedCount placesLeft cohorts { name } } }"""

APPLICATIONS = """
query($id: ID!) { programmeApplications(programmeId: $id) { id status member { id } } }"""


async def programme(gql: GraphQLClient, sha: str, places: int, **fields: Any) -> dict[str, Any]:
    values = {
        "shaCode": sha,
        "kind": "ASPIRING_LEADERS",
        "title": f"Aspiring clinical leaders {tag()}",
        "fundedPlaces": places,
        "applicationsOpenOn": str(TODAY - dt.timedelta(days=10)),
        "applicationsCloseOn": str(TODAY + dt.timedelta(days=10)),
        "startsOn": str(TODAY + dt.timedelta(days=40)),
        "sessionsPlanned": 6,
        **fields,
    }
    role = ("national_lead", None) if fields.get("isNational") else admin(sha)
    data = await gql.data(CREATE, {"input": values}, as_role=role)
    result: dict[str, Any] = data["createProgramme"]
    assert result["__typename"] == "ProgrammePayload", result
    return dict(result["programme"])


async def member(gql: GraphQLClient, make_token: Any, sha: str) -> tuple[str, str]:
    made = await create_member(gql, sha)
    return made["id"], make_token("member", sha, member_id=decode_id(made["id"]).key)


async def close_window(gql: GraphQLClient, pid: str, role: Any) -> None:
    data = await gql.data(
        UPDATE,
        {"input": {"id": pid, "applicationsCloseOn": str(TODAY - dt.timedelta(days=1))}},
        as_role=role,
    )
    assert data["updateProgramme"]["programme"]["phase"] == "SELECTION", data


async def test_apply_select_within_places_attend_and_complete(
    gql: GraphQLClient, make_token: Any
) -> None:
    sha = "Q32"
    p = await programme(gql, sha, places=2)
    assert p["phase"] == "APPLICATIONS_OPEN"
    pid = p["id"]
    sponsor, _ = await member(gql, make_token, sha)
    people = [await member(gql, make_token, sha) for _ in range(3)]
    apps = []
    for _mid, token in people:
        data = await gql.data(
            APPLY,
            {
                "input": {
                    "programmeId": pid,
                    "statement": "I lead stroke care",
                    "sponsorId": sponsor,
                }
            },
            token=token,
        )
        result = data["applyToProgramme"]
        assert result["application"]["status"] == "SUBMITTED", result
        assert result["application"]["sponsor"]["id"] == sponsor
        apps.append(result["application"]["id"])
    twice = await gql.data(
        APPLY, {"input": {"programmeId": pid, "statement": "again"}}, token=people[0][1]
    )
    assert twice["applyToProgramme"]["__typename"] == "ConflictError"
    self_sponsor = await gql.data(
        APPLY,
        {"input": {"programmeId": pid, "statement": "x", "sponsorId": sponsor}},
        token=make_token("member", sha, member_id=decode_id(sponsor).key),
    )
    assert self_sponsor["applyToProgramme"]["__typename"] == "ValidationError"

    cohort = await gql.data(
        COHORT,
        {
            "input": {
                "programmeId": pid,
                "name": "Cohort 1",
                "startsOn": str(TODAY + dt.timedelta(days=40)),
            }
        },
        as_role=admin(sha),
    )
    cid = cohort["addProgrammeCohort"]["cohort"]["id"]
    # no selection while applications are open
    early = await gql.data(
        DECIDE,
        {"input": {"id": apps[0], "decision": "SELECTED", "cohortId": cid}},
        as_role=admin(sha),
    )
    assert early["decideProgrammeApplication"]["__typename"] == "ConflictError"
    assert "after applications close" in early["decideProgrammeApplication"]["message"]
    await close_window(gql, pid, admin(sha))
    late = await gql.data(
        APPLY,
        {"input": {"programmeId": pid, "statement": "x"}},
        token=sponsor_token(make_token, sha, sponsor),
    )
    assert late["applyToProgramme"]["__typename"] == "ConflictError"
    # a member cannot select; selection needs a cohort of this programme
    body = await gql.data(
        DECIDE,
        {"input": {"id": apps[0], "decision": "SELECTED", "cohortId": cid}},
        token=people[0][1],
    )
    assert body["decideProgrammeApplication"]["__typename"] == "ForbiddenError"
    no_cohort = await gql.data(
        DECIDE, {"input": {"id": apps[0], "decision": "SELECTED"}}, as_role=admin(sha)
    )
    assert no_cohort["decideProgrammeApplication"]["fields"][0]["field"] == "cohortId"
    for app in apps[:2]:
        chosen = await gql.data(
            DECIDE,
            {"input": {"id": app, "decision": "SELECTED", "cohortId": cid}},
            as_role=admin(sha),
        )
        assert chosen["decideProgrammeApplication"]["application"]["cohort"]["name"] == "Cohort 1"
    full = await gql.data(
        DECIDE,
        {"input": {"id": apps[2], "decision": "SELECTED", "cohortId": cid}},
        as_role=admin(sha),
    )
    message = full["decideProgrammeApplication"]["message"]
    assert "all 2 funded places" in message and "RESERVE" in message
    reserve = await gql.data(
        DECIDE, {"input": {"id": apps[2], "decision": "RESERVE"}}, as_role=admin(sha)
    )
    assert reserve["decideProgrammeApplication"]["application"]["status"] == "RESERVE"
    seen = (await gql.data(READ, {"id": pid}, as_role=admin(sha)))["programme"]
    assert (seen["selectedCount"], seen["placesLeft"]) == (2, 0)
    # the applicant is told of the decision in her feed
    feed = await gql.data(
        "{ viewer { notifications(first: 5) { nodes { kind title subjectId } } } }",
        token=people[0][1],
    )
    told = feed["viewer"]["notifications"]["nodes"]
    assert [n["kind"] for n in told] == ["PROGRAMME_APPLICATION_DECIDED"]
    assert told[0]["subjectId"] == apps[0] and "selected" in told[0]["title"]
    # selection into the aspiring leaders programme gives the role
    roles = await gql.data(ROLES, {"id": people[0][0]}, as_role=admin(sha))
    assert "ASPIRING_CLINICAL_LEADER" in roles["node"]["roles"]

    too_many = await gql.data(
        PROGRESS, {"input": {"id": apps[0], "sessionsAttended": 7}}, as_role=admin(sha)
    )
    assert too_many["recordProgrammeProgress"]["fields"][0]["field"] == "sessionsAttended"
    attended = await gql.data(
        PROGRESS, {"input": {"id": apps[0], "sessionsAttended": 6}}, as_role=admin(sha)
    )
    assert attended["recordProgrammeProgress"]["application"]["sessionsAttended"] == 6
    done = await gql.data(
        PROGRESS,
        {"input": {"id": apps[0], "outcome": "COMPLETED", "completedOn": str(TODAY)}},
        as_role=admin(sha),
    )
    assert done["recordProgrammeProgress"]["application"]["outcome"] == "COMPLETED"
    dropped = await gql.data(
        PROGRESS,
        {"input": {"id": apps[1], "outcome": "DID_NOT_COMPLETE", "completedOn": str(TODAY)}},
        as_role=admin(sha),
    )
    assert dropped["recordProgrammeProgress"]["application"]["outcome"] == "DID_NOT_COMPLETE"
    roles = await gql.data(ROLES, {"id": people[1][0]}, as_role=admin(sha))
    assert "ASPIRING_CLINICAL_LEADER" not in roles["node"]["roles"]
    not_selected = await gql.data(
        PROGRESS, {"input": {"id": apps[2], "sessionsAttended": 1}}, as_role=admin(sha)
    )
    assert not_selected["recordProgrammeProgress"]["__typename"] == "ConflictError"


def sponsor_token(make_token: Any, sha: str, member_id: str) -> str:
    token: str = make_token("member", sha, member_id=decode_id(member_id).key)
    return token


async def test_programme_rules_and_who_runs_them(gql: GraphQLClient) -> None:
    bad = await gql.data(
        CREATE,
        {
            "input": {
                "shaCode": "Q32",
                "kind": "ASPIRING_LEADERS",
                "title": "Backwards",
                "fundedPlaces": 120,
                "applicationsOpenOn": "2009-09-30",
                "applicationsCloseOn": "2009-09-01",
            }
        },
        as_role=admin("Q32"),
    )
    assert bad["createProgramme"]["fields"][0]["field"] == "applicationsCloseOn"
    member_made = await gql.data(
        CREATE,
        {
            "input": {
                "shaCode": "Q32",
                "kind": "OTHER",
                "title": "x",
                "fundedPlaces": 1,
                "applicationsOpenOn": "2009-09-01",
                "applicationsCloseOn": "2009-09-30",
            }
        },
        as_role=("member", "Q32"),
    )
    assert member_made["createProgramme"]["__typename"] == "ForbiddenError"
    national_by_sha = await gql.data(
        CREATE,
        {
            "input": {
                "shaCode": "Q32",
                "kind": "LEADERSHIP_DEVELOPMENT",
                "title": "National fellows",
                "fundedPlaces": 10,
                "isNational": True,
                "applicationsOpenOn": "2009-09-01",
                "applicationsCloseOn": "2009-09-30",
            }
        },
        as_role=admin("Q32"),
    )
    assert national_by_sha["createProgramme"]["__typename"] == "ForbiddenError"


async def test_national_programme_across_regions_and_cross_tenant(
    gql: GraphQLClient, make_token: Any
) -> None:
    national = await programme(gql, "Q30", places=5, isNational=True, kind="LEADERSHIP_DEVELOPMENT")
    regional = await programme(gql, "Q32", places=120)
    north_id, north = await member(gql, make_token, "Q31")
    london_id, london = await member(gql, make_token, "Q36")
    # a national programme takes applications from every SHA; a regional one only its own
    for token in (north, london):
        data = await gql.data(
            APPLY, {"input": {"programmeId": national["id"], "statement": "ok"}}, token=token
        )
        assert data["applyToProgramme"]["__typename"] == "ProgrammeApplicationPayload", data
    outsider = await gql.data(
        APPLY, {"input": {"programmeId": regional["id"], "statement": "x"}}, token=north
    )
    assert outsider["applyToProgramme"]["__typename"] == "NotFoundError"
    # the regional programme is not listed or readable elsewhere; the national one is
    listed = await gql.data("{ programmes { id } }", token=north)
    ids = {p["id"] for p in listed["programmes"]}
    assert national["id"] in ids and regional["id"] not in ids
    assert (await gql.data(READ, {"id": regional["id"]}, token=north))["programme"] is None
    # organisers: national leads see every SHA's applications to the national programme,
    # an SHA admin of the host sees none of them (they are not its to decide)
    seen = await gql.data(APPLICATIONS, {"id": national["id"]}, as_role=("national_lead", None))
    assert {a["member"]["id"] for a in seen["programmeApplications"]} == {north_id, london_id}
    host = await gql.data(APPLICATIONS, {"id": national["id"]}, as_role=admin("Q30"))
    assert host["programmeApplications"] == []
    # an applicant's application is theirs and their SHA's: not London's
    mine = await gql.data("{ myProgrammeApplications { id } }", token=north)
    [north_app] = [a["id"] for a in mine["myProgrammeApplications"]]
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": north_app}, token=london
    )
    assert node["node"] is None
    hijack = await gql.data(
        DECIDE, {"input": {"id": north_app, "decision": "DECLINED"}}, as_role=admin("Q36")
    )
    assert hijack["decideProgrammeApplication"]["__typename"] == "NotFoundError"
    withdraw = await gql.data(
        "mutation($id: ID!) { withdrawProgrammeApplication(id: $id) { __typename } }",
        {"id": north_app},
        token=london,
    )
    assert withdraw["withdrawProgrammeApplication"]["__typename"] == "NotFoundError"
    cohort_elsewhere = await gql.data(
        COHORT,
        {"input": {"programmeId": regional["id"], "name": "C", "startsOn": "2030-01-01"}},
        as_role=admin("Q36"),
    )
    assert cohort_elsewhere["addProgrammeCohort"]["__typename"] in (
        "NotFoundError",
        "ForbiddenError",
    )
    # the national lead decides, counting places across SHAs
    await close_window(gql, national["id"], ("national_lead", None))
    cohort = await gql.data(
        COHORT,
        {
            "input": {
                "programmeId": national["id"],
                "name": "National cohort",
                "startsOn": str(TODAY + dt.timedelta(days=40)),
            }
        },
        as_role=("national_lead", None),
    )
    cid = cohort["addProgrammeCohort"]["cohort"]["id"]
    chosen = await gql.data(
        DECIDE,
        {"input": {"id": north_app, "decision": "SELECTED", "cohortId": cid}},
        as_role=("national_lead", None),
    )
    assert (
        chosen["decideProgrammeApplication"]["application"]["cohort"]["name"] == "National cohort"
    )
    # the applicant reads their cohort though it is held in another SHA (national)
    again = await gql.data("{ myProgrammeApplications { status cohort { name } } }", token=north)
    assert again["myProgrammeApplications"] == [
        {"status": "SELECTED", "cohort": {"name": "National cohort"}}
    ]
