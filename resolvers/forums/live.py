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
    )


async def _exists(db: TenantDB, gid: GlobalId, key: uuid.UUID) -> bool:
    table = forum_threads if gid.type_name == "ForumThread" else forums
    found = await db.scalar(
        select(table.c.id).where(table.c.sha_code == gid.sha_code, table.c.id == key)
    )
    return found is not None


def _matches(column: str, key: uuid.UUID) -> Any:
    return forum_posts.c.thread_id == key if column == "thread" else forum_posts.c.forum_id == key


async def post_feed(
    ctx: Context, forum_id: str | None, thread_id: str | None, since: dt.datetime | None
) -> AsyncGenerator[ForumPost, None]:
    gid = feed_target(forum_id, thread_id)
    key = gid.uuid
    column = "thread" if gid.type_name == "ForumThread" else "forum"
    if gid.sha_code not in ctx.scope.read:
        raise BadUserInput(f"{gid.type_name} {gid.encode()} was not found", argument="id")
    async with _transaction(ctx) as db:
        if not await _exists(db, gid, key):
            raise BadUserInput(f"{gid.type_name} {gid.encode()} was not found", argument="id")
    broker = await broker_for(ctx.app_state)
    seen: set[uuid.UUID] = set()  # replayed ids, so a post is not sent twice
    async with broker.subscribe(POSTS_CHANNEL) as queue:
        if since is not None:
            async with _transaction(ctx) as db:
                rows = await db.rows(
                    select(forum_posts)
                    .where(
                        forum_posts.c.sha_code == gid.sha_code,
                        _matches(column, key),
                        forum_posts.c.created_at > since,
                        forum_posts.c.hidden.is_(False),
                    )
                    .order_by(forum_posts.c.created_at, forum_posts.c.id)
                    .limit(REPLAY_LIMIT)
                )
            for row in rows:
                seen.add(row.id)
                yield ForumPost.from_row(row)
        while True:
            event = await queue.get()
            if event.get("sha") != gid.sha_code or event.get(column) != str(key):
                continue
            post_id = uuid.UUID(str(event["post"]))
            if post_id in seen:
                continue
            async with _transaction(ctx) as db:
                row = await db.first(
                    select(forum_posts).where(
                        forum_posts.c.sha_code == gid.sha_code, forum_posts.c.id == post_id
                    )
                )
            if row is not None and not row.hidden:
                yield ForumPost.from_row(row)
