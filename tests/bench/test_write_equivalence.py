"""The write is compared on equal work: the floor's `addForumPost` and the tuned peer's
custom mutation run one SQL function (bench/peer.sql, `bench_add_forum_post`) that must
do what the service's reply does. Checked by their effects, on the same database: the
post, its audit row, the thread's last post time and the notifications of the starter
and the followers; and by the function's refusals."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from bench import operations
from bench.database import apply_peer_functions
from foundation.db import with_credentials
from foundation.settings import Settings
from resolvers.common.ids import decode_id, encode_id
from tests.connect_networks.conftest import create_forum, start_thread
from tests.factories import create_member
from tests.frontdoor.test_notifications import FOLLOW
from tests.support import GraphQLClient

SHA = "Q31"
BODY = "Thanks,   we tried this\nin our practice too: referral times fell within a quarter."


@pytest.fixture
async def admin(bench_admin_url: str, settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(
        bench_admin_url, server_settings={"search_path": settings.db_schema}
    )
    try:
        await apply_peer_functions(conn, settings)
        yield conn
    finally:
        await conn.close()


def _token(make_token: Any, member: dict[str, Any]) -> str:
    """A token acting as `member` of SHA, as the front end's member signs in."""
    return str(make_token("member", SHA, roles=["member"], member_id=member["id"]))


def _key(member: dict[str, Any]) -> str:
    return decode_id(member["id"], "Member").key


async def _effects(conn: asyncpg.Connection, post_gid: str) -> dict[str, Any]:
    """What one reply left in the database, without its ids and times."""
    post_id = uuid.UUID(decode_id(post_gid, "ForumPost").key)
    post = await conn.fetchrow(
        "SELECT p.author_id, p.body_markdown, p.thread_id, p.created_at,"
        " t.last_post_at FROM forum_posts p JOIN forum_threads t"
        " ON t.sha_code = p.thread_sha_code AND t.id = p.thread_id"
        " WHERE p.sha_code = $1 AND p.id = $2",
        SHA,
        post_id,
    )
    audits = await conn.fetch(
        "SELECT action, entity_type, detail FROM audit_log WHERE sha_code = $1 AND entity_id = $2",
        SHA,
        str(post_id),
    )
    told = await conn.fetch(
        "SELECT member_id, kind, title, body, subject_id, email_status, in_app"
        " FROM notifications WHERE sha_code = $1 AND dedupe_key = $2 ORDER BY member_id",
        SHA,
        f"reply:{post_id}",
    )
    assert all(t["subject_id"] == post_gid for t in told)  # the post's own global id
    return {
        "author": post["author_id"],
        "body": post["body_markdown"],
        "thread": post["thread_id"],
        "thread moved to the post": post["last_post_at"] == post["created_at"],
        "audit": [(a["action"], a["entity_type"], a["detail"]) for a in audits],
        "told": [
            (t["member_id"], t["kind"], t["title"], t["body"], t["email_status"], t["in_app"])
            for t in told
        ],
    }


async def test_the_floor_writes_what_the_service_writes(
    bench_gql: GraphQLClient,
    make_token: Any,
    admin: asyncpg.Connection,
    floor_client: httpx.AsyncClient,
) -> None:
    starter, writer, *followers = [await create_member(bench_gql, SHA) for _ in range(4)]
    forum = await create_forum(bench_gql, SHA)
    thread = (await start_thread(bench_gql, _token(make_token, starter), forum["id"]))["thread"][
        "id"
    ]
    for follower in (*followers, writer):  # the writer follows too, and is not told
        await bench_gql.data(FOLLOW, {"t": thread}, token=_token(make_token, follower))

    ours = await bench_gql.data(
        operations.query_text("ours", "5"),
        {"threadId": thread, "body": BODY},
        token=_token(make_token, writer),
    )
    ours_effects = await _effects(admin, ours["addForumPost"]["post"]["id"])

    response = await floor_client.post(
        "/5",
        content=orjson.dumps({"query": "", "variables": {"threadId": thread, "body": BODY}}),
        headers={"x-read-shas": SHA, "x-write-shas": SHA, "x-member-id": _key(writer)},
    )
    assert response.status_code == 200, response.text
    floor_post = response.json()["data"]["addForumPost"]["post"]
    assert floor_post["bodyMarkdown"] == BODY
    floor_effects = await _effects(admin, floor_post["id"])

    assert floor_effects == ours_effects
    assert ours_effects["thread moved to the post"]
    assert ours_effects["audit"] and ours_effects["author"] == uuid.UUID(_key(writer))
    told = {member for member, *_ in ours_effects["told"]}
    assert told == {uuid.UUID(_key(m)) for m in (starter, *followers)}  # not the writer


async def test_the_function_refuses_what_the_service_refuses(
    bench_gql: GraphQLClient,
    make_token: Any,
    admin: asyncpg.Connection,
    bench_admin_url: str,
    settings: Settings,
) -> None:
    member, outsider = await create_member(bench_gql, SHA), await create_member(bench_gql, "Q32")
    forum = await create_forum(bench_gql, SHA)
    started = await start_thread(
        bench_gql,
        _token(make_token, member),
        forum["id"],
    )
    thread = uuid.UUID(decode_id(started["thread"]["id"], "ForumThread").key)
    api = with_credentials(bench_admin_url, settings.api_role, settings.api_role_password)
    conn = await asyncpg.connect(api, server_settings={"search_path": settings.db_schema})

    async def post(writer: str, body: str = "A reply") -> str:
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('app.read_shas', $1, true),"
                " set_config('app.write_shas', $1, true),"
                " set_config('bench.member_id', $2, true), set_config('app.actor', 'test', true)",
                SHA,
                writer,
            )
            row = await conn.fetchrow(
                "SELECT sha_code, id FROM bench_add_forum_post($1, $2, $3)", SHA, thread, body
            )
        return encode_id("ForumPost", row["sha_code"], row["id"])

    try:
        assert await post(_key(member))  # the starter may reply
        for writer in (_key(outsider), str(uuid.uuid4()), ""):  # another SHA's, nobody
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="active member"):
                await post(writer)
        await admin.execute(
            "UPDATE forum_threads SET locked = true, lock_reason = 'closed'"
            " WHERE sha_code = $1 AND id = $2",
            SHA,
            thread,
        )
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="locked"):
            await post(_key(member))
        for blank_or_long in (" \n\t ", "x" * 20_001):  # as check_body refuses them
            with pytest.raises(asyncpg.InvalidParameterValueError):
                await post(_key(member), blank_or_long)
        with pytest.raises(asyncpg.InvalidTextRepresentationError):
            await post("not a uuid")
    finally:
        await conn.close()
