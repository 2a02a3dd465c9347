"""Notifications: written with the event (outbox), read in her own feed only, marked
read, shaped by her preferences; fed by replies, mentions, waiting lists, consultations
and decided requests; never across SHAs."""

from __future__ import annotations

from typing import Any

from resolvers.common.ids import encode_id
from tests.connect_networks.conftest import add_post, create_forum, create_network, start_thread
from tests.connect_sets.conftest import CANCEL, REGISTER, create_event
from tests.develop_escalator.test_policy import open_consultation
from tests.frontdoor.conftest import new_member
from tests.support import SqlLog, error_codes

FEED = """query($unread: Boolean) { viewer { unreadNotificationCount
  notifications(first: 20, unreadOnly: $unread) { totalCount
    nodes { id kind title body subjectId read emailStatus } } } }"""

MARK = """mutation($ids: [ID!], $all: Boolean) { markNotificationsRead(ids: $ids, all: $all) {
  __typename ... on MarkNotificationsReadPayload { marked unreadCount }
  ... on UserError { code message } } }"""

PREFER = """mutation($kind: NotificationKind!, $channel: NotificationChannel!) {
  setNotificationPreference(kind: $kind, channel: $channel) {
    __typename ... on NotificationPreferencePayload { preference { kind channel } } } }"""

JOIN = """mutation($n: ID!) { joinNetwork(networkId: $n) { __typename
  ... on JoinNetworkPayload { membership { role } request { id status } }
  ... on UserError { code message } } }"""

POLICY = """mutation($n: ID!) { setNetworkJoinPolicy(networkId: $n, policy: BY_REQUEST) {
  __typename ... on UserError { code message } } }"""

DECIDE = """mutation($id: ID!, $ok: Boolean!) { decideNetworkJoin(id: $id, approve: $ok, note: "Welcome") {
  __typename ... on MembershipRequestPayload { request { status } }
  ... on UserError { code message } } }"""

FOLLOW = """mutation($t: ID!) { followThread(threadId: $t) { __typename } }"""


async def feed(gql: Any, token: str, unread: bool = False) -> dict[str, Any]:
    return dict((await gql.data(FEED, {"unread": unread}, token=token))["viewer"])


async def closed_network_request(gql: Any, member_token: Any, member: dict[str, Any]) -> str:
    network = await create_network(gql, member["shaCode"])
    data = await gql.data(POLICY, {"n": network["id"]}, as_role=("sha_admin", member["shaCode"]))
    assert data["setNetworkJoinPolicy"]["__typename"] == "DonePayload", data
    joined = (await gql.data(JOIN, {"n": network["id"]}, token=member_token(member)))["joinNetwork"]
    assert joined["membership"] is None and joined["request"]["status"] == "PENDING"
    return str(joined["request"]["id"])


async def test_decided_request_reaches_her_feed_only(gql: Any, member_token: Any) -> None:
    member = await new_member(gql, "Q31")
    request = await closed_network_request(gql, member_token, member)
    data = await gql.data(DECIDE, {"id": request, "ok": True}, as_role=("sha_admin", "Q31"))
    assert data["decideNetworkJoin"]["request"]["status"] == "APPROVED"
    mine = await feed(gql, member_token(member))
    assert mine["unreadNotificationCount"] == 1
    note = mine["notifications"]["nodes"][0]
    assert note["kind"] == "MEMBERSHIP_REQUEST_DECIDED" and note["body"] == "Welcome"
    assert note["emailStatus"] == "NONE" and note["read"] is False
    # nobody else sees it: not another member of her SHA, not a London member, not by id
    other = await new_member(gql, "Q31")
    london = await new_member(gql, "Q36")
    for token in (member_token(other), member_token(london)):
        assert (await feed(gql, token))["notifications"]["totalCount"] == 0
        found = await gql.data(
            "query($id: ID!) { node(id: $id) { id } }", {"id": note["id"]}, token=token
        )
        assert found["node"] is None
    # marking read: her own only; the count follows
    marked = await gql.data(MARK, {"ids": [note["id"]]}, token=member_token(other))
    assert marked["markNotificationsRead"]["marked"] == 0
    marked = await gql.data(MARK, {"ids": [note["id"]]}, token=member_token(member))
    assert marked["markNotificationsRead"] == {
        "__typename": "MarkNotificationsReadPayload",
        "marked": 1,
        "unreadCount": 0,
    }


async def test_a_london_admin_cannot_decide_a_north_west_request(
    gql: Any, member_token: Any
) -> None:
    member = await new_member(gql, "Q31")
    request = await closed_network_request(gql, member_token, member)
    body = await gql(DECIDE, {"id": request, "ok": True}, as_role=("sha_admin", "Q36"))
    assert body["data"]["decideNetworkJoin"]["__typename"] == "NotFoundError"
    assert (await feed(gql, member_token(member)))["notifications"]["totalCount"] == 0


