"""Regional portal (issue 25): branding, about text and pages managed by an SHA's
admins; public events, national case studies and portal pages read with no token;
nothing else read without one; the public rate limit; the portal tables across tenants."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette

from clngraph.app import create_app
from foundation.settings import Settings
from tenants.registry import RolloutStatus, ShaRecord
from tenants.scope import RegionForbidden, public_reach, resolve_scope
from tests.api_contract.conftest import started
from tests.connect_sets.conftest import create_event
from tests.support import GraphQLClient, app_transaction, error_codes

UPDATE_PORTAL = """
mutation($input: UpdatePortalInput!) {
  updatePortal(input: $input) {
    __typename
    ... on PortalPayload { portal { shaCode logoUrl primaryColour accentColour aboutHtml
        pages { slug isPublished } } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

SAVE_PAGE = """
mutation($input: SavePortalPageInput!) {
  savePortalPage(input: $input) {
    __typename
    ... on PortalPagePayload { page { slug title bodyHtml isPublished } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

DELETE_PAGE = """
mutation($slug: String!, $sha: String) {
  deletePortalPage(slug: $slug, shaCode: $sha) {
    __typename
    ... on UserError { code message }
  }
}"""

SET_PUBLIC = """
mutation($id: ID!, $on: Boolean!) {
  setEventPublic(eventId: $id, isPublic: $on) {
    __typename
    ... on SetEventPublicPayload { event { id isPublic } }
    ... on UserError { code message }
  }
}"""

PORTAL = """
query($sha: String) {
  portal(shaCode: $sha) { shaCode shaName logoUrl primaryColour aboutHtml
    pages { slug title bodyHtml } }
}"""

PUBLIC = """
query($shas: [String!]) {
  publicEvents(shas: $shas, upcoming: false, first: 100) { id shaCode title status }
  publicCaseStudies(shas: $shas, first: 100) { id shaCode title }
}"""


def slug() -> str:
    return f"page-{uuid.uuid4().hex[:8]}"


async def test_admins_brand_their_portal_and_anyone_reads_it(
    gql: GraphQLClient, app: Starlette
) -> None:
    about = (
        "# Welcome\n\nThe **North West** CLN. <script>alert(1)</script> [x](javascript:alert(1))"
    )
    data = await gql.data(
        UPDATE_PORTAL,
        {
            "input": {
                "shaCode": "Q31",
                "logoUrl": "https://nw.cln.test/logo.png",
                "primaryColour": "#005EB8",
                "accentColour": "#41b6e6",
                "aboutMarkdown": about,
            }
        },
        as_role=("sha_admin", "Q31"),
    )
    portal = data["updatePortal"]["portal"]
    assert portal["primaryColour"] == "#005EB8"
    assert "<strong>North West</strong>" in portal["aboutHtml"]
    assert "<script" not in portal["aboutHtml"], portal["aboutHtml"]
    assert 'href="javascript' not in portal["aboutHtml"]
    published, draft = slug(), slug()
    for name, on in ((published, True), (draft, False)):
        saved = await gql.data(
            SAVE_PAGE,
            {
                "input": {
                    "shaCode": "Q31",
                    "slug": name,
                    "title": f"Page {name}",
                    "bodyMarkdown": "Hello <img src=x onerror=alert(1)> *world*",
                    "isPublished": on,
                }
            },
            as_role=("sha_admin", "Q31"),
        )
        page = saved["savePortalPage"]["page"]
        assert "<em>world</em>" in page["bodyHtml"] and "<img" not in page["bodyHtml"]

    anonymous = await gql.data(PORTAL, {"sha": "Q31"})  # no token
    seen = anonymous["portal"]
    assert seen["logoUrl"] == "https://nw.cln.test/logo.png"
    slugs = {p["slug"] for p in seen["pages"]}
    assert published in slugs and draft not in slugs
    page = await gql.data(
        'query($s: String!) { portalPage(slug: $s, shaCode: "Q31") { title } }', {"s": draft}
    )
    assert page["portalPage"] is None
    # the front end's host names the region: no argument needed
    by_host = await gql.data(PORTAL, {}, headers={"host": "nw.cln.test"})
    assert by_host["portal"]["shaCode"] == "Q31"
    by_path = await gql.data(PORTAL, {}, path="/sha/Q31/graphql")
    assert by_path["portal"]["shaCode"] == "Q31"

    async with app_transaction(app, ("Q31",)) as db:
        actions = {
            (r.action, r.entity_id)
            for r in await db.rows(
                text("SELECT action, entity_id FROM audit_log WHERE sha_code = 'Q31'")
            )
        }
    assert ("portal.branding", "Q31") in actions
    assert sum(1 for a, _ in actions if a == "portal.page.save") >= 2


async def test_branding_is_validated(gql: GraphQLClient) -> None:
    data = await gql.data(
        UPDATE_PORTAL,
        {
            "input": {
                "shaCode": "Q31",
                "logoUrl": "http://nw.cln.test/logo.png",
                "primaryColour": "blue",
                "accentColour": "#12345",
            }
        },
        as_role=("sha_admin", "Q31"),
    )
    result = data["updatePortal"]
    assert result["__typename"] == "ValidationError"
    assert {f["field"] for f in result["fields"]} == {"logoUrl", "primaryColour", "accentColour"}
    bad_page = await gql.data(
        SAVE_PAGE,
        {"input": {"shaCode": "Q31", "slug": "Not A Slug", "title": "", "bodyMarkdown": "x"}},
        as_role=("sha_admin", "Q31"),
    )
    assert {f["field"] for f in bad_page["savePortalPage"]["fields"]} == {"slug", "title"}
    member = await gql(UPDATE_PORTAL, {"input": {"shaCode": "Q31"}}, as_role=("member", "Q31"))
    assert error_codes(member) == ["FORBIDDEN"]
    nobody = await gql(UPDATE_PORTAL, {"input": {"shaCode": "Q31"}})
    assert error_codes(nobody) == ["UNAUTHENTICATED"]


async def test_public_events_and_national_case_studies_with_no_token(
    gql: GraphQLClient, app: Starlette
) -> None:
    shown = await create_event(gql, "Q31", title=f"Open day {uuid.uuid4().hex[:6]}")
    hidden = await create_event(gql, "Q31", title=f"Board only {uuid.uuid4().hex[:6]}")
    flagged = await gql.data(
        SET_PUBLIC, {"id": shown["id"], "on": True}, as_role=("sha_admin", "Q31")
    )
    assert flagged["setEventPublic"]["event"]["isPublic"] is True
    data = await gql.data(PUBLIC, {"shas": None})
    titles = {e["title"] for e in data["publicEvents"]}
    assert shown["title"] in titles and hidden["title"] not in titles
    studies = {s["title"] for s in data["publicCaseStudies"]}
    assert "Choose and Book: from fourth to first" in studies
    assert "Engagement Escalator in practice" not in studies  # a draft
    assert "Maternity services for young people" not in studies  # regional only
    async with app_transaction(app, ("Q31", "Q32", "Q36")) as db:
        statuses = {
            r.title: r.status for r in await db.rows(text("SELECT title, status FROM case_studies"))
        }
    assert all(statuses[t] == "NATIONAL" for t in studies if t in statuses)
    shas = await app.state.cln.registry.snapshot()
    running = {c for c, r in shas.items() if r.status.value in ("pilot", "live")}
    assert {e["shaCode"] for e in data["publicEvents"]} <= running
    assert {s["shaCode"] for s in data["publicCaseStudies"]} <= running
    # the flag comes off: gone from the portal
    await gql.data(SET_PUBLIC, {"id": shown["id"], "on": False}, as_role=("sha_admin", "Q31"))
    again = await gql.data(PUBLIC, {"shas": ["Q31"]})
    assert shown["title"] not in {e["title"] for e in again["publicEvents"]}


async def test_nothing_else_is_read_without_a_token(gql: GraphQLClient) -> None:
    for query in (
        "{ members(first: 5) { nodes { id } } }",
        "{ events(first: 5) { nodes { id title } } }",
        "{ caseStudies(first: 5) { nodes { id title } } }",
    ):
        body = await gql(query)
        assert error_codes(body) == ["UNAUTHENTICATED"], (query, body)
    # the public types carry no member, author, speaker or registration
    for type_name in ("PublicEvent", "PublicCaseStudy", "Portal", "PortalPage"):
        fields = await gql.data(
            "query($t: String!) { __type(name: $t) { fields { name } } }", {"t": type_name}
        )
        names = {f["name"] for f in fields["__type"]["fields"]}
        assert not names & {
            "author",
            "contributors",
            "speakers",
            "registrations",
            "members",
            "email",
            "createdBy",
            "updatedBy",
        }, (type_name, names)


def test_the_public_reach_is_the_running_regions() -> None:
    registry = {
        code: ShaRecord(code=code, name=code, status=status, status_changed_at=None)
        for code, status in (
            ("Q31", RolloutStatus.PILOT),
            ("Q32", RolloutStatus.LIVE),
            ("Q33", RolloutStatus.PLANNED),
            ("Q34", RolloutStatus.SUSPENDED),
            ("Q35", RolloutStatus.RETIRED),
        )
    }
    assert public_reach(registry) == {"Q31", "Q32"}
    portal = resolve_scope(None, registry, ["Q32"])
    assert portal.read == portal.write == frozenset() and portal.requested == {"Q32"}
    for hidden in ("Q33", "Q34", "Q35"):
        with pytest.raises(RegionForbidden):
            resolve_scope(None, registry, [hidden])


async def test_a_region_not_running_shows_nothing(gql: GraphQLClient) -> None:
    body = await gql(PORTAL, {"sha": "Q99"})
    assert body["data"]["portal"] is None
    refused = await gql.post(PORTAL, {}, path="/sha/Q99/graphql")
    assert error_codes(refused.json()) == ["FORBIDDEN"]


async def test_an_admin_cannot_change_another_regions_portal(
    gql: GraphQLClient, app: Starlette
) -> None:
    theirs = slug()
    await gql.data(
        SAVE_PAGE,
        {
            "input": {
                "shaCode": "Q36",
                "slug": theirs,
                "title": "London",
                "bodyMarkdown": "x",
                "isPublished": True,
            }
        },
        as_role=("sha_admin", "Q36"),
    )
    for query, variables in (
        (UPDATE_PORTAL, {"input": {"shaCode": "Q36", "primaryColour": "#000000"}}),
        (
            SAVE_PAGE,
            {
                "input": {
                    "shaCode": "Q36",
                    "slug": theirs,
                    "title": "Mine",
                    "bodyMarkdown": "taken over",
                }
            },
        ),
        (DELETE_PAGE, {"slug": theirs, "sha": "Q36"}),
    ):
        data = await gql.data(query, variables, as_role=("sha_admin", "Q31"))
        result = next(iter(data.values()))
        assert result["__typename"] == "ForbiddenError", result
    event = await create_event(gql, "Q36")
    data = await gql.data(SET_PUBLIC, {"id": event["id"], "on": True}, as_role=("sha_admin", "Q31"))
    assert data["setEventPublic"]["__typename"] == "ForbiddenError"
    page = await gql.data(
        'query($s: String!) { portalPage(slug: $s, shaCode: "Q36") { title bodyHtml } }',
        {"s": theirs},
    )
    assert page["portalPage"]["title"] == "London"
    # the database itself: a Q31 transaction reads and writes no Q36 portal row
    async with app_transaction(app, ("Q31",), ("Q31",)) as db:
        rows = await db.rows(text("SELECT sha_code FROM portal_pages WHERE sha_code = 'Q36'"))
        assert rows == []
        changed = await db.rows(
            text(
                "UPDATE sha_portals SET primary_colour = '#000000' WHERE sha_code = 'Q36'"
                " RETURNING sha_code"
            )
        )
        assert changed == []


async def test_the_public_limit_is_its_own(
    admin_url: str, settings: Settings, make_token: Any
) -> None:
    tight = replace(settings, public_rate_limit_per_minute=1, public_rate_limit_burst=2)
    async with started(create_app(tight, admin_url=admin_url)) as client:
        query = {"query": '{ portal(shaCode: "Q31") { shaCode } }'}
        for _ in range(2):
            assert (await client.post("/graphql", json=query)).status_code == 200
        refused = await client.post("/graphql", json=query)
        assert refused.status_code == 429
        assert refused.headers["retry-after"]
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        # a caller with a token spends its own budget, not the public one
        token = make_token("member", "Q31")
        ok = await client.post("/graphql", json=query, headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.json()["data"]["portal"]["shaCode"] == "Q31"
        # another address has its own public bucket
        other = httpx.ASGITransport(app=client.cln_app, client=("10.0.0.9", 4000))  # type: ignore[attr-defined]
        async with httpx.AsyncClient(transport=other, base_url="http://testserver") as second:
            assert (await second.post("/graphql", json=query)).status_code == 200


async def test_public_reads_cost_one_statement_each(gql: GraphQLClient, sql_log: Any) -> None:
    await gql.data(PUBLIC, {"shas": None})  # warm the registry cache
    sql_log.clear()
    await gql.data(PUBLIC, {"shas": None})
    selects = [s for s in sql_log.data_queries() if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, sql_log.statements
    sql_log.clear()
    await gql.data(PORTAL, {"sha": "Q31"})
    selects = [s for s in sql_log.data_queries() if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, sql_log.statements
