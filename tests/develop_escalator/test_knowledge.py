"""Case studies: https links, publication steps, national reads, owner-only writes, search."""

from __future__ import annotations

import uuid
from typing import Any

from tests.develop_escalator.conftest import counted, raw_key
from tests.factories import create_member
from tests.support import GraphQLClient, SqlLog, error_codes

CREATE = """
mutation($input: CreateCaseStudyInput!) {
  createCaseStudy(input: $input) {
    __typename
    ... on CaseStudyPayload { caseStudy { id status shaCode attachments { title url } } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

STATUS = """
mutation($id: ID!, $status: CaseStudyStatus!) {
  setCaseStudyStatus(id: $id, status: $status) {
    __typename
    ... on CaseStudyPayload { caseStudy { id status publishedAt } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

UPDATE = """
mutation($input: UpdateCaseStudyInput!) {
  updateCaseStudy(input: $input) {
    __typename
    ... on CaseStudyPayload { caseStudy { id title } }
    ... on UserError { code message }
  }
}"""

LIST = """
query($filter: CaseStudyFilter, $first: Int, $shas: [String!]) {
  caseStudies(filter: $filter, first: $first, shas: $shas) {
    totalCount edges { node { id shaCode status title topic } }
  }
}"""

BY_ID = "query($id: ID!) { caseStudy(id: $id) { id status title } node(id: $id) { id } }"


async def create(gql: GraphQLClient, sha: str, **fields: Any) -> dict[str, Any]:
    if "authorId" not in fields:
        fields["authorId"] = (await create_member(gql, sha))["id"]
    values = {
        "shaCode": sha,
        "title": "Choose and Book in Bolton",
        "topic": "Choose and Book",
        "pathway": "Elective referral",
        "summary": "GP leads ran monthly action learning sets on electronic booking.",
        "outcomes": "Uptake rose from 30% to 75% within a year.",
        "attachments": [{"title": "Slides", "url": "https://example.nhs.uk/slides.pdf"}],
        **fields,
    }
    data = await gql.data(CREATE, {"input": values}, as_role=("sha_admin", sha))
    result: dict[str, Any] = data["createCaseStudy"]
    return result


async def test_attachment_links_must_be_https(gql: GraphQLClient) -> None:
    bad = await create(
        gql,
        "Q31",
        attachments=[
            {"title": "a", "url": "http://example.nhs.uk/x"},
            {"title": "b", "url": "javascript:alert(1)"},
            {"title": "c", "url": "https://user:pw@example.nhs.uk/"},
            {"title": "d", "url": "https:///nohost"},
            {"title": "", "url": "https://example.nhs.uk/ok"},
        ],
    )
    assert bad["__typename"] == "ValidationError"
    fields = [f["field"] for f in bad["fields"]]
    assert fields == [
        "attachments.0.url",
        "attachments.1.url",
        "attachments.2.url",
        "attachments.3.url",
        "attachments.4.title",
    ]
    ok = await create(gql, "Q31")
    assert ok["caseStudy"]["attachments"] == [
        {"title": "Slides", "url": "https://example.nhs.uk/slides.pdf"}
    ]
    assert ok["caseStudy"]["status"] == "DRAFT"


async def test_publication_widens_reads_but_never_writes(
    gql: GraphQLClient, audit_actions: Any
) -> None:
    marker = uuid.uuid4().hex[:10]
    study = (await create(gql, "Q31", title=f"Stroke pathway {marker}"))["caseStudy"]
    sid = study["id"]
    member_q31 = ("member", "Q31")
    member_q36 = ("member", "Q36")
    # a draft: editors only, by every path
    draft = await gql.data(BY_ID, {"id": sid}, as_role=member_q31)
    assert draft == {"caseStudy": None, "node": None}
    assert (await gql.data(BY_ID, {"id": sid}, as_role=member_q36)) == {
        "caseStudy": None,
        "node": None,
    }
    assert (await gql.data(BY_ID, {"id": sid}, as_role=("sha_admin", "Q31")))["caseStudy"]
    # no skipping straight to national
    skip = await gql.data(STATUS, {"id": sid, "status": "NATIONAL"}, as_role=("sha_admin", "Q31"))
    assert skip["setCaseStudyStatus"]["__typename"] == "ValidationError"
    await gql.data(STATUS, {"id": sid, "status": "SUBMITTED"}, as_role=("sha_admin", "Q31"))
    regional = await gql.data(
        STATUS, {"id": sid, "status": "REGIONAL"}, as_role=("sha_admin", "Q31")
    )
    assert regional["setCaseStudyStatus"]["caseStudy"]["publishedAt"]
    assert (await gql.data(BY_ID, {"id": sid}, as_role=member_q31))["caseStudy"]["status"] == (
        "REGIONAL"
    )
    assert (await gql.data(BY_ID, {"id": sid}, as_role=member_q36)) == {
        "caseStudy": None,
        "node": None,
    }
    search = {"filter": {"text": marker}}
    assert (await gql.data(LIST, search, as_role=member_q36))["caseStudies"]["totalCount"] == 0
    await gql.data(STATUS, {"id": sid, "status": "NATIONAL_REVIEW"}, as_role=("sha_admin", "Q31"))
    await gql.data(STATUS, {"id": sid, "status": "NATIONAL"}, as_role=("national_lead", None))
    # nationally published: every SHA reads it, by id and in lists
    seen = await gql.data(BY_ID, {"id": sid}, as_role=member_q36)
    assert seen["caseStudy"]["status"] == "NATIONAL"
    assert seen["node"] == {"id": sid}  # national types reach the fetcher; RLS decides
    listed = await gql.data(LIST, search, as_role=member_q36)
    assert [e["node"]["id"] for e in listed["caseStudies"]["edges"]] == [sid]
    only_own = {"filter": {"text": marker, "includeNational": False}}
    assert (await gql.data(LIST, only_own, as_role=member_q36))["caseStudies"]["totalCount"] == 0
    # ...but only the owner edits or withdraws it
    for role in (("sha_admin", "Q36"), ("national_lead", None)):
        body = await gql(UPDATE, {"input": {"id": sid, "title": "hijacked"}}, as_role=role)
        result = (body.get("data") or {}).get("updateCaseStudy")
        assert error_codes(body) == ["FORBIDDEN"] or result["__typename"] == "ForbiddenError"
    withdraw = await gql.data(STATUS, {"id": sid, "status": "DRAFT"}, as_role=("sha_admin", "Q36"))
    assert withdraw["setCaseStudyStatus"]["__typename"] == "ForbiddenError"
    again = await gql.data(BY_ID, {"id": sid}, as_role=("sha_admin", "Q31"))
    assert again["caseStudy"]["title"] == f"Stroke pathway {marker}"
    assert await audit_actions(raw_key(sid)) == [
        "knowledge.case_study.create",
        "knowledge.case_study.submitted",
        "knowledge.case_study.regional",
        "knowledge.case_study.national_review",
        "knowledge.case_study.national",
    ]
    # withdrawn by the owner: gone from other regions again
    await gql.data(STATUS, {"id": sid, "status": "DRAFT"}, as_role=("sha_admin", "Q31"))
    assert (await gql.data(BY_ID, {"id": sid}, as_role=member_q36)) == {
        "caseStudy": None,
        "node": None,
    }
    anonymous = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": sid})
    assert (anonymous.get("data") or {}).get("node") is None


async def test_search_by_topic_and_text(gql: GraphQLClient, sql_log: SqlLog) -> None:
    marker = uuid.uuid4().hex[:8]
    topic = f"Maternity {marker}"
    ids = []
    for i in range(12):
        study = await create(
            gql,
            "Q38",
            topic=topic,
            title=f"Young people's services {i}",
            summary="Midwives led redesign" if i % 2 else "Consultants led redesign",
        )
        ids.append(study["caseStudy"]["id"])
        for step in ("SUBMITTED", "REGIONAL"):
            await gql.data(STATUS, {"id": ids[-1], "status": step}, as_role=("sha_admin", "Q38"))
    member = ("member", "Q38")
    by_topic = await gql.data(LIST, {"filter": {"topic": marker.upper()}}, as_role=member)
    assert by_topic["caseStudies"]["totalCount"] == 12
    by_text = await gql.data(
        LIST, {"filter": {"topic": marker, "text": "midwives led"}}, as_role=member
    )
    assert by_text["caseStudies"]["totalCount"] == 6
    body = await gql(LIST, {"shas": ["Q31"]}, as_role=member)
    assert error_codes(body) == ["FORBIDDEN"]
    counts = []
    for size in (2, 12):
        sql_log.clear()
        page = await gql.data(LIST, {"filter": {"topic": marker}, "first": size}, as_role=member)
        assert len(page["caseStudies"]["edges"]) == size
        counts.append(counted(sql_log))
    assert counts[0] == counts[1] <= 3, counts