async def test_replies_and_mentions(gql: Any, member_token: Any) -> None:
    starter, follower, writer, named = [await new_member(gql, "Q31") for _ in range(4)]
    forum = await create_forum(gql, "Q31")
    thread = await start_thread(gql, member_token(starter), forum["id"])
    thread_id = thread["thread"]["id"]
    # the writer and the member she names follow too: the writer hears nothing of her
    # own reply, the named member only of the mention
    for member in (follower, writer, named):
        await gql.data(FOLLOW, {"t": thread_id}, token=member_token(member))
    london = await new_member(gql, "Q36")
    await add_post(
        gql, member_token(writer), thread_id, f"Agree with @{named['id']} and @{london['id']}"
    )
    for member, kind in ((starter, "THREAD_REPLY"), (follower, "THREAD_REPLY"), (named, "MENTION")):
        kinds = [
            n["kind"] for n in (await feed(gql, member_token(member)))["notifications"]["nodes"]
        ]
        assert kinds == [kind], (member, kinds)
    for member in (writer, london):
        assert (await feed(gql, member_token(member)))["notifications"]["totalCount"] == 0


async def test_a_reply_tells_every_follower_in_one_statement(
    gql: Any, member_token: Any, sql_log: SqlLog
) -> None:
    """The followers are read and told by the statement that writes their
    notifications: one statement, however many follow."""
    starter, writer, *followers = [await new_member(gql, "Q31") for _ in range(5)]
    forum = await create_forum(gql, "Q31")
    thread_id = (await start_thread(gql, member_token(starter), forum["id"]))["thread"]["id"]
    for member in followers:
        await gql.data(FOLLOW, {"t": thread_id}, token=member_token(member))
    sql_log.clear()
    await add_post(gql, member_token(writer), thread_id, "a reply for all")
    told = [s for s in sql_log.statements if "INSERT INTO notifications" in s]
    assert len(told) == 1, sql_log.statements
    assert not any(s.lstrip().startswith("SELECT forum_thread_follows") for s in sql_log.statements)
    for member in (starter, *followers):
        nodes = (await feed(gql, member_token(member)))["notifications"]["nodes"]
        assert [n["kind"] for n in nodes] == ["THREAD_REPLY"], member
    assert (await feed(gql, member_token(writer)))["notifications"]["totalCount"] == 0


async def test_preference_off_and_email(gql: Any, member_token: Any) -> None:
    starter, writer = (
        await new_member(gql, "Q31", email="starter@nhs.example"),
        await new_member(gql, "Q31"),
    )
    forum = await create_forum(gql, "Q31")
    thread_id = (await start_thread(gql, member_token(starter), forum["id"]))["thread"]["id"]
    data = await gql.data(
        PREFER, {"kind": "THREAD_REPLY", "channel": "OFF"}, token=member_token(starter)
    )
    assert data["setNotificationPreference"]["preference"]["channel"] == "OFF"
    await add_post(gql, member_token(writer), thread_id, "first reply")
    assert (await feed(gql, member_token(starter)))["notifications"]["totalCount"] == 0
    await gql.data(
        PREFER, {"kind": "THREAD_REPLY", "channel": "EMAIL"}, token=member_token(starter)
    )
    await add_post(gql, member_token(writer), thread_id, "second reply")
    nodes = (await feed(gql, member_token(starter)))["notifications"]["nodes"]
    assert [n["emailStatus"] for n in nodes] == ["PENDING"]
    prefs = await gql.data(
        "{ viewer { notificationPreferences { kind channel } } }", token=member_token(starter)
    )
    assert {"kind": "THREAD_REPLY", "channel": "EMAIL"} in prefs["viewer"][
        "notificationPreferences"
    ]


async def test_waitlist_promotion(gql: Any, member_token: Any) -> None:
    first, waiting = await new_member(gql, "Q31"), await new_member(gql, "Q31")
    event = await create_event(gql, "Q31", capacity=1)
    regs = []
    for member in (first, waiting):
        data = await gql.data(
            REGISTER, {"input": {"eventId": event["id"]}}, token=member_token(member)
        )
        regs.append(data["registerForEvent"]["registration"])
    assert regs[1]["status"] == "WAITLISTED"
    data = await gql.data(CANCEL, {"id": regs[0]["id"]}, token=member_token(first))
    assert data["cancelEventRegistration"]["promotedCount"] == 1
    nodes = (await feed(gql, member_token(waiting)))["notifications"]["nodes"]
    assert [n["kind"] for n in nodes] == ["WAITLIST_PROMOTED"]
    assert nodes[0]["subjectId"] == regs[1]["id"]
    home = await gql.data(
        "{ viewer { eventRegistrations(first: 5) { nodes { id status waitlistPosition event { id } } } } }",
        token=member_token(waiting),
    )
    assert home["viewer"]["eventRegistrations"]["nodes"][0]["status"] == "CONFIRMED"


