"""National forums (issue 25): opened by national leads, held by one SHA, read and
written by members of every running SHA, whose threads and posts stay in their own SHA;
moderated by national leads. Across tenants: a member reads national threads of others
and nothing of another SHA's regional forums, by any path."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import pytest

from foundation.settings import Settings
from resolvers.common.ids import decode_id
from tests.connect_networks.conftest import (
    ADD_POST,
    START_THREAD,
    counted,
    create_forum,
    new_member,
    start_thread,
    unique,
)
from tests.identity.conftest import make_partner, partner_token  # noqa: F401 (fixtures)
from tests.support import GraphQLClient, SqlLog, error_codes

OPEN = """
mutation($input: CreateForumInput!) {
  createForum(input: $input) {
    __typename
    ... on ForumPayload { forum { id shaCode national title moderators { id } } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""

FORUMS = """
query($filter: ForumFilter, $shas: [String!]) {
  forums(first: 100, filter: $filter, shas: $shas) { nodes { id national shaCode } }
}"""

THREADS = """
query($f: ID!, $first: Int) {
  forumThreads(forumId: $f, first: $first) {
    nodes {
      id shaCode national title lastPostAt postCount authorName author { id }
      forum { id national }
    }
  }
}"""

POSTS = """
query($t: ID!, $filter: ForumPostFilter) {
  forumPosts(threadId: $t, filter: $filter) {
    nodes { id shaCode national bodyMarkdown authorName author { id } thread { id } }
  }
}"""

NODE = "query($id: ID!) { node(id: $id) { id } }"
ONE = """
query($f: ID!, $t: ID!, $p: ID!) {
  forum(id: $f) { id } forumThread(id: $t) { id } forumPost(id: $p) { id }
}"""

EDIT = """
mutation($p: ID!, $body: String!) {
  editForumPost(postId: $p, bodyMarkdown: $body) { __typename ... on UserError { message } }
}"""
HIDE = """
mutation($p: ID!) {
  hideForumPost(postId: $p, reason: "Off topic") {
    __typename ... on PostPayload { post { hidden } } ... on UserError { message }
  }
}"""
LOCK = """
mutation($t: ID!) {
  lockForumThread(threadId: $t, reason: "Closed") {
    __typename ... on ThreadPayload { thread { locked } } ... on UserError { message }
  }
}"""
REACT = """
mutation($p: ID!) {
  reactToForumPost(postId: $p, kind: AGREE) { __typename ... on UserError { message } }
}"""
REMOVE = """
mutation($f: ID!, $m: ID!) {
  removeForumMember(forumId: $f, memberId: $m, reason: "x") {
    __typename ... on UserError { message }
  }
}"""
SEARCH = """
query($text: String!, $forum: ID) {
  search(query: $text, forum: $forum) { nodes { kind id } }
}"""
NOTICES = "{ viewer { notifications(first: 20) { nodes { kind subjectId title } } } }"


async def open_national(gql: GraphQLClient, sha: str = "Q31", **fields: Any) -> dict[str, Any]:
    values = {
        "shaCode": sha,
        "title": unique("National forum"),
        "kind": "TOPIC",
        "topic": "Choose and Book",
        "national": True,
        **fields,
    }
    data = await gql.data(OPEN, {"input": values}, as_role=("national_lead", None))
    result = data["createForum"]
    assert result["__typename"] == "ForumPayload", result
    return dict(result["forum"])


@pytest.fixture
async def national_room(gql: GraphQLClient, member_token: Callable[..., str]) -> dict[str, Any]:
    """A national forum held by Q31; a Q32 member starts a thread, a Q36 member replies."""
    forum = await open_national(gql)
    starter = await new_member(gql, "Q32")
    replier = await new_member(gql, "Q36")
    reader = await new_member(gql, "Q31")
    word = f"zebra{uuid.uuid4().hex[:8]}"
    started = await start_thread(gql, member_token(starter), forum["id"], "How did you do it?")
    reply = await gql.data(
        ADD_POST,
        {"t": started["thread"]["id"], "body": f"We did it with {word} in London"},
        token=member_token(replier),
    )
    assert reply["addForumPost"]["__typename"] == "PostPayload", reply
    return {
        "forum": forum,
        "thread": started["thread"]["id"],
        "first": started["post"]["id"],
        "reply": reply["addForumPost"]["post"],
        "word": word,
        "starter": starter,
        "replier": replier,
        "reader": reader,
    }


async def test_national_leads_open_national_forums(gql: GraphQLClient) -> None:
    forum = await open_national(gql)
    assert forum["national"] is True and forum["shaCode"] == "Q31"
    values = {"shaCode": "Q31", "title": unique("F"), "kind": "TOPIC", "topic": "T"}
    # an SHA's admin cannot open a national forum, nor a national lead a regional one
    admin = await gql.data(
        OPEN, {"input": {**values, "national": True}}, as_role=("sha_admin", "Q31")
    )
    assert admin["createForum"]["__typename"] == "ForbiddenError"
    assert "national leads" in admin["createForum"]["message"]
    lead = await gql.data(OPEN, {"input": values}, as_role=("national_lead", None))
    assert lead["createForum"]["__typename"] == "ForbiddenError"
    assert "national: true" in lead["createForum"]["message"]
    # a member cannot open one at all
    member = await gql(OPEN, {"input": {**values, "national": True}}, as_role=("member", "Q31"))
    assert error_codes(member) == ["FORBIDDEN"]
    # moderators of a national forum are the national leads, not members of one SHA
    someone = await new_member(gql, "Q31")
    named = await gql.data(
        OPEN,
        {"input": {**values, "national": True, "moderatorIds": [someone["id"]]}},
        as_role=("national_lead", None),
    )
    assert named["createForum"]["fields"][0]["field"] == "moderatorIds"
    # a national lead names the SHA that holds it (she can write several)
    unnamed = await gql.data(
        OPEN,
        {"input": {"title": unique("F"), "kind": "TOPIC", "topic": "T", "national": True}},
        as_role=("national_lead", None),
    )
    assert unnamed["createForum"]["fields"][0]["field"] == "shaCode"


async def test_members_of_every_sha_read_and_write_national_forums(
    gql: GraphQLClient,
    member_token: Callable[..., str],
    national_room: dict[str, Any],
    admin_url: str,
    settings: Settings,
) -> None:
    room = national_room
    # each writer's rows stay in her own SHA
    assert decode_id(room["thread"]).sha_code == "Q32"
    assert room["reply"]["id"] and decode_id(room["reply"]["id"]).sha_code == "Q36"
    for sha, member in (("Q31", room["reader"]), ("Q32", room["starter"])):
        token = member_token(member)
        listed = await gql.data(FORUMS, {"filter": {"nationalOnly": True}}, token=token)
        assert room["forum"]["id"] in {f["id"] for f in listed["forums"]["nodes"]}, sha
        threads = await gql.data(THREADS, {"f": room["forum"]["id"]}, token=token)
        [thread] = threads["forumThreads"]["nodes"]
        assert thread["id"] == room["thread"] and thread["shaCode"] == "Q32"
        assert thread["national"] and thread["forum"] == {
            "id": room["forum"]["id"],
            "national": True,
        }
        assert thread["postCount"] == 2
        assert thread["authorName"] and thread["authorName"].startswith("Test Member")
        assert (thread["author"] is None) == (sha != "Q32")
        posts = await gql.data(POSTS, {"t": room["thread"]}, token=token)
        nodes = posts["forumPosts"]["nodes"]
        assert [p["shaCode"] for p in nodes] == ["Q32", "Q36"]
        assert nodes[1]["bodyMarkdown"].endswith("in London")
        assert all(p["authorName"] for p in nodes)
        assert all(p["thread"] == {"id": room["thread"]} for p in nodes)
    # the thread held in Q32 moved to the Q36 reply's time (forum_national_reply)
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        thread_key = decode_id(room["thread"]).uuid
        # one region's rows at a time (Citus joins two regions' rows only by their SHA)
        last = await conn.fetchval(
            "SELECT last_post_at FROM forum_threads WHERE sha_code = 'Q32' AND id = $1",
            thread_key,
        )
        reply_at = await conn.fetchval(
            "SELECT created_at FROM forum_posts WHERE sha_code = 'Q36'"
            " AND thread_sha_code = 'Q32' AND thread_id = $1",
            thread_key,
        )
    finally:
        await conn.close()
    assert last == reply_at
    # node ids of other SHAs resolve for national rows
    reader = member_token(room["reader"])
    for gid in (room["forum"]["id"], room["thread"], room["reply"]["id"]):
        assert (await gql.data(NODE, {"id": gid}, token=reader))["node"] == {"id": gid}
    one = await gql.data(
        ONE, {"f": room["forum"]["id"], "t": room["thread"], "p": room["reply"]["id"]}, token=reader
    )
    assert all(one[k] is not None for k in ("forum", "forumThread", "forumPost"))


async def test_nothing_of_another_shas_regional_forum(
    gql: GraphQLClient, member_token: Callable[..., str], national_room: dict[str, Any]
) -> None:
    word = f"quokka{uuid.uuid4().hex[:8]}"
    regional = await create_forum(gql, "Q31")
    nw = await new_member(gql, "Q31")
    started = await start_thread(gql, member_token(nw), regional["id"], f"Regional {word}")
    thread, post = started["thread"]["id"], started["post"]["id"]
    outsider = member_token(await new_member(gql, "Q32"))
    listed = await gql.data(FORUMS, {}, token=outsider)
    ids = {f["id"] for f in listed["forums"]["nodes"]}
    assert regional["id"] not in ids and national_room["forum"]["id"] in ids
    assert all(f["shaCode"] == "Q32" or f["national"] for f in listed["forums"]["nodes"])
    # filters: without national forums, only the caller's own SHA
    own = await gql.data(FORUMS, {"filter": {"includeNational": False}}, token=outsider)
    assert {f["shaCode"] for f in own["forums"]["nodes"]} <= {"Q32"}
    for gid in (regional["id"], thread, post):
        assert (await gql.data(NODE, {"id": gid}, token=outsider))["node"] is None
    one = await gql.data(ONE, {"f": regional["id"], "t": thread, "p": post}, token=outsider)
    assert one == {"forum": None, "forumThread": None, "forumPost": None}
    threads = await gql.data(THREADS, {"f": regional["id"]}, token=outsider)
    assert threads["forumThreads"]["nodes"] == []
    posts = await gql.data(POSTS, {"t": thread}, token=outsider)
    assert posts["forumPosts"]["nodes"] == []
    hits = await gql.data(SEARCH, {"text": word}, token=outsider)
    assert hits["search"]["nodes"] == []
    refused = await gql(SEARCH, {"text": word, "forum": regional["id"]}, token=outsider)
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    # writes into it are refused as not found
    start = await gql.data(
        START_THREAD, {"f": regional["id"], "title": "Hi", "body": "x"}, token=outsider
    )
    assert start["startForumThread"]["__typename"] == "NotFoundError"
    reply = await gql.data(ADD_POST, {"t": thread, "body": "x"}, token=outsider)
    assert reply["addForumPost"]["__typename"] == "NotFoundError"


async def test_search_finds_national_posts_in_reach(
    gql: GraphQLClient, member_token: Callable[..., str], national_room: dict[str, Any]
) -> None:
    room = national_room
    reader = member_token(room["reader"])
    hits = await gql.data(SEARCH, {"text": room["word"]}, token=reader)
    assert {"kind": "FORUM_POST", "id": room["reply"]["id"]} in hits["search"]["nodes"]
    within = await gql.data(
        SEARCH, {"text": room["word"], "forum": room["forum"]["id"]}, token=reader
    )
    assert [h["id"] for h in within["search"]["nodes"]] == [room["reply"]["id"]]


async def test_moderation_by_national_leads_and_no_edits_of_others_posts(
    gql: GraphQLClient, member_token: Callable[..., str], national_room: dict[str, Any]
) -> None:
    room = national_room
    starter, reader = member_token(room["starter"]), member_token(room["reader"])
    reply = room["reply"]["id"]
    # nobody edits another SHA's post: it is not even found for writing
    edit = await gql.data(EDIT, {"p": reply, "body": "Changed"}, token=starter)
    assert edit["editForumPost"]["__typename"] == "NotFoundError"
    # reactions are kept with the post, in its SHA
    react = await gql.data(REACT, {"p": reply}, token=reader)
    assert react["reactToForumPost"]["__typename"] == "ForbiddenError"
    # an SHA's admin does not moderate a national forum; a national lead does
    admin = await gql.data(HIDE, {"p": reply}, as_role=("sha_admin", "Q36"))
    assert admin["hideForumPost"]["__typename"] == "ForbiddenError"
    hidden = await gql.data(HIDE, {"p": reply}, as_role=("national_lead", None))
    assert hidden["hideForumPost"] == {"__typename": "PostPayload", "post": {"hidden": True}}
    posts = await gql.data(POSTS, {"t": room["thread"]}, token=reader)
    assert posts["forumPosts"]["nodes"][1]["bodyMarkdown"] is None
    locked = await gql.data(LOCK, {"t": room["thread"]}, as_role=("national_lead", None))
    assert locked["lockForumThread"]["thread"] == {"locked": True}
    after = await gql.data(ADD_POST, {"t": room["thread"], "body": "More"}, token=reader)
    assert after["addForumPost"]["__typename"] == "ForbiddenError"
    removal = await gql.data(
        REMOVE,
        {"f": room["forum"]["id"], "m": room["replier"]["id"]},
        as_role=("national_lead", None),
    )
    assert removal["removeForumMember"]["__typename"] == "ForbiddenError"


async def test_replies_tell_the_starter_in_her_own_sha(
    gql: GraphQLClient, member_token: Callable[..., str], national_room: dict[str, Any]
) -> None:
    room = national_room
    feed = await gql.data(NOTICES, token=member_token(room["starter"]))
    replies = [n for n in feed["viewer"]["notifications"]["nodes"] if n["kind"] == "THREAD_REPLY"]
    assert [n["subjectId"] for n in replies] == [room["reply"]["id"]]
    # the replier is not told of her own post, and nobody else was
    mine = await gql.data(NOTICES, token=member_token(room["replier"]))
    assert all(n["kind"] != "THREAD_REPLY" for n in mine["viewer"]["notifications"]["nodes"])
    # a reply from the starter's own SHA goes through the ordinary path, once
    neighbour = await new_member(gql, "Q32")
    await gql.data(
        ADD_POST, {"t": room["thread"], "body": "Same here"}, token=member_token(neighbour)
    )
    again = await gql.data(NOTICES, token=member_token(room["starter"]))
    kinds = [n["kind"] for n in again["viewer"]["notifications"]["nodes"]]
    assert kinds.count("THREAD_REPLY") == 2


async def test_statement_count_of_a_national_thread_page_is_bounded(
    gql: GraphQLClient,
    member_token: Callable[..., str],
    sql_log: SqlLog,
) -> None:
    forum = await open_national(gql)
    writers = [await new_member(gql, sha) for sha in ("Q31", "Q32", "Q36", "Q35")]
    for writer in writers:
        await start_thread(gql, member_token(writer), forum["id"])
    reader = member_token(await new_member(gql, "Q33"))
    costs = []
    for first in (1, 4):
        sql_log.clear()
        data = await gql.data(THREADS, {"f": forum["id"], "first": first}, token=reader)
        assert len(data["forumThreads"]["nodes"]) == first
        costs.append(counted(sql_log))
    assert costs[0] == costs[1] and costs[1] <= 6, costs


async def test_partners_read_national_forums_through_the_forums_area(
    gql: GraphQLClient,
    national_room: dict[str, Any],
    make_partner: Any,  # noqa: F811
    partner_token: Any,  # noqa: F811
) -> None:
    forums_reader = await partner_token(await make_partner(["forums:read"], ["Q33"]))
    listed = await gql.data(FORUMS, {"filter": {"nationalOnly": True}}, token=forums_reader)
    assert national_room["forum"]["id"] in {f["id"] for f in listed["forums"]["nodes"]}
    threads = await gql.data(
        "query($f: ID!) { forumThreads(forumId: $f) { nodes { id } } }",
        {"f": national_room["forum"]["id"]},
        token=forums_reader,
    )
    assert [t["id"] for t in threads["forumThreads"]["nodes"]] == [national_room["thread"]]
    # writers' names are the directory's, as `author { givenName }` is
    names = await gql(
        "query($f: ID!) { forumThreads(forumId: $f) { nodes { authorName } } }",
        {"f": national_room["forum"]["id"]},
        token=forums_reader,
    )
    assert error_codes(names) == ["FORBIDDEN"]
    assert names["errors"][0]["extensions"]["missingScopes"] == ["directory:read"]
    events_only = await partner_token(await make_partner(["events:read"], ["Q33"]))
    refused = await gql(FORUMS, {"filter": {"nationalOnly": True}}, token=events_only)
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_the_database_keeps_national_rows_national(
    admin_url: str, settings: Settings
) -> None:
    """RLS: a Q32 context reads a Q36 row of a national forum and no Q36 regional row;
    a row outside its forum's SHA must belong to a national forum (CHECK)."""
    from tests.support import tenant_context

    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        regional = await conn.fetchval(
            "SELECT count(*) FROM forum_posts WHERE sha_code = 'Q36' AND NOT forum_is_national"
        )
        national = await conn.fetchval(
            "SELECT count(*) FROM forum_posts WHERE sha_code = 'Q36' AND forum_is_national"
        )
        # the keys read first (Citus refuses a cross product of two regions' rows)
        forum = await conn.fetchval("SELECT id FROM forums WHERE sha_code = 'Q31' LIMIT 1")
        author = await conn.fetchval("SELECT id FROM members WHERE sha_code = 'Q32' LIMIT 1")
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(
                "INSERT INTO forum_threads (sha_code, forum_id, forum_sha_code, author_id, title)"
                " VALUES ('Q32', $1, 'Q31', $2, 'x')",
                forum,
                author,
            )
        await conn.execute(f"SET ROLE {settings.api_role}")
        async with conn.transaction():
            await conn.execute(tenant_context(settings, "Q32", "Q32"))
            seen = await conn.fetchval("SELECT count(*) FROM forum_posts WHERE sha_code = 'Q36'")
            leaked = await conn.fetchval(
                "SELECT count(*) FROM forum_posts WHERE sha_code = 'Q36' AND NOT forum_is_national"
            )
            written = await conn.execute(
                "UPDATE forum_posts SET body_markdown = 'x' WHERE sha_code = 'Q36'"
            )
    finally:
        await conn.close()
    assert regional > 0 and leaked == 0 and seen == national
    assert written == "UPDATE 0"


FOLLOW = """
mutation($t: ID!) { followThread(threadId: $t) { __typename ... on UserError { message } } }"""
MINE = "{ viewer { followedThreads { nodes { id } } forums { nodes { id } } } }"


async def test_followers_of_every_sha_hear_of_replies(
    gql: GraphQLClient, member_token: Callable[..., str], national_room: dict[str, Any]
) -> None:
    room = national_room
    reader = member_token(room["reader"])  # Q31, following a thread started in Q32
    followed = await gql.data(FOLLOW, {"t": room["thread"]}, token=reader)
    assert followed["followThread"]["__typename"] == "DonePayload", followed
    # a reply from the thread's own SHA: the starter through the request, the Q31
    # follower through forum_national_reply
    neighbour = await new_member(gql, "Q32")
    reply = await gql.data(
        ADD_POST, {"t": room["thread"], "body": "Same in Q32"}, token=member_token(neighbour)
    )
    reply_id = reply["addForumPost"]["post"]["id"]
    for who in (reader, member_token(room["starter"])):
        feed = await gql.data(NOTICES, token=who)
        subjects = [
            n["subjectId"]
            for n in feed["viewer"]["notifications"]["nodes"]
            if n["kind"] == "THREAD_REPLY"
        ]
        assert reply_id in subjects
    mine = await gql.data(MINE, token=reader)
    assert [t["id"] for t in mine["viewer"]["followedThreads"]["nodes"]] == [room["thread"]]
    assert room["forum"]["id"] in {f["id"] for f in mine["viewer"]["forums"]["nodes"]}
    # a regional thread of another SHA cannot be followed
    regional = await create_forum(gql, "Q36")
    london = await start_thread(gql, member_token(room["replier"]), regional["id"])
    refused = await gql.data(FOLLOW, {"t": london["thread"]["id"]}, token=reader)
    assert refused["followThread"]["__typename"] == "NotFoundError"


async def test_the_demo_has_a_national_forum_written_from_several_shas(
    gql: GraphQLClient,
) -> None:
    listed = await gql.data(
        '{ forums(first: 100, filter: {nationalOnly: true, search: "CLN national"})'
        " { nodes { id shaCode title latestThreads(first: 1) { id } } } }",
        as_role=("member", "Q35"),
    )
    [demo] = [f for f in listed["forums"]["nodes"] if f["title"] == "CLN national: Choose and Book"]
    assert demo["shaCode"] == "Q31"
    [thread] = demo["latestThreads"]
    posts = await gql.data(POSTS, {"t": thread["id"]}, as_role=("member", "Q35"))
    shas = [p["shaCode"] for p in posts["forumPosts"]["nodes"]]
    assert shas[0] == "Q31" and len(set(shas)) == 3
