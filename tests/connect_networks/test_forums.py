"""Forums: threads and Markdown posts, safe rendering, edits with history, reactions,
reports, moderation with its audit trail, permissions and SQL cost."""

from __future__ import annotations

from typing import Any

from bench import operations
from tests.connect_networks.conftest import (
    ADD_POST,
    CREATE_FORUM,
    add_post,
    counted,
    create_forum,
    parse_elements,
    start_thread,
    unique,
)
from tests.factories import create_member
from tests.frontdoor.test_notifications import FOLLOW
from tests.support import GraphQLClient, SqlLog, error_codes

POST = """
query($id: ID!) {
  forumPost(id: $id) {
    id bodyMarkdown bodyHtml hidden hiddenReason editedAt
    revisions { bodyMarkdown }
    reactions { kind count }
    author { id }
    thread { id locked forum { id } }
  }
}"""

EDIT = """
mutation($p: ID!, $body: String!) {
  editForumPost(postId: $p, bodyMarkdown: $body) {
    __typename ... on PostPayload { post { bodyMarkdown editedAt } } ... on UserError { code }
  }
}"""

REACT = """
mutation($p: ID!, $kind: ReactionKind!, $remove: Boolean! = false) {
  reactToForumPost(postId: $p, kind: $kind, remove: $remove) {
    __typename ... on PostPayload { post { reactions { kind count } } } ... on UserError { code }
  }
}"""

REPORT = """
mutation($p: ID!, $reason: String!) {
  reportForumPost(postId: $p, reason: $reason) {
    __typename ... on ReportPayload { report { id status reason } } ... on UserError { code }
  }
}"""

HIDE = """
mutation($p: ID!, $reason: String) {
  hideForumPost(postId: $p, reason: $reason) {
    __typename ... on PostPayload { post { hidden hiddenReason bodyMarkdown bodyHtml } }
    ... on UserError { code message }
  }
}"""

LOCK = """
mutation($t: ID!, $reason: String) {
  lockForumThread(threadId: $t, reason: $reason) {
    __typename ... on ThreadPayload { thread { locked lockReason } } ... on UserError { code }
  }
}"""

REMOVE = """
mutation($f: ID!, $m: ID!, $reason: String!) {
  removeForumMember(forumId: $f, memberId: $m, reason: $reason) {
    __typename ... on UserError { code }
  }
}"""


async def _people(gql: GraphQLClient, sha: str, n: int) -> list[dict[str, Any]]:
    first = await create_member(gql, sha)
    org_query = "query($id: ID!) { member(id: $id) { organisation { id } } }"
    data = await gql.data(org_query, {"id": first["id"]}, as_role=("member", sha))
    org = data["member"]["organisation"]["id"]
    return [first] + [await create_member(gql, sha, org) for _ in range(n - 1)]


async def test_markdown_is_stored_as_source_and_rendered_safely(
    gql: GraphQLClient, member_token: Any
) -> None:
    [author] = await _people(gql, "Q31", 1)
    forum = await create_forum(gql, "Q31")
    hostile = (
        "**Bold** <script>alert('x')</script>\n\n"
        '<img src=x onerror="alert(1)">\n\n'
        "[click](javascript:alert(1)) [ok](https://www.nhs.uk) "
        '<a href="javascript:alert(2)" onclick="steal()">raw</a>'
    )
    result = await start_thread(gql, member_token(author), forum["id"], hostile)
    post = result["post"]
    assert post["bodyMarkdown"] == hostile
    elements = parse_elements(post["bodyHtml"])
    tags = {tag for tag, _ in elements}
    assert "strong" in tags and not tags & {"script", "img", "iframe", "style"}
    for tag, attrs in elements:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert not str(attrs.get("href", "")).lower().startswith("javascript"), attrs
    assert ("a", {"href": "https://www.nhs.uk", "rel": "nofollow noopener noreferrer"}) in elements
    # the hostile markup is shown as text, not dropped silently
    assert "&lt;script&gt;" in post["bodyHtml"]