async def test_consultation_opened_tells_its_sha_only(gql: Any, member_token: Any) -> None:
    nw, london = await new_member(gql, "Q31"), await new_member(gql, "Q36")
    opened = await open_consultation(gql, ("sha_admin", "Q31"), "REGIONAL", "Q31")
    consultation = opened["consultation"]
    kinds = [
        (n["kind"], n["subjectId"])
        for n in (await feed(gql, member_token(nw)))["notifications"]["nodes"]
    ]
    assert ("CONSULTATION_OPENED", consultation["id"]) in kinds
    assert all(
        n["subjectId"] != consultation["id"]
        for n in (await feed(gql, member_token(london)))["notifications"]["nodes"]
    )


async def test_national_consultation_tells_every_region(gql: Any, member_token: Any) -> None:
    nw, london = await new_member(gql, "Q31"), await new_member(gql, "Q36")
    opened = await open_consultation(gql, ("national_lead", None), "NATIONAL", "Q31")
    consultation = opened["consultation"]
    for member in (nw, london):
        nodes = (await feed(gql, member_token(member)))["notifications"]["nodes"]
        assert ("CONSULTATION_OPENED", consultation["id"]) in [
            (n["kind"], n["subjectId"]) for n in nodes
        ]


async def test_hostile_inputs(gql: Any, member_token: Any) -> None:
    token = member_token(await new_member(gql, "Q31"))
    body = await gql(MARK, {}, token=token)
    assert body["data"]["markNotificationsRead"]["__typename"] == "ValidationError"
    body = await gql(MARK, {"ids": ["nonsense"]}, token=token)
    assert body["data"]["markNotificationsRead"]["__typename"] == "ValidationError"
    body = await gql(MARK, {"ids": [encode_id("Notification", "Q31", "x")] * 101}, token=token)
    assert body["data"]["markNotificationsRead"]["__typename"] == "ValidationError"
    body = await gql(PREFER, {"kind": "NOPE", "channel": "OFF"}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"] or body.get("errors")
    # a national lead has no feed and no member record to act for
    body = await gql(PREFER, {"kind": "MENTION", "channel": "OFF"}, as_role=("national_lead", None))
    assert body["data"]["setNotificationPreference"]["__typename"] == "ForbiddenError"


async def test_case_study_author_told_of_status_changes(gql: Any, make_token: Any) -> None:
    """The author (an SHA editor with a member record) hears when another editor
    publishes her case study; she is not told of her own changes."""
    from resolvers.common.ids import decode_id
    from tests.develop_escalator.test_knowledge import CREATE, STATUS

    author = await new_member(gql, "Q31")
    key = decode_id(author["id"]).key
    token = make_token("member", "Q31", roles=["member", "sha_admin"], subject=key, member_id=key)
    values = {
        "shaCode": "Q31",
        "title": "Stroke thrombolysis in Preston",
        "topic": "Stroke",
        "summary": "Door-to-needle time audit.",
        "outcomes": "Halved in a year.",
    }
    created = (await gql.data(CREATE, {"input": values}, token=token))["createCaseStudy"]
    study = created["caseStudy"]["id"]
    # her own steps of the workflow (issue 25: DRAFT -> SUBMITTED -> REGIONAL)
    for step in ("SUBMITTED", "REGIONAL"):
        mine = await gql.data(STATUS, {"id": study, "status": step}, token=token)
        assert mine["setCaseStudyStatus"]["caseStudy"]["status"] == step, mine
    assert (await feed(gql, token))["notifications"]["totalCount"] == 0
    other = await gql.data(
        STATUS, {"id": study, "status": "NATIONAL_REVIEW"}, as_role=("sha_admin", "Q31")
    )
    assert other["setCaseStudyStatus"]["caseStudy"]["status"] == "NATIONAL_REVIEW", other
    nodes = (await feed(gql, token))["notifications"]["nodes"]
    assert [(n["kind"], n["subjectId"]) for n in nodes] == [("CASE_STUDY_STATUS", study)]
    home = await gql.data(
        "{ viewer { caseStudies(first: 5) { nodes { id status } } } }", token=token
    )
    assert home["viewer"]["caseStudies"]["nodes"] == [{"id": study, "status": "NATIONAL_REVIEW"}]
