"""Search: ranked full-text over every kind, within the caller's reach; names as typed;
posts within one forum; hostile input is a typed error; bounded statements."""

from __future__ import annotations

import uuid
from typing import Any

from tests.connect_networks.conftest import (
    add_post,
    create_forum,
    create_network,
    start_thread,
)
from tests.frontdoor.conftest import new_member
from tests.support import error_codes

SEARCH = """query($q: String!, $kinds: [SearchKind!], $forum: ID, $first: Int, $after: String) {
  search(query: $q, kinds: $kinds, forum: $forum, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { kind id shaCode title snippet rank node { id } }
  }
}"""


def _word() -> str:
    """A made-up word no other test writes, so results are exactly ours."""
    return "zq" + uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))


async def test_members_found_by_name_as_typed_only_in_own_sha(gql: Any, member_token: Any) -> None:
    name = _word().capitalize()
    mine = await new_member(gql, "Q31", givenName=name)
    theirs = await new_member(gql, "Q36", givenName=name)
    searcher = await new_member(gql, "Q31")
    token = member_token(searcher)
    found = (await gql.data(SEARCH, {"q": name[:6], "kinds": ["MEMBER"]}, token=token))["search"]
    ids = [n["id"] for n in found["nodes"]]
    assert mine["id"] in ids and theirs["id"] not in ids
    assert all(n["shaCode"] == "Q31" for n in found["nodes"])
    hit = next(n for n in found["nodes"] if n["id"] == mine["id"])
    assert hit["node"] == {"id": mine["id"]}
    # the London member is found by London, never by the North West
    london = await new_member(gql, "Q36")
    found = (await gql.data(SEARCH, {"q": name}, token=member_token(london)))["search"]
    assert [n["id"] for n in found["nodes"]] == [theirs["id"]]


async def test_every_kind_ranked_with_snippets(gql: Any, member_token: Any) -> None:
    word = _word()
    await create_network(gql, "Q31", name=f"{word} network", description=f"All about {word}.")
    author = await new_member(gql, "Q31")
    forum = await create_forum(gql, "Q31", title=f"{word} forum")
    await start_thread(
        gql, member_token(author), forum["id"], body=f"<b>Thoughts</b> on {word} <script>x</script>"
    )
    found = (await gql.data(SEARCH, {"q": word}, token=member_token(author)))["search"]
    kinds = {n["kind"] for n in found["nodes"]}
    assert {"NETWORK", "FORUM", "FORUM_POST"} <= kinds
    ranks = [n["rank"] for n in found["nodes"]]
    assert ranks == sorted(ranks, reverse=True)
    post = next(n for n in found["nodes"] if n["kind"] == "FORUM_POST")
    assert f"<mark>{word}</mark>" in post["snippet"]
    # the only markup in a snippet is ours: the text was escaped before highlighting
    stripped = post["snippet"].replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


async def test_posts_within_one_forum(gql: Any, member_token: Any) -> None:
    word = _word()
    author = await new_member(gql, "Q31")
    token = member_token(author)
    one = await create_forum(gql, "Q31")
    two = await create_forum(gql, "Q31")
    thread = await start_thread(gql, token, one["id"], body=f"{word} in one")
    await add_post(gql, token, thread["thread"]["id"], f"more {word} in one")
    await start_thread(gql, token, two["id"], body=f"{word} in two")
    found = (await gql.data(SEARCH, {"q": word, "forum": one["id"]}, token=token))["search"]
    assert found["totalCount"] == 2
    assert {n["kind"] for n in found["nodes"]} == {"FORUM_POST"}
    # another SHA's forum is not found
    london = await new_member(gql, "Q36")
    body = await gql(SEARCH, {"q": word, "forum": one["id"]}, token=member_token(london))
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_paging_by_cursor_is_complete_and_disjoint(gql: Any, member_token: Any) -> None:
    word = _word()
    for i in range(5):
        await create_network(gql, "Q31", name=f"{word} net {i}", description=word * (i % 2 + 1))
    token = member_token(await new_member(gql, "Q31"))
    seen: list[str] = []
    after = None
    while True:
        page = (await gql.data(SEARCH, {"q": word, "first": 2, "after": after}, token=token))[
            "search"
        ]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 5 == len(set(seen))