async def test_thread_posts_edits_reactions_and_reports(
    gql: GraphQLClient, member_token: Any, audit_rows: Any
) -> None:
    author, reader = await _people(gql, "Q31", 2)
    forum = await create_forum(gql, "Q31")
    thread = await start_thread(gql, member_token(author), forum["id"], "Original *text*")
    post_id = thread["post"]["id"]

    edited = await gql.data(EDIT, {"p": post_id, "body": "Better text"}, token=member_token(author))
    assert edited["editForumPost"]["post"]["bodyMarkdown"] == "Better text"
    await gql.data(EDIT, {"p": post_id, "body": "Best text"}, token=member_token(author))
    other = await gql.data(EDIT, {"p": post_id, "body": "vandal"}, token=member_token(reader))
    assert other["editForumPost"]["__typename"] == "ForbiddenError"

    for who, kind in ((reader, "ENDORSE"), (author, "ENDORSE"), (reader, "THANKS")):
        done = await gql.data(REACT, {"p": post_id, "kind": kind}, token=member_token(who))
        assert done["reactToForumPost"]["__typename"] == "PostPayload"
    await gql.data(
        REACT, {"p": post_id, "kind": "ENDORSE"}, token=member_token(reader)
    )  # idempotent
    await gql.data(
        REACT, {"p": post_id, "kind": "THANKS", "remove": True}, token=member_token(reader)
    )
    data = await gql.data(POST, {"id": post_id}, as_role=("member", "Q31"))
    found = data["forumPost"]
    assert found["bodyMarkdown"] == "Best text" and found["editedAt"]
    assert [r["bodyMarkdown"] for r in found["revisions"]] == ["Original *text*", "Better text"]
    assert found["reactions"] == [{"kind": "ENDORSE", "count": 2}]
    assert found["author"]["id"] == author["id"]

    report = await gql.data(
        REPORT, {"p": post_id, "reason": "Off topic"}, token=member_token(reader)
    )
    assert report["reportForumPost"]["report"]["status"] == "OPEN"
    again = await gql.data(REPORT, {"p": post_id, "reason": "Again"}, token=member_token(reader))
    assert again["reportForumPost"]["__typename"] == "ConflictError"
    blank = await gql.data(REPORT, {"p": post_id, "reason": "  "}, token=member_token(author))
    assert blank["reportForumPost"]["__typename"] == "ValidationError"
    assert any(r["action"] == "forum.post.edit" for r in await audit_rows("forum.post.edit"))


async def test_moderation_is_for_moderators_and_audited(
    gql: GraphQLClient, member_token: Any, audit_rows: Any, make_token: Any
) -> None:
    moderator, poster, troll = await _people(gql, "Q31", 3)
    forum = await create_forum(gql, "Q31", moderators=[moderator["id"]])
    assert [m["id"] for m in forum["moderators"]] == [moderator["id"]]
    thread = await start_thread(gql, member_token(poster), forum["id"])
    post = await add_post(gql, member_token(troll), thread["thread"]["id"], "Rude words")
    post_id = post["post"]["id"]
    await gql.data(REPORT, {"p": post_id, "reason": "Rude"}, token=member_token(poster))

    # a member, even with the global moderator role, is not this forum's moderator
    for token in (member_token(poster), member_token(poster, roles=["member", "moderator"])):
        denied = await gql.data(HIDE, {"p": post_id, "reason": "no"}, token=token)
        assert denied["hideForumPost"]["__typename"] == "ForbiddenError"
    reports = """query($f: ID!) { forumReports(forumId: $f) { nodes { reason post { id } } } }"""
    body = await gql(reports, {"f": forum["id"]}, token=member_token(poster))
    assert error_codes(body) == ["FORBIDDEN"]
    data = await gql.data(reports, {"f": forum["id"]}, token=member_token(moderator))
    assert [(r["reason"], r["post"]["id"]) for r in data["forumReports"]["nodes"]] == [
        ("Rude", post_id)
    ]

    missing = await gql.data(HIDE, {"p": post_id}, token=member_token(moderator))
    assert missing["hideForumPost"]["__typename"] == "ValidationError"
    hidden = await gql.data(
        HIDE, {"p": post_id, "reason": "Breaks the code of conduct"}, token=member_token(moderator)
    )
    assert hidden["hideForumPost"]["post"] == {
        "hidden": True,
        "hiddenReason": "Breaks the code of conduct",
        "bodyMarkdown": None,
        "bodyHtml": None,
    }
    data = await gql.data(reports, {"f": forum["id"]}, token=member_token(moderator))
    assert data["forumReports"]["nodes"] == []

    removed = await gql.data(
        REMOVE,
        {"f": forum["id"], "m": troll["id"], "reason": "Repeated abuse"},
        token=member_token(moderator),
    )
    assert removed["removeForumMember"]["__typename"] == "ForumPayload"
    refused = await add_post(gql, member_token(troll), thread["thread"]["id"], "I'm back")
    assert refused["__typename"] == "ForbiddenError"

    locked = await gql.data(
        LOCK, {"t": thread["thread"]["id"], "reason": "Resolved"}, token=member_token(moderator)
    )
    assert locked["lockForumThread"]["thread"] == {"locked": True, "lockReason": "Resolved"}
    late = await add_post(gql, member_token(poster), thread["thread"]["id"], "One more")
    assert late["__typename"] == "ForbiddenError"
    # a member may not lock; an SHA admin of the forum's SHA may moderate
    denied = await gql.data(LOCK, {"t": thread["thread"]["id"]}, token=member_token(poster))
    assert denied["lockForumThread"]["__typename"] == "ForbiddenError"
    shown = await gql.data(
        "mutation($p: ID!) { hideForumPost(postId: $p, hidden: false) { __typename } }",
        {"p": post_id},
        as_role=("sha_admin", "Q31"),
    )
    assert shown["hideForumPost"]["__typename"] == "PostPayload"
    outsider = await gql.data(
        'mutation($p: ID!) { hideForumPost(postId: $p, reason: "x") { __typename } }',
        {"p": post_id},
        as_role=("moderator", "Q31"),
    )
    assert outsider["hideForumPost"]["__typename"] == "ForbiddenError"

    actors = {
        action: [r["actor"] for r in await audit_rows(action)]
        for action in (
            "forum.moderation.hide_post",
            "forum.moderation.remove_member",
            "forum.moderation.lock_thread",
        )
    }
    for action, who in actors.items():
        assert who, f"{action} was not audited"


