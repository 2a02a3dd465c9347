"""Self-service: her profile, networks, learning sets, organisation moves, followed
threads; her home page on `viewer` with statement counts that do not grow with pages;
nothing reaches another SHA."""

from __future__ import annotations

from typing import Any

from resolvers.common.ids import decode_id
from tests.connect_networks.conftest import create_forum, create_network, start_thread
from tests.connect_sets.conftest import REGISTER, add_members, create_event, create_set
from tests.factories import create_organisation
from tests.frontdoor.conftest import new_member
from tests.frontdoor.test_notifications import FOLLOW, JOIN, feed

PROFILE = """mutation($input: MyProfileInput!) { updateMyProfile(input: $input) { __typename
  ... on MyProfilePayload { member { email phone jobTitle biography interests contactVisible } }
  ... on ValidationError { fields { field message } } ... on UserError { code message } } }"""

LEAVE_NETWORK = """mutation($n: ID!) { leaveNetwork(networkId: $n) { __typename
  ... on UserError { code } } }"""

ASK_SET = """mutation($s: ID!) { requestLearningSetPlace(setId: $s) { __typename
  ... on MembershipRequestPayload { request { id status kind targetId } }
  ... on UserError { code message } } }"""

DECIDE_SET = """mutation($id: ID!) { decideLearningSetPlace(id: $id, approve: true) { __typename
  ... on MembershipRequestPayload { request { status } } ... on UserError { code message } } }"""

MOVE = """mutation($o: ID!) { requestOrganisationMove(organisationId: $o) { __typename
  ... on MembershipRequestPayload { request { id status } } ... on UserError { code message } } }"""

DECIDE_MOVE = """mutation($id: ID!) { decideOrganisationMove(id: $id, approve: true) { __typename
  ... on MembershipRequestPayload { request { status } } ... on UserError { code message } } }"""

HOME = """query($n: Int) { viewer { member { id displayName organisation { name } }
  learningSets(first: $n) { totalCount nodes { role learningSet { id name } } }
  eventRegistrations(first: $n) { nodes { status waitlistPosition event { title } } }
  networks(first: $n) { nodes { role network { name } } }
  forums(first: $n) { nodes { title moderators { id } } }
  followedThreads(first: $n) { nodes { title } }
  selfAssessments(first: $n) { nodes { assessedOn learningNeeds { competencyCode } } }
  engagementPlans(first: $n) { nodes { serviceChange } }
  caseStudies(first: $n) { nodes { title status } }
  consultationResponses(first: $n) { nodes { position } }
  notifications(first: $n) { nodes { kind } }
  unreadNotificationCount } }"""


async def test_profile_edit_validated_and_audited(
    gql: Any, member_token: Any, owner_sql: Any
) -> None:
    member = await new_member(gql, "Q31")
    token = member_token(member)
    values = {
        "email": "me@nhs.example",
        "phone": "+44 161 555 0100",
        "jobTitle": "Consultant cardiologist",
        "biography": "Leads the stroke pathway.",
        "interests": ["stroke", "Choose and Book", "stroke"],
    }
    saved = (await gql.data(PROFILE, {"input": values}, token=token))["updateMyProfile"]
    assert saved["member"]["interests"] == ["Choose and Book", "stroke"]
    assert saved["member"]["jobTitle"] == "Consultant cardiologist"
    bad = {
        "email": "no-at-sign",
        "phone": "call me",
        "biography": "x" * 2001,
        "interests": ["x"] * 21,
    }
    result = (await gql.data(PROFILE, {"input": bad}, token=token))["updateMyProfile"]
    assert result["__typename"] == "ValidationError"
    assert {f["field"] for f in result["fields"]} >= {"email", "phone", "biography", "interests"}
    cleared = (await gql.data(PROFILE, {"input": {"clear": ["phone"]}}, token=token))[
        "updateMyProfile"
    ]
    assert cleared["member"]["phone"] is None
    rows = await owner_sql(
        "SELECT detail FROM audit_log WHERE action = 'member.profile.update' AND entity_id = $1",
        decode_id(member["id"]).key,
    )
    assert len(rows) == 2 and "me@nhs.example" not in str(rows)  # fields named, not values
    # updateMember on her own record is still for admins; a national lead has no profile
    body = await gql(PROFILE, {"input": {"jobTitle": "x"}}, as_role=("national_lead", None))
    assert body["data"]["updateMyProfile"]["__typename"] == "ForbiddenError"


