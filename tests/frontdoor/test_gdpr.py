"""UK GDPR: her copy of everything (built by the job, served by an expiring signed link),
leaving with erasure (contributions stay as "Former member", audit rows stay with
their personal values redacted), retention enforced; all within her own SHA."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from clngraph.jobs import run_once
from foundation.settings import Settings
from resolvers.common.ids import decode_id
from resolvers.gdpr.exports import build_pending, signed_link
from resolvers.gdpr.retention import enforce
from resolvers.gdpr.sources import NOT_EXPORTED, SOURCES
from tests.connect_networks.conftest import create_forum, start_thread
from tests.frontdoor.conftest import new_member

EXPORT = """mutation { requestDataExport { __typename
  ... on DataExportPayload { export { id status } } ... on UserError { code message } } }"""
EXPORTS = "{ viewer { dataExports { id status expiresAt downloadPath } } }"
LEAVE = """mutation { requestToLeave(reason: "Retiring") { __typename
  ... on LeaveRequestPayload { request { id status } } ... on UserError { code message } } }"""
DECIDE_LEAVE = """mutation($id: ID!) { decideLeaveRequest(id: $id, confirm: true) { __typename
  ... on LeaveRequestPayload { request { status member { displayName email } } }
  ... on UserError { code message } } }"""


async def test_export_has_every_domain_and_an_expiring_link(
    gql: Any, member_token: Any, app: Any, settings: Settings, http: Any
) -> None:
    member = await new_member(gql, "Q31", email="export@nhs.example")
    token = member_token(member)
    forum = await create_forum(gql, "Q31")
    await start_thread(gql, token, forum["id"], body="My own words")
    requested = (await gql.data(EXPORT, token=token))["requestDataExport"]
    assert requested["export"]["status"] == "PENDING"
    again = (await gql.data(EXPORT, token=token))["requestDataExport"]
    assert again["__typename"] == "ConflictError"
    assert await build_pending(app.state.cln.engine, settings) >= 1
    export = (await gql.data(EXPORTS, token=token))["viewer"]["dataExports"][0]
    assert export["status"] == "READY" and export["downloadPath"]
    response = await http.get(export["downloadPath"])
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    document = response.json()
    assert document["member"] == member["id"]
    assert set(document["sections"]) == {section for section, _, _ in SOURCES}
    assert document["sections"]["profile"][0]["email"] == "export@nhs.example"
    assert "search" not in document["sections"]["profile"][0]
    assert [p["body_markdown"] for p in document["sections"]["forumPosts"]] == ["My own words"]
    # the notification that it is ready
    feed = await gql.data("{ viewer { notifications(first: 3) { nodes { kind } } } }", token=token)
    assert "DATA_EXPORT_READY" in [n["kind"] for n in feed["viewer"]["notifications"]["nodes"]]
    # an altered or expired link is 404, and so is another member's export id
    path, _, query = export["downloadPath"].partition("?")
    altered = query[:-1] + ("1" if query.endswith("0") else "0")
    assert (await http.get(f"{path}?{altered}")).status_code == 404
    gid = decode_id(export["id"])
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    assert (await http.get(signed_link(settings, "Q31", gid.key, past))).status_code == 404
    assert (await http.get(path.replace("/Q31/", "/Q36/") + "?" + query)).status_code == 404


async def test_every_table_naming_a_member_is_exported(owner_sql: Any) -> None:
    rows = await owner_sql(
        "SELECT DISTINCT c.table_name FROM information_schema.columns c"
        " JOIN pg_class p ON p.relname = c.table_name AND p.relkind = 'p'"
        " WHERE c.table_schema = current_schema()"
        " AND c.column_name IN ('member_id', 'author_id', 'reporter_id', 'lead_id',"
        " 'owner_member_id', 'clinician_id')"
    )
    exported = {table for _, table, _ in SOURCES}
    missing = {r["table_name"] for r in rows} - exported - NOT_EXPORTED
    assert not missing, missing


async def test_leave_confirmed_erases_profile_keeps_contributions(
    gql: Any, member_token: Any, owner_sql: Any
) -> None:
    member = await new_member(gql, "Q31", email="leaving@nhs.example")
    key = decode_id(member["id"]).key
    token = member_token(member)
    forum = await create_forum(gql, "Q31")
    thread = await start_thread(gql, token, forum["id"], body="Before I go")
    request = (await gql.data(LEAVE, token=token))["requestToLeave"]["request"]
    assert request["status"] == "PENDING"
    # a London admin cannot confirm a North West member's leaving
    body = await gql(DECIDE_LEAVE, {"id": request["id"]}, as_role=("sha_admin", "Q36"))
    assert body["data"]["decideLeaveRequest"]["__typename"] == "NotFoundError"
    # nor can she, nor another member
    body = await gql(DECIDE_LEAVE, {"id": request["id"]}, token=token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = await gql.data("{ leaveRequests { nodes { id } } }", as_role=("sha_admin", "Q31"))
    assert request["id"] in [n["id"] for n in listed["leaveRequests"]["nodes"]]
    done = await gql.data(DECIDE_LEAVE, {"id": request["id"]}, as_role=("sha_admin", "Q31"))
    decided = done["decideLeaveRequest"]["request"]
    assert decided["status"] == "CONFIRMED"
    assert decided["member"] == {"displayName": "Former member", "email": None}
    # her post stays, attributed to the former member
    posts = await owner_sql(
        "SELECT p.body_markdown, m.given_name, m.family_name, m.email, m.registration_number"
        " FROM forum_posts p JOIN members m ON m.sha_code = p.sha_code AND m.id = p.author_id"
        " WHERE p.sha_code = 'Q31' AND p.thread_id = $1::uuid",
        decode_id(thread["thread"]["id"]).key,
    )
    assert [(p["given_name"], p["family_name"]) for p in posts] == [("Former", "member")]
    assert posts[0]["email"] is None and posts[0]["registration_number"] is None
    # audit rows about her remain, with no personal value left in them
    audit = await owner_sql(
        "SELECT action, detail::text AS detail FROM audit_log"
        " WHERE sha_code = 'Q31' AND entity_id = $1 ORDER BY occurred_at",
        key,
    )
    actions = [a["action"] for a in audit]
    assert actions[0] == "member.create" and actions[-1] == "gdpr.leave.confirm"
    assert not any("leaving@nhs.example" in a["detail"] for a in audit)
    assert not any(member["displayName"].split()[-1] in a["detail"] for a in audit)
    # her token no longer finds a record to act for
    body = await gql(LEAVE, token=token)
    assert body["data"]["requestToLeave"]["__typename"] in ("ConflictError", "ForbiddenError")


async def test_retention_removes_what_is_past_its_period(
    gql: Any, member_token: Any, app: Any, settings: Settings, owner_sql: Any
) -> None:
    member = await new_member(gql, "Q31")
    token = member_token(member)
    await gql.data(EXPORT, token=token)
    await build_pending(app.state.cln.engine, settings)
    key = decode_id(member["id"]).key
    await owner_sql(
        "UPDATE data_exports SET requested_at = now() - interval '40 days',"
        " expires_at = now() - interval '1 day' WHERE member_id = $1::uuid",
        key,
    )
    removed = await enforce(app.state.cln.engine, settings)
    assert removed["data_exports"] >= 1
    left = await owner_sql("SELECT count(*) AS n FROM data_exports WHERE member_id = $1::uuid", key)
    assert left[0]["n"] == 0
    # shorter periods are settings; the whole round of jobs runs too
    report = await run_once(app.state.cln.engine, replace(settings, smtp_host=None))
    assert set(report) >= {"exports_built", "emails", "retention", "plans_overdue_told"}