async def test_role_forums_and_input_validation(gql: GraphQLClient, member_token: Any) -> None:
    pec_chair, nurse = await _people(gql, "Q31", 2)
    await gql.data(
        "mutation($id: ID!) { updateMember(input: {id: $id, roles: [PEC_CHAIR]}) { __typename } }",
        {"id": pec_chair["id"]},
        as_role=("sha_admin", "Q31"),
    )
    forum = await create_forum(
        gql, "Q31", kind="ROLE", topic=None, audienceRole="PEC_CHAIR", title=unique("PEC chairs")
    )
    await start_thread(gql, member_token(pec_chair), forum["id"])
    body = await gql.data(
        'mutation($f: ID!) { startForumThread(forumId: $f, title: "t", bodyMarkdown: "b")'
        " { __typename } }",
        {"f": forum["id"]},
        token=member_token(nurse),
    )
    assert body["startForumThread"]["__typename"] == "ForbiddenError"
    bad = await gql.data(
        CREATE_FORUM,
        {"input": {"shaCode": "Q31", "title": unique("x"), "kind": "ROLE"}},
        as_role=("sha_admin", "Q31"),
    )
    assert bad["createForum"]["__typename"] == "ValidationError"
    thread = await start_thread(gql, member_token(pec_chair), forum["id"])
    empty = await add_post(gql, member_token(pec_chair), thread["thread"]["id"], "   ")
    assert empty["__typename"] == "ValidationError"
    huge = await add_post(gql, member_token(pec_chair), thread["thread"]["id"], "x" * 20001)
    assert huge["__typename"] == "ValidationError"
    # a token that names no member cannot post
    nobody = await gql.data(
        ADD_POST, {"t": thread["thread"]["id"], "body": "hi"}, as_role=("member", "Q31")
    )
    assert nobody["addForumPost"]["__typename"] == "ForbiddenError"
    body2 = await gql(
        'mutation { addForumPost(threadId: "bad", bodyMarkdown: "x") { __typename } }'
    )
    assert error_codes(body2) == ["UNAUTHENTICATED"]


THREAD_PAGE = """
query($t: ID!, $n: Int!) {
  forumPosts(threadId: $t, first: $n) {
    totalCount
    nodes { bodyHtml author { displayName organisation { name } } reactions { kind count }
            revisions { bodyMarkdown } thread { title postCount forum { title moderators { id } } } }
  }
}"""


async def test_post_page_with_nested_relations_costs_bounded_sql(
    gql: GraphQLClient, member_token: Any, sql_log: SqlLog
) -> None:
    people = await _people(gql, "Q31", 3)
    forum = await create_forum(gql, "Q31", moderators=[people[0]["id"]])
    thread = await start_thread(gql, member_token(people[0]), forum["id"])
    tid = thread["thread"]["id"]
    for i in range(11):
        author = people[i % 3]
        post = await add_post(gql, member_token(author), tid, f"Post {i}")
        await gql.data(
            REACT, {"p": post["post"]["id"], "kind": "AGREE"}, token=member_token(people[0])
        )
    counts = []
    for size in (3, 12):
        sql_log.clear()
        data = await gql.data(THREAD_PAGE, {"t": tid, "n": size}, as_role=("member", "Q31"))
        assert len(data["forumPosts"]["nodes"]) == size
        assert data["forumPosts"]["totalCount"] == 12
        counts.append(counted(sql_log))
    assert counts[0] == counts[1]
    listing = """query($n: Int!) { forums(first: $n, shas: ["Q31"]) { nodes {
        title moderators { displayName } latestThreads(first: 2) { title author { id } } } } }"""
    forum_counts = []
    for size in (1, 4):
        sql_log.clear()
        await gql.data(listing, {"n": size}, as_role=("member", "Q31"))
        forum_counts.append(counted(sql_log))
    assert forum_counts[0] == forum_counts[1]


