"""Forum queries (Relay connections) and the live subscription to new posts."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, func, or_, select, tuple_

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.errors import Forbidden, NotAllowed
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    Filtered,
    Ordering,
    PageArgs,
    paginate,
)
from resolvers.common.sql import by_key, contains_pattern
from resolvers.directory.enums import MemberRole, Profession
from resolvers.directory.queries import GlobalIdArg, ShaNarrowing, narrow_shas
from resolvers.forums.access import require_moderator
from resolvers.forums.args import ForumIdArg, ThreadIdArg
from resolvers.forums.enums import ForumKind, ReportStatus
from resolvers.forums.live import post_feed
from resolvers.forums.loaders import ForumByIdLoader, PostByIdLoader, ThreadByIdLoader
from resolvers.forums.reach import reach
from resolvers.forums.tables import forum_post_reports, forum_posts, forum_threads, forums
from resolvers.forums.types import Forum, ForumPost, ForumThread, PostReport


def _visible(ctx: Context, value: str, type_name: str) -> GlobalId | None:
    """The id, if its row may be visible: one of the caller's SHAs, or any SHA for a
    signed-in caller with some reach (a national forum's rows are read in every SHA;
    the queries then keep to national rows there, and RLS checks it again)."""
    gid = decode_id(value, type_name)
    if gid.sha_code in ctx.scope.read:
        return gid
    return gid if ctx.principal is not None and ctx.scope.read else None


@strawberry.input(description="Narrow the forum list; all conditions must hold.")
class ForumFilter:
    kinds: list[ForumKind] | None = strawberry.field(default=None, description="Any of these.")
    audience_roles: list[MemberRole] | None = strawberry.field(
        default=None, description="Role forums for any of these roles."
    )
    search: str | None = strawberry.field(default=None, description="Part of the title or topic.")
    audience_professions: list[Profession] | None = strawberry.field(
        default=None, description="Profession forums for any of these professions."
    )
    network_id: strawberry.ID | None = strawberry.field(
        default=None, description="Forums of this network."
    )
    national_only: bool = strawberry.field(
        default=False, description="Only national forums (read and written in every SHA)."
    )
    include_national: bool = strawberry.field(
        default=True, description="Also list national forums held by other SHAs."
    )


@strawberry.input(description="Narrow a thread's posts.")
class ForumPostFilter:
    include_hidden: bool = strawberry.field(
        default=True, description="Include hidden posts (their bodies are null)."
    )
    author_id: strawberry.ID | None = strawberry.field(
        default=None, description="Posts by this member."
    )


def forum_query(shas: list[str], where: ForumFilter | None) -> Select[Any]:
    c = forums.c
    if where and where.national_only:
        query = select(forums).where(c.is_national.is_(True))
    elif where is None or where.include_national:
        # national forums of any SHA: RLS widens reads to them by policy
        query = select(forums).where(or_(c.sha_code.in_(shas), c.is_national.is_(True)))
    else:
        query = select(forums).where(c.sha_code.in_(shas))
    if where and where.kinds:
        query = query.where(forums.c.kind.in_([k.value for k in where.kinds]))
    if where and where.audience_roles:
        query = query.where(forums.c.audience_role.in_([r.value for r in where.audience_roles]))
    if where and where.audience_professions:
        query = query.where(
            forums.c.audience_profession.in_([p.value for p in where.audience_professions])
        )
    if where and where.network_id:
        gid = decode_id(where.network_id, "Network")
        query = query.where(forums.c.sha_code == gid.sha_code, forums.c.network_id == gid.uuid)
    if where and where.search:
        pattern = contains_pattern(where.search)
        query = query.where(
            func.lower(forums.c.title).like(pattern)
            | func.lower(func.coalesce(forums.c.topic, "")).like(pattern)
        )
    return query


async def _fetch_forum(ctx: Context, gid: GlobalId) -> Forum | None:
    return await ctx.loader(ForumByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_thread(ctx: Context, gid: GlobalId) -> ForumThread | None:
    return await ctx.loader(ThreadByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_post(ctx: Context, gid: GlobalId) -> ForumPost | None:
    return await ctx.loader(PostByIdLoader).load((gid.sha_code, gid.uuid))


# national: ids of other SHAs reach the loaders, which keep to national forums' rows
register_node("Forum", _fetch_forum, national=True)
register_node("ForumThread", _fetch_thread, national=True)
register_node("ForumPost", _fetch_post, national=True)


@strawberry.type
class Query:
    @strawberry.field(
        description="Forums of the SHAs in scope.", permission_classes=[IsAuthenticated]
    )
    @paged
    async def forums(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[ForumFilter | None] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[Forum]:
        ctx = info.context
        c = forums.c
        return await paginate(
            ctx.db,
            forum_query(narrow_shas(ctx, shas), filter),
            Ordering((c.title, c.sha_code, c.id)),
            page,
            Forum.from_row,
        )

    @strawberry.field(description="One forum by global id.", permission_classes=[IsAuthenticated])
    async def forum(self, info: Info, id: GlobalIdArg) -> Forum | None:
        gid = _visible(info.context, id, "Forum")
        return await _fetch_forum(info.context, gid) if gid else None

    @strawberry.field(description="One thread by global id.", permission_classes=[IsAuthenticated])
    async def forum_thread(self, info: Info, id: GlobalIdArg) -> ForumThread | None:
        gid = _visible(info.context, id, "ForumThread")
        return await _fetch_thread(info.context, gid) if gid else None

    @strawberry.field(description="One post by global id.", permission_classes=[IsAuthenticated])
    async def forum_post(self, info: Info, id: GlobalIdArg) -> ForumPost | None:
        gid = _visible(info.context, id, "ForumPost")
        return await _fetch_post(info.context, gid) if gid else None

    @strawberry.field(
        description="Threads of a forum, most recently active first.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def forum_threads(
        self,
        info: Info,
        forum_id: ForumIdArg,
        page: PageArgs,
        locked: Annotated[
            bool | None,
            strawberry.argument(
                description="Only locked (true) or open (false) threads (default both)."
            ),
        ] = None,
    ) -> Connection[ForumThread]:
        ctx = info.context
        t = forum_threads
        gid = _visible(ctx, forum_id, "Forum")
        query: Select[Any] = select(t).where(t.c.sha_code.in_([]))
        if gid is not None:
            query = select(t).where(
                t.c.forum_sha_code == gid.sha_code,
                t.c.forum_id == gid.uuid,
                or_(t.c.sha_code == gid.sha_code, t.c.forum_is_national.is_(True)),
                reach(ctx, t),
            )
            if locked is not None:
                query = query.where(t.c.locked.is_(locked))
        return await paginate(
            ctx.db,
            query,
            Ordering((t.c.last_post_at, t.c.sha_code, t.c.id), descending=True),
            page,
            ForumThread.from_row,
        )

    @strawberry.field(
        description="Posts of a thread, oldest first.", permission_classes=[IsAuthenticated]
    )
    @paged
    async def forum_posts(
        self,
        info: Info,
        thread_id: ThreadIdArg,
        page: PageArgs,
        filter: Filtered[ForumPostFilter | None] = None,
    ) -> Connection[ForumPost]:
        ctx = info.context
        p = forum_posts
        gid = _visible(ctx, thread_id, "ForumThread")
        query: Select[Any] = select(p).where(p.c.sha_code.in_([]))
        if gid is not None:
            query = select(p).where(
                p.c.thread_sha_code == gid.sha_code,
                p.c.thread_id == gid.uuid,
                or_(p.c.sha_code == gid.sha_code, p.c.forum_is_national.is_(True)),
                reach(ctx, p),
            )
            if filter and not filter.include_hidden:
                query = query.where(p.c.hidden.is_(False))
            if filter and filter.author_id:
                author = decode_id(filter.author_id, "Member")
                query = query.where(p.c.sha_code == author.sha_code, p.c.author_id == author.uuid)
        return await paginate(
            ctx.db,
            query,
            Ordering((p.c.created_at, p.c.sha_code, p.c.id)),
            page,
            ForumPost.from_row,
        )

    @strawberry.field(
        description="Reports about posts of a forum (its moderators only), newest first.",
        permission_classes=[IsAuthenticated],
    )
    @paged(backwards=False)
    async def forum_reports(
        self,
        info: Info,
        forum_id: ForumIdArg,
        status: Annotated[
            ReportStatus | None,
            strawberry.argument(
                description="Only reports with this status (default OPEN; null for all)."
            ),
        ] = ReportStatus.OPEN,
        page: PageArgs = PageArgs(),
    ) -> Connection[PostReport]:
        ctx = info.context
        r = forum_post_reports
        gid = _visible(ctx, forum_id, "Forum")
        if gid is None:
            raise Forbidden("only a moderator of this forum may read its reports")
        forum = await ctx.db.first(*by_key(forums, [(gid.sha_code, gid.uuid)]))
        if forum is None:
            raise Forbidden("only a moderator of this forum may read its reports")
        try:
            await require_moderator(ctx, forum, gid.sha_code)
        except NotAllowed as exc:
            raise Forbidden(str(exc)) from None
        p = forum_posts.c
        shas = ctx.scope.read_list if forum.is_national else [gid.sha_code]
        query = select(r).where(
            r.c.sha_code.in_(shas),
            tuple_(r.c.sha_code, r.c.post_id).in_(
                select(p.sha_code, p.id).where(
                    p.sha_code.in_(shas), p.forum_sha_code == gid.sha_code, p.forum_id == gid.uuid
                )
            ),
        )
        if status is not None:
            query = query.where(r.c.status == status.value)
        return await paginate(
            ctx.db,
            query,
            Ordering((r.c.created_at, r.c.sha_code, r.c.id), descending=True),
            page,
            PostReport.from_row,
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="New posts in a thread or a forum, as they are committed; posts of "
        "other SHAs are never delivered. `since` first replays posts made after that time.",
        permission_classes=[IsAuthenticated],
    )
    async def forum_post_added(
        self,
        info: Info,
        forum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Posts of every thread of this forum (global id); give this or threadId."
            ),
        ] = None,
        thread_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Posts of this thread (global id); give this or forumId."
            ),
        ] = None,
        since: Annotated[
            dt.datetime | None,
            strawberry.argument(
                description="First replay the posts made after this time (ISO 8601), then go live."
            ),
        ] = None,
    ) -> AsyncGenerator[ForumPost, None]:
        async for post in post_feed(info.context, forum_id, thread_id, since):
            yield post
