"""The live feed of new posts: LISTEN through the process's broker, then re-read each
post in a short tenant transaction with the subscriber's own scope, so RLS decides
what is delivered. A `since` replay closes the gap between a client's last page and
its subscription (the LISTEN is in place before the replay runs)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncGenerator
from typing import Any

from sqlalchemy import select

from resolvers.common.context import Context
from resolvers.common.errors import BadUserInput
from resolvers.common.ids import GlobalId, decode_id
from resolvers.forums.service import POSTS_CHANNEL
from resolvers.forums.tables import forum_posts, forum_threads, forums
from resolvers.forums.types import ForumPost
from tenants.pubsub import broker_for
from tenants.transaction import TenantDB, tenant_transaction

REPLAY_LIMIT = 50


def feed_target(forum_id: str | None, thread_id: str | None) -> GlobalId:
    if (forum_id is None) == (thread_id is None):
        raise BadUserInput("give either forumId or threadId", argument="forumId")
    if thread_id is not None:
        return decode_id(thread_id, "ForumThread")
    assert forum_id is not None
    return decode_id(forum_id, "Forum")


def _transaction(ctx: Context) -> Any:
    return tenant_transaction(
        ctx.engine,
        ctx.scope,
        actor=ctx.principal.audit_name if ctx.principal else "anonymous",
        statement_timeout_ms=ctx.settings.statement_timeout_ms,
        mode=ctx.settings.tenancy_mode,
        prepared=ctx.settings.fast_path,
    )


async def _target(db: TenantDB, gid: GlobalId, key: uuid.UUID) -> Any:
    """The forum or thread subscribed to, if the subscriber may read it (a national
    one of another SHA included: RLS decides), with its national flag."""
    if gid.type_name == "ForumThread":
        t = forum_threads
        flag = t.c.forum_is_national
    else:
        t = forums
        flag = t.c.is_national
    return await db.first(
        select(t.c.id, flag.label("national")).where(t.c.sha_code == gid.sha_code, t.c.id == key)
    )


def _matches(column: str, sha: str, key: uuid.UUID) -> Any:
    p = forum_posts.c
    if column == "thread":
        return (p.thread_sha_code == sha) & (p.thread_id == key)
    return (p.forum_sha_code == sha) & (p.forum_id == key)


async def post_feed(
    ctx: Context, forum_id: str | None, thread_id: str | None, since: dt.datetime | None
) -> AsyncGenerator[ForumPost, None]:
    gid = feed_target(forum_id, thread_id)
    key = gid.uuid
    column = "thread" if gid.type_name == "ForumThread" else "forum"
    outside = gid.sha_code not in ctx.scope.read
    if outside and not (ctx.principal is not None and ctx.scope.read):
        raise BadUserInput(f"{gid.type_name} {gid.encode()} was not found", argument="id")
    async with _transaction(ctx) as db:
        target = await _target(db, gid, key)
    if target is None or (outside and not target.national):
        raise BadUserInput(f"{gid.type_name} {gid.encode()} was not found", argument="id")
    # a national forum's posts are written in every SHA; a regional one's in its own
    shas = None if target.national else [gid.sha_code]
    broker = await broker_for(ctx.app_state)
    seen: set[uuid.UUID] = set()  # replayed ids, so a post is not sent twice
    async with broker.subscribe(POSTS_CHANNEL) as queue:
        if since is not None:
            query = select(forum_posts).where(
                _matches(column, gid.sha_code, key),
                forum_posts.c.created_at > since,
                forum_posts.c.hidden.is_(False),
            )
            if shas is not None:
                query = query.where(forum_posts.c.sha_code.in_(shas))
            async with _transaction(ctx) as db:
                rows = await db.rows(
                    query.order_by(forum_posts.c.created_at, forum_posts.c.id).limit(REPLAY_LIMIT)
                )
            for row in rows:
                seen.add(row.id)
                yield ForumPost.from_row(row)
        while True:
            event = await queue.get()
            # older payloads (before 1400) carry only the post's SHA
            owner = event.get(f"{column}_sha", event.get("sha"))
            if owner != gid.sha_code or event.get(column) != str(key):
                continue
            sha = str(event.get("sha"))
            if shas is not None and sha not in shas:
                continue
            post_id = uuid.UUID(str(event["post"]))
            if post_id in seen:
                continue
            async with _transaction(ctx) as db:
                row = await db.first(
                    select(forum_posts).where(
                        forum_posts.c.sha_code == sha, forum_posts.c.id == post_id
                    )
                )
            if row is not None and not row.hidden:
                yield ForumPost.from_row(row)