async def test_cross_tenant_forum_paths(gql: GraphQLClient, member_token: Any) -> None:
    [nw_member] = await _people(gql, "Q31", 1)
    [london_member] = await _people(gql, "Q36", 1)
    forum = await create_forum(gql, "Q31", moderators=[nw_member["id"]], title=unique("NW only"))
    thread = await start_thread(gql, member_token(nw_member), forum["id"], "North West secret")
    post_id, thread_id = thread["post"]["id"], thread["thread"]["id"]
    london = member_token(london_member)

    data = await gql.data(
        "query($s: String) { forums(filter: {search: $s}) { totalCount } }",
        {"s": forum["title"]},
        token=london,
    )
    assert data["forums"]["totalCount"] == 0
    for field, ident in (
        ("forum", forum["id"]),
        ("forumThread", thread_id),
        ("forumPost", post_id),
    ):
        data = await gql.data(
            f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}", {"id": ident}, token=london
        )
        assert data[field] is None
        data = await gql.data(
            "query($id: ID!) { node(id: $id) { id } }", {"id": ident}, token=london
        )
        assert data["node"] is None
    data = await gql.data(
        "query($t: ID!) { forumPosts(threadId: $t) { totalCount } }", {"t": thread_id}, token=london
    )
    assert data["forumPosts"]["totalCount"] == 0
    data = await gql.data(
        "query($f: ID!) { forumThreads(forumId: $f) { totalCount } }",
        {"f": forum["id"]},
        token=london,
    )
    assert data["forumThreads"]["totalCount"] == 0
    body = await gql('{ forums(shas: ["Q31"]) { totalCount } }', token=london)
    assert error_codes(body) == ["FORBIDDEN"]

    writes = [
        (ADD_POST, {"t": thread_id, "body": "smuggled"}, "addForumPost"),
        (EDIT, {"p": post_id, "body": "smuggled"}, "editForumPost"),
        (REACT, {"p": post_id, "kind": "ENDORSE"}, "reactToForumPost"),
        (REPORT, {"p": post_id, "reason": "smuggled"}, "reportForumPost"),
        (HIDE, {"p": post_id, "reason": "smuggled"}, "hideForumPost"),
        (LOCK, {"t": thread_id, "reason": "smuggled"}, "lockForumThread"),
        (REMOVE, {"f": forum["id"], "m": nw_member["id"], "reason": "x"}, "removeForumMember"),
    ]
    for query, variables, field in writes:
        for token in (london, None):
            kwargs: dict[str, Any] = (
                {"token": token} if token else {"as_role": ("sha_admin", "Q36")}
            )
            data = await gql.data(query, variables, **kwargs)
            assert data[field]["__typename"] == "NotFoundError", (field, data)
    # a London admin cannot appoint a North West member to a London forum
    london_forum = await create_forum(gql, "Q36")
    data = await gql.data(
        "mutation($f: ID!, $m: ID!) { setForumModerator(forumId: $f, memberId: $m) { __typename } }",
        {"f": london_forum["id"], "m": nw_member["id"]},
        as_role=("sha_admin", "Q36"),
    )
    assert data["setForumModerator"]["__typename"] == "ValidationError"
    # a North West member's token cannot act in a London forum
    data = await gql.data(
        'mutation($f: ID!) { startForumThread(forumId: $f, title: "t", bodyMarkdown: "b")'
        " { __typename } }",
        {"f": london_forum["id"]},
        token=member_token(nw_member),
    )
    assert data["startForumThread"]["__typename"] == "NotFoundError"
    data = await gql.data(POST, {"id": post_id}, token=member_token(nw_member))
    assert data["forumPost"]["bodyMarkdown"] == "North West secret"


async def test_the_reference_write_costs_the_same_statements_whatever_its_followers(
    gql: GraphQLClient, sql_log: SqlLog, member_token: Any
) -> None:
    """Reference operation 5 (`addForumPost`, bench/operations): the posting checks
    read in one statement, the post with its audit row and its thread's time in one,
    the notifications of the starter and every follower in one, with the savepoint and
    its release around them (the NOTIFY after COMMIT carries `set_config`, which
    `queries` leaves out)."""
    starter, writer, *followers = [await create_member(gql, "Q31") for _ in range(5)]
    forum = await create_forum(gql, "Q31")
    thread = (await start_thread(gql, member_token(starter), forum["id"]))["thread"]["id"]
    write = operations.query_text("ours", "5")
    counts = []
    for follower in (None, *followers):
        if follower is not None:
            await gql.data(FOLLOW, {"t": thread}, token=member_token(follower))
        sql_log.clear()
        data = await gql.data(
            write, {"threadId": thread, "body": "A reply"}, token=member_token(writer)
        )
        assert data["addForumPost"]["__typename"] == "PostPayload", data
        counts.append(len(sql_log.queries()))
    assert counts == [5] * (1 + len(followers)), sql_log.queries()
