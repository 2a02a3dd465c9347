"""Training directory of issue 25: full programme details, participants' ratings after
completion with a benchmark per provider, commissioning requests raised from
uncovered gaps with status and decision; ratings and requests across tenants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from resolvers.common.ids import decode_id
from tests.develop_training.helpers import (
    admin,
    codes_of,
    create_programme,
    record_assessment,
    scores,
)
from tests.factories import create_member
from tests.support import GraphQLClient

READ = """
query($id: ID!) { node(id: $id) { ... on TrainingProgramme { id description startsOn endsOn
  venue bookingUrl eligibility } } }"""

RATE = """
mutation($input: RateTrainingProgrammeInput!) {
  rateTrainingProgramme(input: $input) {
    __typename
    ... on TrainingRatingPayload { rating { id rating comment } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

BENCH = """
query($shas: [String!]) { trainingProviderBenchmarks(shas: $shas) {
  providerSha Code providerName ratings average programmesRated } }""".replace(
    "providerSha Code", "providerShaCode"
)

RAISE = """
mutation($input: RaiseCommissioningRequestInput!) {
  raiseCommissioningRequest(input: $input) {
    __typename
    ... on CommissioningRequestPayload { request { id status membersInNeed competencyCode } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

DECIDE = """
mutation($input: DecideCommissioningRequestInput!) {
  decideCommissioningRequest(input: $input) {
    __typename
    ... on CommissioningRequestPayload { request { id status decisionNote } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

COMMISSIONED = """
mutation($id: ID!, $p: ID!) {
  recordCommissionedProgramme(id: $id, programmeId: $p) {
    __typename
    ... on CommissioningRequestPayload { request { status programme { id } } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

GAPS = """
query($sha: String!) { competencyGaps(frameworkCode: "HLM", shas: [$sha],
  filter: {uncoveredOnly: true, minMembersInNeed: 1}) { competencyCode membersInNeed } }"""


def member_token(make_token: Any, sha: str, member: dict[str, Any]) -> str:
    token: str = make_token("member", sha, member_id=decode_id(member["id"]).key)
    return token


async def test_programme_details_and_ratings(gql: GraphQLClient, make_token: Any) -> None:
    bad = await create_programme_or_error(gql, bookingUrl="http://example.org/book")
    assert bad["fields"][0]["field"] == "bookingUrl"
    programme = await create_programme(
        gql,
        "Q34",
        ["HLM.1"],
        description="Leading change in the West Midlands",
        startsOn="2009-03-02",
        endsOn="2009-06-29",
        venue="Birmingham Medical Institute",
        bookingUrl="https://academy.example.nhs.uk/book/42",
        eligibility="Clinicians in a leadership role",
    )
    seen = await gql.data(READ, {"id": programme["id"]}, as_role=("member", "Q34"))
    assert seen["node"]["venue"] == "Birmingham Medical Institute"
    assert seen["node"]["startsOn"] == "2009-03-02"
    assert seen["node"]["bookingUrl"].startswith("https://")

    people = [await create_member(gql, "Q34") for _ in range(3)]
    for person, stars in zip(people, (5, 4, 3), strict=True):
        data = await gql.data(
            RATE,
            {
                "input": {
                    "programmeId": programme["id"],
                    "rating": stars,
                    "completedOn": "2009-06-29",
                    "comment": "Practical",
                }
            },
            token=member_token(make_token, "Q34", person),
        )
        assert data["rateTrainingProgramme"]["rating"]["rating"] == stars, data
    token = member_token(make_token, "Q34", people[0])
    twice = await gql.data(
        RATE,
        {"input": {"programmeId": programme["id"], "rating": 1, "completedOn": "2009-06-29"}},
        token=token,
    )
    assert twice["rateTrainingProgramme"]["__typename"] == "ConflictError"
    before = await gql.data(
        RATE,
        {"input": {"programmeId": programme["id"], "rating": 3, "completedOn": "2009-01-01"}},
        token=member_token(make_token, "Q34", await create_member(gql, "Q34")),
    )
    assert before["rateTrainingProgramme"]["fields"][0]["field"] == "completedOn"
    future = await gql.data(
        RATE,
        {
            "input": {
                "programmeId": programme["id"],
                "rating": 6,
                "completedOn": str(dt.date.today() + dt.timedelta(days=1)),
            }
        },
        token=member_token(make_token, "Q34", await create_member(gql, "Q34")),
    )
    assert {f["field"] for f in future["rateTrainingProgramme"]["fields"]} == {
        "rating",
        "completedOn",
    }
    bench = await gql.data(BENCH, {"shas": ["Q34"]}, as_role=("member", "Q34"))
    mine = [
        b
        for b in bench["trainingProviderBenchmarks"]
        if b["providerShaCode"] == "Q34" and b["ratings"] == 3 and b["average"] == 4.0
    ]
    assert mine and mine[0]["programmesRated"] == 1

    # across tenants: a London member cannot rate a regional West Midlands programme,
    # and London's benchmark does not count West Midlands ratings
    london = member_token(make_token, "Q36", await create_member(gql, "Q36"))
    refused = await gql.data(
        RATE,
        {"input": {"programmeId": programme["id"], "rating": 5, "completedOn": "2009-06-29"}},
        token=london,
    )
    assert refused["rateTrainingProgramme"]["__typename"] == "NotFoundError"
    theirs = await gql.data(BENCH, {}, token=london)
    assert all(b["providerShaCode"] != "Q34" for b in theirs["trainingProviderBenchmarks"])


async def create_programme_or_error(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    from tests.develop_training.helpers import CREATE_PROGRAMME, create_provider, programme_input

    provider = await create_provider(gql, "Q34")
    data = await gql.data(
        CREATE_PROGRAMME,
        {"input": programme_input(provider["id"], ["HLM.1"], **fields)},
        as_role=admin("Q34"),
    )
    result: dict[str, Any] = data["createTrainingProgramme"]
    return result


async def test_commissioning_from_an_uncovered_gap(gql: GraphQLClient) -> None:
    sha = "Q35"
    people = [await create_member(gql, sha) for _ in range(2)]
    for person in people:
        await record_assessment(gql, sha, person["id"], "HLM", scores("HLM", default=1))
    gaps = (await gql.data(GAPS, {"sha": sha}, as_role=admin(sha)))["competencyGaps"]
    assert gaps, "every HLM dimension is covered in the demo data"
    code = gaps[0]["competencyCode"]
    by_member = await gql.data(
        RAISE,
        {
            "input": {
                "shaCode": sha,
                "frameworkCode": "HLM",
                "competencyCode": code,
                "rationale": "x",
            }
        },
        as_role=("member", sha),
    )
    assert by_member["raiseCommissioningRequest"]["__typename"] == "ForbiddenError"
    made = await gql.data(
        RAISE,
        {
            "input": {
                "shaCode": sha,
                "frameworkCode": "HLM",
                "competencyCode": code,
                "rationale": "No provider in the region offers this",
            }
        },
        as_role=admin(sha),
    )
    request = made["raiseCommissioningRequest"]["request"]
    assert request["status"] == "REQUESTED" and request["membersInNeed"] >= 2
    again = await gql.data(
        RAISE,
        {
            "input": {
                "shaCode": sha,
                "frameworkCode": "HLM",
                "competencyCode": code,
                "rationale": "y",
            }
        },
        as_role=admin(sha),
    )
    assert again["raiseCommissioningRequest"]["__typename"] == "ConflictError"
    # a covered competency is not commissioned: the directory already has it
    covered_code = next(c for c in codes_of("HLM") if c != code)
    await create_programme(gql, sha, [covered_code])
    covered = await gql.data(
        RAISE,
        {
            "input": {
                "shaCode": sha,
                "frameworkCode": "HLM",
                "competencyCode": covered_code,
                "rationale": "z",
            }
        },
        as_role=admin(sha),
    )
    assert "covered" in covered["raiseCommissioningRequest"]["message"]
    # decisions: a decline needs a note; an approval leads to a commissioned programme
    silent = await gql.data(
        DECIDE, {"input": {"id": request["id"], "decision": "DECLINED"}}, as_role=admin(sha)
    )
    assert silent["decideCommissioningRequest"]["fields"][0]["field"] == "note"
    early = await gql.data(COMMISSIONED, {"id": request["id"], "p": "x"}, as_role=admin(sha))
    assert early["recordCommissionedProgramme"]["__typename"] == "ConflictError"
    approved = await gql.data(
        DECIDE, {"input": {"id": request["id"], "decision": "APPROVED"}}, as_role=admin(sha)
    )
    assert approved["decideCommissioningRequest"]["request"]["status"] == "APPROVED"
    # across tenants: another SHA's admin neither sees nor decides it
    listed = await gql.data("{ commissioningRequests { id } }", as_role=admin("Q36"))
    assert request["id"] not in {r["id"] for r in listed["commissioningRequests"]}
    hijack = await gql.data(
        DECIDE,
        {"input": {"id": request["id"], "decision": "DECLINED", "note": "n"}},
        as_role=admin("Q36"),
    )
    assert hijack["decideCommissioningRequest"]["__typename"] == "NotFoundError"
    bought = await create_programme(gql, sha, [code])
    done = await gql.data(
        COMMISSIONED, {"id": request["id"], "p": bought["id"]}, as_role=admin(sha)
    )
    assert done["recordCommissionedProgramme"]["request"] == {
        "status": "COMMISSIONED",
        "programme": {"id": bought["id"]},
    }