async def test_networks_open_and_other_sha(gql: Any, member_token: Any) -> None:
    member = await new_member(gql, "Q31")
    token = member_token(member)
    network = await create_network(gql, "Q31")
    joined = (await gql.data(JOIN, {"n": network["id"]}, token=token))["joinNetwork"]
    assert joined["membership"] == {"role": "MEMBER"} and joined["request"] is None
    again = (await gql.data(JOIN, {"n": network["id"]}, token=token))["joinNetwork"]
    assert again["__typename"] == "ConflictError"
    home = await gql.data(HOME, {"n": 5}, token=token)
    assert [n["network"]["name"] for n in home["viewer"]["networks"]["nodes"]] == [network["name"]]
    left = await gql.data(LEAVE_NETWORK, {"n": network["id"]}, token=token)
    assert left["leaveNetwork"]["__typename"] == "DonePayload"
    london = await create_network(gql, "Q36")
    other = (await gql.data(JOIN, {"n": london["id"]}, token=token))["joinNetwork"]
    assert other["__typename"] == "NotFoundError"
    bad = (await gql.data(JOIN, {"n": "garbage"}, token=token))["joinNetwork"]
    assert bad["__typename"] == "ValidationError"


async def test_learning_set_place_within_capacity(
    gql: Any, member_token: Any, owner_sql: Any
) -> None:
    facilitator, first, second = [await new_member(gql, "Q31") for _ in range(3)]
    the_set = await create_set(gql, "Q31")
    await add_members(gql, "Q31", the_set["id"], [facilitator["id"]], role="FACILITATOR")
    await owner_sql(
        "UPDATE learning_sets SET capacity = 2 WHERE sha_code = 'Q31' AND id = $1::uuid",
        decode_id(the_set["id"]).key,
    )
    asked = [
        (await gql.data(ASK_SET, {"s": the_set["id"]}, token=member_token(m)))[
            "requestLearningSetPlace"
        ]["request"]
        for m in (first, second)
    ]
    assert all(a["status"] == "PENDING" and a["kind"] == "LEARNING_SET" for a in asked)
    # another member may not decide; the facilitator may
    body = await gql(DECIDE_SET, {"id": asked[0]["id"]}, token=member_token(second))
    assert body["data"]["decideLearningSetPlace"]["__typename"] == "ForbiddenError"
    ok = await gql.data(DECIDE_SET, {"id": asked[0]["id"]}, token=member_token(facilitator))
    assert ok["decideLearningSetPlace"]["request"]["status"] == "APPROVED"
    full = await gql.data(DECIDE_SET, {"id": asked[1]["id"]}, token=member_token(facilitator))
    assert full["decideLearningSetPlace"]["__typename"] == "ConflictError"
    home = await gql.data(HOME, {"n": 5}, token=member_token(first))
    assert [s["learningSet"]["id"] for s in home["viewer"]["learningSets"]["nodes"]] == [
        the_set["id"]
    ]
    kinds = [n["kind"] for n in (await feed(gql, member_token(first)))["notifications"]["nodes"]]
    assert kinds == ["MEMBERSHIP_REQUEST_DECIDED"]
    # a London member cannot ask for a North West place
    london = await new_member(gql, "Q36")
    other = await gql.data(ASK_SET, {"s": the_set["id"]}, token=member_token(london))
    assert other["requestLearningSetPlace"]["__typename"] == "NotFoundError"