async def test_hostile_input_is_a_typed_error(gql: Any, member_token: Any) -> None:
    token = member_token(await new_member(gql, "Q31"))
    for q in ("", "   ", "x" * 201):
        body = await gql(SEARCH, {"q": q}, token=token)
        assert error_codes(body) == ["BAD_USER_INPUT"], body
    for q in ("'):*&|!<->", "a & | ! b", '"unterminated', "-", "or or or", "é:*"):
        body = await gql(SEARCH, {"q": q}, token=token)
        assert not body.get("errors"), body
    body = await gql(SEARCH, {"q": "x", "forum": "not-an-id"}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = await gql(SEARCH, {"q": "x", "after": "garbage"}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_national_content_of_other_regions_only(gql: Any, member_token: Any) -> None:
    """A North West member finds London's national event, never its regional one, nor a
    member by her e-mail address (contact details are never searched)."""
    from tests.connect_sets.conftest import create_event

    word = _word()
    national = await create_event(gql, "Q36", isNational=True, title=f"{word} congress")
    regional = await create_event(gql, "Q36", title=f"{word} regional meeting")
    hidden = await new_member(gql, "Q31", email=f"{word}@nhs.net")
    token = member_token(await new_member(gql, "Q31"))
    found = (await gql.data(SEARCH, {"q": word}, token=token))["search"]["nodes"]
    ids = {n["id"] for n in found}
    assert national["id"] in ids
    assert regional["id"] not in ids and hidden["id"] not in ids
    theirs = await gql.data(SEARCH, {"q": word}, token=member_token(await new_member(gql, "Q36")))
    assert {national["id"], regional["id"]} <= {n["id"] for n in theirs["search"]["nodes"]}


async def test_anonymous_callers_cannot_search(gql: Any) -> None:
    body = await gql(SEARCH, {"q": "stroke"})
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_statements_bounded_by_kinds_not_results(
    gql: Any, member_token: Any, sql_log: Any
) -> None:
    word = _word()
    for i in range(6):
        await new_member(gql, "Q31", givenName=f"{word.capitalize()}", familyName=f"Nodes{i}")
    token = member_token(await new_member(gql, "Q31"))
    counts = []
    for first in (1, 6):
        sql_log.clear()
        await gql.data(SEARCH, {"q": word, "first": first}, token=token)
        counts.append(len(sql_log.queries()))
    assert counts[0] == counts[1] <= 4, sql_log.statements


async def test_matches_use_the_gin_index_and_stay_within_reach(
    app: Any, gql: Any, admin_url: str, settings: Any
) -> None:
    """Under RLS the API role cannot match through the GIN index (`@@` is not
    leakproof); `search_matches` matches as the owner, where the index serves, and
    answers only keys of the caller's readable SHAs."""
    import asyncpg
    from sqlalchemy import text

    from resolvers.common.ids import decode_id
    from tests.support import app_transaction

    name = _word().capitalize()
    mine = await new_member(gql, "Q31", givenName=name)
    theirs = await new_member(gql, "Q36", givenName=name)
    explain = "EXPLAIN SELECT t.id FROM members t WHERE t.search @@ to_tsquery('simple', 'x')"
    owner = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        async with owner.transaction():  # as the function runs: no RLS
            await owner.execute(f"SET LOCAL ROLE {settings.owner_role}")
            if settings.tenancy_mode == "citus":  # so that the next SET reaches the shards
                await owner.execute("SET LOCAL citus.propagate_set_commands = 'local'")
            await owner.execute("SET LOCAL enable_seqscan = off")
            owner_plan = "\n".join(r[0] for r in await owner.fetch(explain))
    finally:
        await owner.close()
    async with app_transaction(app, ("Q31",)) as db:
        await db.rows(text("SET LOCAL enable_seqscan = off"))
        api_plan = "\n".join(r[0] for r in await db.rows(text(explain)))
        keys = await db.rows(
            text("SELECT sha_code, id::text AS id FROM search_matches('members', :q)"),
            {"q": name.lower()},
        )
    assert "Bitmap Index Scan on members_q31_search_idx" in owner_plan, owner_plan
    assert "members_q31_search_idx" not in api_plan, api_plan  # why the function exists
    found = {(k.sha_code, k.id) for k in keys}
    assert ("Q31", decode_id(mine["id"]).key) in found
    assert {sha for sha, _ in found} == {"Q31"}
    assert ("Q36", decode_id(theirs["id"]).key) not in found
