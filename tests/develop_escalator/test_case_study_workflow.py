"""Case studies of issue 25: author and contributors, member drafts, SHA review, national
editorial approval, versions kept after publication with a changes log; contributors
and versions across tenants."""

from __future__ import annotations

import uuid
from typing import Any

from tests.develop_escalator.conftest import MakePerson, Person
from tests.develop_escalator.test_knowledge import STATUS
from tests.support import GraphQLClient

CREATE = """
mutation($input: CreateCaseStudyInput!) {
  createCaseStudy(input: $input) {
    __typename
    ... on CaseStudyPayload { caseStudy { id status version author { id } contributors { id } } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

UPDATE = """
mutation($input: UpdateCaseStudyInput!) {
  updateCaseStudy(input: $input) {
    __typename
    ... on CaseStudyPayload { caseStudy { id title status version
        versions { version title status changeNote } } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

READ = """
query($id: ID!) {
  caseStudy(id: $id) { id status title version reviewNote author { id } contributors { id }
    versions { version title changeNote } }
}"""

STEP = STATUS.replace(
    "mutation($id: ID!, $status: CaseStudyStatus!) {\n  setCaseStudyStatus(id: $id, status: $status)",
    "mutation($id: ID!, $status: CaseStudyStatus!, $note: String) {\n"
    "  setCaseStudyStatus(id: $id, status: $status, note: $note)",
).replace("caseStudy { id status publishedAt }", "caseStudy { id status publishedAt reviewNote }")


async def draft(gql: GraphQLClient, author: Person, **fields: Any) -> dict[str, Any]:
    values = {
        "title": f"Choose and Book in Bolton {uuid.uuid4().hex[:6]}",
        "topic": "Choose and Book",
        "summary": "GP leads ran monthly action learning sets on electronic booking.",
        "outcomes": "Uptake rose from 30% to 75% within a year.",
        **fields,
    }
    data = await gql.data(CREATE, {"input": values}, token=author.token)
    result: dict[str, Any] = data["createCaseStudy"]
    return result


async def step(
    gql: GraphQLClient, sid: str, status: str, note: str | None = None, **who: Any
) -> dict[str, Any]:
    data = await gql.data(STEP, {"id": sid, "status": status, "note": note}, **who)
    result: dict[str, Any] = data["setCaseStudyStatus"]
    return result


async def test_members_draft_and_the_sha_reviews(gql: GraphQLClient, person: MakePerson) -> None:
    author = await person("Q31")
    helper = await person("Q31", organisation_id=author.organisation_id)
    bystander = await person("Q31", organisation_id=author.organisation_id)
    made = await draft(gql, author, contributorIds=[helper.id])
    assert made["__typename"] == "CaseStudyPayload", made
    study = made["caseStudy"]
    assert study["author"]["id"] == author.id
    assert [c["id"] for c in study["contributors"]] == [helper.id]
    sid = study["id"]
    # the draft is read by its writers and the SHA's admins, nobody else
    assert (await gql.data(READ, {"id": sid}, token=helper.token))["caseStudy"]["id"] == sid
    assert (await gql.data(READ, {"id": sid}, token=bystander.token))["caseStudy"] is None
    # a member writes only as themself
    other = await draft(gql, bystander, authorId=author.id)
    assert other["__typename"] == "ForbiddenError"
    # a contributor edits the draft; a bystander cannot
    edit = await gql.data(
        UPDATE, {"input": {"id": sid, "title": "Choose and Book: Bolton PCT"}}, token=helper.token
    )
    assert edit["updateCaseStudy"]["caseStudy"]["version"] == 1
    nosy = await gql.data(UPDATE, {"input": {"id": sid, "title": "x"}}, token=bystander.token)
    assert nosy["updateCaseStudy"]["__typename"] == "NotFoundError"

    assert (await step(gql, sid, "SUBMITTED", token=author.token))["caseStudy"]["status"] == (
        "SUBMITTED"
    )
    own = await step(gql, sid, "REGIONAL", token=author.token)
    assert own["__typename"] == "ForbiddenError" and "admin" in own["message"]
    admin = {"as_role": ("sha_admin", "Q31")}
    silent = await step(gql, sid, "DRAFT", **admin)
    assert silent["__typename"] == "ValidationError" and silent["fields"][0]["field"] == "note"
    back = await step(gql, sid, "DRAFT", "Add the uptake figures by PCT", **admin)
    assert back["caseStudy"]["reviewNote"] == "Add the uptake figures by PCT"
    await step(gql, sid, "SUBMITTED", token=author.token)
    assert (await step(gql, sid, "REGIONAL", **admin))["caseStudy"]["publishedAt"]
    assert (await gql.data(READ, {"id": sid}, token=bystander.token))["caseStudy"]["status"] == (
        "REGIONAL"
    )


async def test_national_editors_approve_and_changes_are_versioned(
    gql: GraphQLClient, person: MakePerson
) -> None:
    author = await person("Q31")
    sid = (await draft(gql, author, title="Stroke thrombolysis in Cumbria"))["caseStudy"]["id"]
    admin = {"as_role": ("sha_admin", "Q31")}
    national = {"as_role": ("national_lead", None)}
    london = await person("Q36")
    await step(gql, sid, "SUBMITTED", token=author.token)
    await step(gql, sid, "REGIONAL", **admin)
    skip = await step(gql, sid, "NATIONAL", **admin)
    assert skip["__typename"] == "ValidationError"
    assert "NATIONAL_REVIEW" in skip["fields"][0]["message"]
    await step(gql, sid, "NATIONAL_REVIEW", **admin)
    # the SHA cannot publish nationally itself
    itself = await step(gql, sid, "NATIONAL", **admin)
    assert itself["__typename"] == "ForbiddenError" and "national lead" in itself["message"]
    assert (await gql.data(READ, {"id": sid}, token=london.token))["caseStudy"] is None
    silent = await step(gql, sid, "REGIONAL", **national)
    assert silent["__typename"] == "ValidationError"
    assert (await step(gql, sid, "NATIONAL", **national))["caseStudy"]["status"] == "NATIONAL"
    seen = (await gql.data(READ, {"id": sid}, token=london.token))["caseStudy"]
    assert seen["title"] == "Stroke thrombolysis in Cumbria" and seen["versions"] == []

    # after publication: only the SHA's admins change it, with a note, and it is versioned
    by_author = await gql.data(UPDATE, {"input": {"id": sid, "title": "x"}}, token=author.token)
    assert by_author["updateCaseStudy"]["__typename"] == "ForbiddenError"
    no_note = await gql.data(UPDATE, {"input": {"id": sid, "title": "x"}}, **admin)
    assert no_note["updateCaseStudy"]["fields"][0]["field"] == "changeNote"
    changed = await gql.data(
        UPDATE,
        {
            "input": {
                "id": sid,
                "title": "Stroke thrombolysis across Cumbria and Lancashire",
                "changeNote": "Second year's figures added",
            }
        },
        **admin,
    )
    after = changed["updateCaseStudy"]["caseStudy"]
    assert after["version"] == 2 and after["status"] == "NATIONAL_REVIEW"
    assert after["versions"] == [
        {
            "version": 1,
            "title": "Stroke thrombolysis in Cumbria",
            "status": "NATIONAL",
            "changeNote": "Second year's figures added",
        }
    ]
    # the changed text is read nationally once the national editors approve it again
    assert (await gql.data(READ, {"id": sid}, token=london.token))["caseStudy"] is None
    await step(gql, sid, "NATIONAL", **national)
    seen = (await gql.data(READ, {"id": sid}, token=london.token))["caseStudy"]
    assert seen["version"] == 2
    assert [v["version"] for v in seen["versions"]] == [1]


async def test_cross_tenant_contributors_and_versions(
    gql: GraphQLClient, person: MakePerson
) -> None:
    author = await person("Q31")
    helper = await person("Q31", organisation_id=author.organisation_id)
    london = await person("Q36")
    foreign = await draft(gql, author, contributorIds=[london.id])
    assert foreign["__typename"] == "ValidationError"
    sid = (await draft(gql, author, contributorIds=[helper.id]))["caseStudy"]["id"]
    admin = {"as_role": ("sha_admin", "Q31")}
    await step(gql, sid, "SUBMITTED", token=author.token)
    await step(gql, sid, "REGIONAL", **admin)
    await gql.data(
        UPDATE, {"input": {"id": sid, "summary": "Rewritten", "changeNote": "n"}}, **admin
    )
    # a regional case study, its contributors and versions stay in the North West
    assert (await gql.data(READ, {"id": sid}, token=london.token))["caseStudy"] is None
    for who in ({"token": london.token}, {"as_role": ("sha_admin", "Q36")}):
        moved = await step(gql, sid, "DRAFT", **who)
        assert moved["__typename"] == "ForbiddenError"
        hijack = await gql.data(
            UPDATE, {"input": {"id": sid, "contributorIds": [london.id]}}, **who
        )
        assert hijack["updateCaseStudy"]["__typename"] == "ForbiddenError"
    # published nationally, the case study is read everywhere but its contributors only
    # at home; the regional-only version stays at home too
    await step(gql, sid, "NATIONAL_REVIEW", **admin)
    await step(gql, sid, "NATIONAL", as_role=("national_lead", None))
    seen = (await gql.data(READ, {"id": sid}, token=london.token))["caseStudy"]
    assert seen["contributors"] == [] and seen["versions"] == []
    home = (await gql.data(READ, {"id": sid}, token=helper.token))["caseStudy"]
    assert [c["id"] for c in home["contributors"]] == [helper.id]
    assert [v["version"] for v in home["versions"]] == [1]
