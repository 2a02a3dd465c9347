"""DataLoaders of the forums: one SQL statement per batch, windowed for lists per parent."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select, text, tuple_

from resolvers.common.loaders import RequestLoader, group_by_columns
from resolvers.directory.tables import members
from resolvers.directory.types import Member
from resolvers.forums.enums import ReactionKind
from resolvers.forums.reach import reach
from resolvers.forums.tables import (
    forum_moderators,
    forum_post_reactions,
    forum_post_revisions,
    forum_posts,
    forum_threads,
    forums,
)
from resolvers.forums.types import Forum, ForumPost, ForumThread, PostRevision, ReactionCount

Key = tuple[str, uuid.UUID]
WindowKey = tuple[str, uuid.UUID, int]


def _where_keys(table: Any, column: Any, keys: Sequence[Key]) -> list[Any]:
    """`sha_code IN (...)` prunes partitions; the tuple IN picks the rows."""
    shas = sorted({k[0] for k in keys})
    return [table.c.sha_code.in_(shas), tuple_(table.c.sha_code, column).in_(list(keys))]


class _ById(RequestLoader[Key, Any]):
    table: Any
    build: Any

    async def load_batch(self, keys: list[Key]) -> Sequence[Any]:
        t = self.table
        query = select(t).where(*_where_keys(t, t.c.id, keys), reach(self.ctx, t))
        rows = await self.ctx.db.rows(query)
        found = {(r.sha_code, r.id): type(self).build(r) for r in rows}
        return [found.get(k) for k in keys]


class ForumByIdLoader(_ById):
    table = forums
    build = Forum.from_row


class ThreadByIdLoader(_ById):
    table = forum_threads
    build = ForumThread.from_row


class PostByIdLoader(_ById):
    table = forum_posts
    build = ForumPost.from_row


class ModeratorsByForumLoader(RequestLoader[Key, list[Member]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[Member]]:
        fm, m = forum_moderators, members
        query = (
            select(fm.c.forum_id, m)
            .join(m, (m.c.sha_code == fm.c.sha_code) & (m.c.id == fm.c.member_id))
            .where(*_where_keys(fm, fm.c.forum_id, keys), m.c.sha_code.in_({k[0] for k in keys}))
            .order_by(m.c.family_name, m.c.given_name, m.c.id)
        )
        grouped = group_by_columns(await self.ctx.db.rows(query), "sha_code", "forum_id")
        return [Member.from_rows(grouped.get(k, [])) for k in keys]


class LatestThreadsByForumLoader(RequestLoader[WindowKey, list[ForumThread]]):
    """Keys are forums (SHA, id); a national forum's threads come from every SHA."""

    async def load_batch(self, keys: list[WindowKey]) -> Sequence[list[ForumThread]]:
        t = forum_threads
        pairs = sorted({(k[0], k[1]) for k in keys})
        number = func.row_number().over(
            partition_by=(t.c.forum_sha_code, t.c.forum_id),
            order_by=(t.c.last_post_at.desc(), t.c.sha_code, t.c.id),
        )
        shas = sorted({k[0] for k in pairs})
        inner = (
            select(t, number.label("position"))
            .where(
                tuple_(t.c.forum_sha_code, t.c.forum_id).in_(pairs),
                or_(t.c.sha_code.in_(shas), t.c.forum_is_national.is_(True)),
                reach(self.ctx, t),
            )
            .subquery()
        )
        query = (
            select(inner)
            .where(inner.c.position <= max(k[2] for k in keys))
            .order_by(inner.c.position)
        )
        grouped = group_by_columns(await self.ctx.db.rows(query), "forum_sha_code", "forum_id")
        return [
            [ForumThread.from_row(r) for r in grouped.get((k[0], k[1]), [])][: k[2]] for k in keys
        ]


class PostCountByThreadLoader(RequestLoader[Key, int]):
    """Keys are threads (SHA, id); a national thread's posts come from every SHA."""

    async def load_batch(self, keys: list[Key]) -> Sequence[int]:
        p = forum_posts
        shas = sorted({k[0] for k in keys})
        query = (
            select(p.c.thread_sha_code, p.c.thread_id, func.count().label("n"))
            .where(
                tuple_(p.c.thread_sha_code, p.c.thread_id).in_(list(keys)),
                or_(p.c.sha_code.in_(shas), p.c.forum_is_national.is_(True)),
                reach(self.ctx, p),
            )
            .group_by(p.c.thread_sha_code, p.c.thread_id)
        )
        counts = {(r.thread_sha_code, r.thread_id): r.n for r in await self.ctx.db.rows(query)}
        return [counts.get(k, 0) for k in keys]


class AuthorNameByMemberLoader(RequestLoader[Key, str | None]):
    """Writers' names: members of the caller's SHAs from `members`; writers of other
    SHAs (in national forums) through `forum_author_names`, which gives only names,
    and only of members who wrote in a national forum (RLS hides the rest)."""

    async def load_batch(self, keys: list[Key]) -> Sequence[str | None]:
        read = self.ctx.scope.read
        own = [k for k in keys if k[0] in read]
        other = [k for k in keys if k[0] not in read]
        names: dict[Key, str] = {}
        if own:
            m = members
            rows = await self.ctx.db.rows(
                select(m.c.sha_code, m.c.id, m.c.given_name, m.c.family_name).where(
                    *_where_keys(m, m.c.id, own), m.c.erased_at.is_(None)
                )
            )
            names.update({(r.sha_code, r.id): f"{r.given_name} {r.family_name}" for r in rows})
        if other:
            rows = await self.ctx.db.rows(
                text(
                    "SELECT r_sha, r_id, r_name FROM forum_author_names("
                    "CAST(:shas AS text[]), CAST(:ids AS uuid[]))"
                ),
                {"shas": [k[0] for k in other], "ids": [k[1] for k in other]},
            )
            names.update({(r.r_sha, r.r_id): r.r_name for r in rows})
        return [names.get(k) for k in keys]


class RevisionsByPostLoader(RequestLoader[Key, list[PostRevision]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[PostRevision]]:
        r = forum_post_revisions
        query = (
            select(r).where(*_where_keys(r, r.c.post_id, keys)).order_by(r.c.replaced_at, r.c.id)
        )
        grouped = group_by_columns(await self.ctx.db.rows(query), "sha_code", "post_id")
        return [
            [
                PostRevision(
                    body_markdown=x.body_markdown,
                    written_at=x.written_at,
                    replaced_at=x.replaced_at,
                )
                for x in grouped.get(k, [])
            ]
            for k in keys
        ]


class ReactionsByPostLoader(RequestLoader[Key, list[ReactionCount]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[ReactionCount]]:
        r = forum_post_reactions
        query = (
            select(r.c.sha_code, r.c.post_id, r.c.kind, func.count().label("n"))
            .where(*_where_keys(r, r.c.post_id, keys))
            .group_by(r.c.sha_code, r.c.post_id, r.c.kind)
            .order_by(r.c.kind)
        )
        grouped = group_by_columns(await self.ctx.db.rows(query), "sha_code", "post_id")
        return [
            [ReactionCount(kind=ReactionKind(x.kind), count=x.n) for x in grouped.get(k, [])]
            for k in keys
        ]
