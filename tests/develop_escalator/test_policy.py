"""Consultations: who opens them, one response per member, editing until closing,
summaries for policy leads, national reach, tenancy and SQL cost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.develop_escalator.conftest import MakePerson, counted, raw_key
from tests.support import GraphQLClient, SqlLog, error_codes

OPEN = """
mutation($input: OpenConsultationInput!) {
  openConsultation(input: $input) {
    __typename
    ... on ConsultationPayload { consultation { id reach isOpen shaCode } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

RESPOND = """
mutation($input: RespondInput!) {
  respondToConsultation(input: $input) {
    __typename
    ... on ResponsePayload { response { id shaCode position member { id } consultation { id } } }
    ... on ConsultationClosedError { closedAt code }
    ... on UserError { code message }
  }
}"""

EDIT = """
mutation($input: EditResponseInput!) {
  editConsultationResponse(input: $input) {
    __typename
    ... on ResponsePayload { response { id body position } }
    ... on ConsultationClosedError { closedAt code }
    ... on UserError { code message }
  }
}"""

CLOSE = """
mutation($id: ID!) { closeConsultation(id: $id) {
  __typename ... on ConsultationPayload { consultation { isOpen } } ... on UserError { code } } }"""

SUMMARY = """
query($id: ID!) { consultation(id: $id) { id summary { total rows { shaCode profession position count } } } }"""

RESPONSES = """
query($id: ID!, $filter: ResponseFilter, $first: Int) {
  consultationResponses(consultationId: $id, filter: $filter, first: $first) {
    totalCount edges { node { id shaCode position member { id profession } consultation { id } } }
  }
}"""


def closing(days: int = 30) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


async def open_consultation(
    gql: GraphQLClient, role: tuple[str, str | None], reach: str, sha: str | None = None
) -> dict[str, Any]:
    values = {
        "reach": reach,
        "title": "Choose and Book: referral templates",
        "description": "Should GP referral templates be standardised?",
        "closesAt": closing(),
        "policyArea": "choose_and_book",
    }
    if sha:
        values["shaCode"] = sha
    data = await gql.data(OPEN, {"input": values}, as_role=role)
    result: dict[str, Any] = data["openConsultation"]
    return result


async def respond(
    gql: GraphQLClient, token: str, cid: str, position: str = "SUPPORT"
) -> dict[str, Any]:
    data = await gql.data(
        RESPOND,
        {"input": {"consultationId": cid, "position": position, "body": "My view"}},
        token=token,
    )
    result: dict[str, Any] = data["respondToConsultation"]
    return result


async def test_who_may_open_consultations(gql: GraphQLClient) -> None:
    body = await gql(
        OPEN,
        {"input": {"reach": "NATIONAL", "title": "t", "description": "d", "closesAt": closing()}},
        as_role=("sha_admin", "Q31"),
    )
    assert error_codes(body) == ["FORBIDDEN"]
    body = await gql(
        OPEN,
        {"input": {"reach": "REGIONAL", "title": "t", "description": "d", "closesAt": closing()}},
        as_role=("member", "Q31"),
    )
    assert error_codes(body) == ["FORBIDDEN"]
    regional = await open_consultation(gql, ("sha_admin", "Q31"), "REGIONAL")
    assert regional["consultation"]["shaCode"] == "Q31" and regional["consultation"]["isOpen"]
    national = await open_consultation(gql, ("national_lead", None), "NATIONAL", "Q31")
    assert national["consultation"]["reach"] == "NATIONAL"
    unnamed = await open_consultation(gql, ("national_lead", None), "NATIONAL")
    assert unnamed["__typename"] == "ValidationError"
    past = await gql.data(
        OPEN,
        {"input": {"reach": "REGIONAL", "title": "t", "description": "d", "closesAt": closing(-1)}},
        as_role=("sha_admin", "Q31"),
    )
    assert past["openConsultation"]["fields"][0]["field"] == "closesAt"


async def test_respond_once_edit_until_closing(
    gql: GraphQLClient, person: MakePerson, audit_actions: Any
) -> None:
    cid = (await open_consultation(gql, ("sha_admin", "Q32"), "REGIONAL"))["consultation"]["id"]
    me = await person("Q32")
    first = await respond(gql, me.token, cid)
    assert first["__typename"] == "ResponsePayload"
    assert first["response"]["member"]["id"] == me.id
    rid = first["response"]["id"]
    again = await respond(gql, me.token, cid, "OPPOSE")
    assert again["__typename"] == "ConflictError"
    mine = await gql.data(
        "query($id: ID!) { consultation(id: $id) { myResponse { id } } }",
        {"id": cid},
        token=me.token,
    )
    assert mine["consultation"]["myResponse"]["id"] == rid
    edited = await gql.data(
        EDIT, {"input": {"id": rid, "body": "Changed my mind", "position": "MIXED"}}, token=me.token
    )
    assert edited["editConsultationResponse"]["response"]["position"] == "MIXED"
    # another member may not edit it, nor read it by id
    other = await person("Q32")
    foreign = await gql.data(EDIT, {"input": {"id": rid, "body": "x"}}, token=other.token)
    assert foreign["editConsultationResponse"]["__typename"] == "ForbiddenError"
    peek = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": rid}, token=other.token
    )
    assert peek["node"] is None
    # members may not list responses
    body = await gql(RESPONSES, {"id": cid}, token=other.token)
    assert error_codes(body) == ["FORBIDDEN"]
    closed = await gql.data(CLOSE, {"id": cid}, as_role=("sha_admin", "Q32"))
    assert closed["closeConsultation"]["consultation"]["isOpen"] is False
    late = await gql.data(EDIT, {"input": {"id": rid, "body": "too late"}}, token=me.token)
    assert late["editConsultationResponse"]["__typename"] == "ConsultationClosedError"
    assert late["editConsultationResponse"]["code"] == "CONSULTATION_CLOSED"
    late_new = await respond(gql, other.token, cid)
    assert late_new["__typename"] == "ConsultationClosedError"
    assert await audit_actions(raw_key(rid)) == ["policy.response.create", "policy.response.update"]


async def test_national_consultation_across_regions(
    gql: GraphQLClient, person: MakePerson, sql_log: SqlLog
) -> None:
    cid = (await open_consultation(gql, ("national_lead", None), "NATIONAL", "Q31"))[
        "consultation"
    ]["id"]
    north = [await person("Q31") for _ in range(2)]
    london = [await person("Q36", profession="MIDWIFE") for _ in range(3)]
    for p in north:
        assert (await respond(gql, p.token, cid))["__typename"] == "ResponsePayload"
    for p in london:
        result = await respond(gql, p.token, cid, "OPPOSE")
        assert result["response"]["shaCode"] == "Q36"  # lives in the respondent's SHA
        assert result["response"]["consultation"]["id"] == cid
    # the national lead sees everything, summarised by SHA and profession
    summary = (await gql.data(SUMMARY, {"id": cid}, as_role=("national_lead", None)))[
        "consultation"
    ]["summary"]
    assert summary["total"] == 5
    assert {"shaCode": "Q36", "profession": "MIDWIFE", "position": "OPPOSE", "count": 3} in summary[
        "rows"
    ]
    assert {"shaCode": "Q31", "profession": "NURSE", "position": "SUPPORT", "count": 2} in summary[
        "rows"
    ]
    # an SHA's policy lead sees only its own SHA's responses
    q36 = (await gql.data(SUMMARY, {"id": cid}, as_role=("sha_admin", "Q36")))["consultation"][
        "summary"
    ]
    assert q36["total"] == 3 and {r["shaCode"] for r in q36["rows"]} == {"Q36"}
    listed = await gql.data(RESPONSES, {"id": cid}, as_role=("sha_admin", "Q31"))
    assert {e["node"]["shaCode"] for e in listed["consultationResponses"]["edges"]} == {"Q31"}
    midwives = await gql.data(
        RESPONSES,
        {"id": cid, "filter": {"professions": ["MIDWIFE"]}},
        as_role=("national_lead", None),
    )
    assert midwives["consultationResponses"]["totalCount"] == 3
    # a London SHA admin cannot close a national consultation hosted by the North West
    refused = await gql.data(CLOSE, {"id": cid}, as_role=("sha_admin", "Q36"))
    assert refused["closeConsultation"]["__typename"] == "ForbiddenError"
    # bounded statements: 2 and 5 responses with nested member and consultation
    counts = []
    for size in (2, 5):
        sql_log.clear()
        page = await gql.data(
            RESPONSES, {"id": cid, "first": size}, as_role=("national_lead", None)
        )
        assert len(page["consultationResponses"]["edges"]) == size
        counts.append(counted(sql_log))
    assert counts[0] == counts[1] <= 5, counts  # incl. the cross-region read audit row


async def test_regional_consultations_stay_in_their_region(
    gql: GraphQLClient, person: MakePerson
) -> None:
    cid = (await open_consultation(gql, ("sha_admin", "Q31"), "REGIONAL"))["consultation"]["id"]
    london = await person("Q36")
    seen = await gql.data(
        "query($id: ID!) { consultation(id: $id) { id } node(id: $id) { id } }",
        {"id": cid},
        token=london.token,
    )
    assert seen == {"consultation": None, "node": None}
    listed = await gql.data(
        "{ consultations(first: 500) { edges { node { id shaCode reach } } } }", token=london.token
    )
    assert all(
        e["node"]["shaCode"] == "Q36" or e["node"]["reach"] == "NATIONAL"
        for e in listed["consultations"]["edges"]
    )
    assert cid not in {e["node"]["id"] for e in listed["consultations"]["edges"]}
    result = await respond(gql, london.token, cid)
    assert result["__typename"] == "NotFoundError"
    body = await gql(RESPONSES, {"id": cid}, as_role=("sha_admin", "Q36"))
    assert body["data"]["consultationResponses"]["totalCount"] == 0
    body = await gql('{ consultations(shas: ["Q31"]) { totalCount } }', token=london.token)
    assert error_codes(body) == ["FORBIDDEN"]


LIST = """
query($first: Int, $filter: ConsultationFilter) {
  consultations(first: $first, filter: $filter) {
    totalCount
    edges { node { id reach isOpen myResponse { id position } summary { total } } }
  }
}"""


async def test_consultation_page_costs_the_same_for_2_and_8_rows(
    gql: GraphQLClient, person: MakePerson, sql_log: SqlLog
) -> None:
    me = await person("Q39", role="sha_admin")
    ids = [
        (await open_consultation(gql, ("sha_admin", "Q39"), "REGIONAL"))["consultation"]["id"]
        for _ in range(8)
    ]
    for cid in ids[:3]:
        assert (await respond(gql, me.token, cid))["__typename"] == "ResponsePayload"
    regional = {"reaches": ["REGIONAL"], "open": True}
    counts = []
    for size in (2, 8):
        sql_log.clear()
        page = await gql.data(LIST, {"first": size, "filter": regional}, token=me.token)
        edges = page["consultations"]["edges"]
        assert len(edges) == size and all(e["node"]["reach"] == "REGIONAL" for e in edges)
        counts.append(counted(sql_log))
    assert counts[0] == counts[1] <= 5, counts
    answered = {e["node"]["id"] for e in edges if e["node"]["myResponse"]}
    assert answered == set(ids[:3])
    assert all(
        e["node"]["summary"]["total"] == (1 if e["node"]["id"] in answered else 0) for e in edges
    )
    closed = await gql.data(
        LIST, {"filter": {"open": False, "reaches": ["REGIONAL"]}}, token=me.token
    )
    assert not {e["node"]["id"] for e in closed["consultations"]["edges"]} & set(ids)