async def test_organisation_move_approved_by_her_admin(gql: Any, member_token: Any) -> None:
    member = await new_member(gql, "Q31")
    target = await create_organisation(gql, "Q31", name="New Trust Practice")
    asked = (await gql.data(MOVE, {"o": target["id"]}, token=member_token(member)))[
        "requestOrganisationMove"
    ]["request"]
    london_org = await create_organisation(gql, "Q36")
    other = await gql.data(MOVE, {"o": london_org["id"]}, token=member_token(member))
    assert other["requestOrganisationMove"]["__typename"] == "NotFoundError"
    body = await gql(DECIDE_MOVE, {"id": asked["id"]}, as_role=("sha_admin", "Q36"))
    assert body["data"]["decideOrganisationMove"]["__typename"] == "NotFoundError"
    done = await gql.data(DECIDE_MOVE, {"id": asked["id"]}, as_role=("sha_admin", "Q31"))
    assert done["decideOrganisationMove"]["request"]["status"] == "APPROVED"
    home = await gql.data(HOME, {"n": 1}, token=member_token(member))
    assert home["viewer"]["member"]["organisation"]["name"] == "New Trust Practice"


async def test_home_page_statements_do_not_grow_with_page_size(
    gql: Any, member_token: Any, sql_log: Any
) -> None:
    member = await new_member(gql, "Q31")
    token = member_token(member)
    for _ in range(3):
        await gql.data(JOIN, {"n": (await create_network(gql, "Q31"))["id"]}, token=token)
        event = await create_event(gql, "Q31")
        await gql.data(REGISTER, {"input": {"eventId": event["id"]}}, token=token)
        forum = await create_forum(gql, "Q31")
        thread = await start_thread(gql, token, forum["id"])
        await gql.data(FOLLOW, {"t": thread["thread"]["id"]}, token=token)
    counts = []
    for size in (1, 3):
        sql_log.clear()
        data = await gql.data(HOME, {"n": size}, token=token)
        assert len(data["viewer"]["networks"]["nodes"]) == size
        assert len(data["viewer"]["forums"]["nodes"]) == size
        counts.append(len(sql_log.queries()))
    assert counts[0] == counts[1], sql_log.queries()
    assert counts[1] <= 20


async def test_partner_and_anonymous_have_no_home(gql: Any) -> None:
    data = await gql.data(
        "{ viewer { member { id } networks { totalCount } unreadNotificationCount } }"
    )
    assert data["viewer"] == {"member": None, "networks": None, "unreadNotificationCount": 0}


async def test_every_change_she_makes_is_audited_as_her(
    gql: Any, make_token: Any, member_token: Any, owner_sql: Any
) -> None:
    """Each self-service mutation leaves an audit row in her SHA, with her sign-in as
    the actor."""
    from tests.frontdoor.test_gdpr import EXPORT, LEAVE
    from tests.frontdoor.test_notifications import PREFER

    member = await new_member(gql, "Q31")
    subject = f"audit-{decode_id(member['id']).key}"
    token = make_token("member", "Q31", member_id=decode_id(member["id"]).key, subject=subject)
    network = await create_network(gql, "Q31")
    the_set = await create_set(gql, "Q31")
    forum = await create_forum(gql, "Q31")
    starter = member_token(await new_member(gql, "Q31"))
    thread = await start_thread(gql, starter, forum["id"], body="Hello")
    target = await create_organisation(gql, "Q31")
    steps = [
        (PROFILE, {"input": {"jobTitle": "Ward manager"}}),
        (JOIN, {"n": network["id"]}),
        (LEAVE_NETWORK, {"n": network["id"]}),
        (ASK_SET, {"s": the_set["id"]}),
        (MOVE, {"o": target["id"]}),
        (FOLLOW, {"t": thread["thread"]["id"]}),
        (PREFER, {"kind": "MENTION", "channel": "EMAIL"}),
        (EXPORT, {}),
        (LEAVE, {}),
    ]
    for query, variables in steps:
        body = await gql(query, variables, token=token)
        assert not body.get("errors"), body
        (result,) = body["data"].values()
        assert "Error" not in result["__typename"], result
    rows = await owner_sql(
        "SELECT sha_code, action FROM audit_log WHERE actor = $1 ORDER BY occurred_at",
        f"user:{subject}",
    )
    assert {r["sha_code"] for r in rows} == {"Q31"}
    assert [r["action"] for r in rows] == [
        "member.profile.update",
        "network.member.join",
        "network.member.leave",
        "learning_set.join.request",
        "member.organisation_move.request",
        "forum.thread.follow",
        "notification.preference",
        "gdpr.export.request",
        "gdpr.leave.request",
    ]
