"""Forum writes. Services validate, write and audit (moderation included); they never
commit. A new post is announced to live subscribers once its transaction has
committed (`TenantDB.announce`), so they hear of it only if it stands."""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, bindparam, cast, delete, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from auth.principal import Role
from resolvers.common.audit import audit_cte, audit_params, record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import (
    Conflict,
    FieldProblem,
    NotAllowed,
    NotFound,
    ValidationFailed,
    require,
)
from resolvers.common.mutation import ensure_writable
from resolvers.common.sql import by_key
from resolvers.directory.enums import MemberRole, Profession
from resolvers.directory.service import parse_id, pick_sha
from resolvers.directory.tables import members
from resolvers.directory.validation import check_text
from resolvers.forums.access import (
    actor_from,
    actor_in,
    member_key_in,
    participant,
    require_moderator,
    require_participant,
)
from resolvers.forums.enums import ForumKind, ReactionKind
from resolvers.forums.tables import (
    forum_moderators,
    forum_post_reactions,
    forum_post_reports,
    forum_post_revisions,
    forum_posts,
    forum_removals,
    forum_threads,
    forums,
)
from resolvers.forums.types import Forum, ForumPost, ForumThread, PostReport
from resolvers.networks.tables import networks
from tenants.prepared import Prepared, prepared

POSTS_CHANNEL = "cln_forum_posts"
NO_MEMBER = uuid.UUID(int=0)  # gen_random_uuid() never gives it
MAX_BODY = 20000


def check_body(body: str, field: str = "bodyMarkdown") -> list[FieldProblem]:
    if not body.strip():
        return [FieldProblem(field, "must not be blank")]
    if len(body) > MAX_BODY:
        return [FieldProblem(field, f"must be at most {MAX_BODY} characters")]
    return []


def check_reason(reason: str, field: str = "reason") -> None:
    require(check_text(reason, field, max_length=1000))


NATIONAL_FLAG = {"forums": "is_national", "forum_threads": "forum_is_national"}
NATIONAL_FLAG["forum_posts"] = "forum_is_national"


async def _row(
    ctx: Context, table: Any, value: str, type_name: str, field: str, *, national: bool = False
) -> Any:
    """The row a global id names, if the caller's scope can see it; NotFound otherwise.
    With `national`, a row of another SHA is found too when it belongs to a national
    forum (RLS widens reads to those; the flag is checked here as well)."""
    gid = parse_id(value, type_name, field)
    outside = gid.sha_code not in ctx.scope.read
    if outside and not (national and ctx.principal is not None and ctx.scope.read):
        raise NotFound(type_name, value)
    row = await ctx.db.first(*by_key(table, [(gid.sha_code, uuid.UUID(gid.key))]))
    if row is None or (outside and not getattr(row, NATIONAL_FLAG[table.name])):
        raise NotFound(type_name, value)
    return row


async def _forum(ctx: Context, sha: str, forum_id: uuid.UUID) -> Any:
    row = await ctx.db.first(*by_key(forums, [(sha, forum_id)]))
    # the service keeps threads and posts inside their forum (no key across regions),
    # and a forum is never deleted
    assert row is not None
    return row


async def _members_of(ctx: Context, sha: str, ids: list[str], field: str) -> list[uuid.UUID]:
    keys: list[uuid.UUID] = []
    for value in ids:
        gid = parse_id(value, "Member", field)
        if gid.sha_code != sha:
            raise ValidationFailed([FieldProblem(field, "must be members of the forum's SHA")])
        keys.append(uuid.UUID(gid.key))
    if keys:
        found = await ctx.db.rows(
            select(members.c.id).where(members.c.sha_code == sha, members.c.id.in_(keys))
        )
        missing = set(keys) - {r.id for r in found}
        if missing:
            raise NotFound("Member", ", ".join(sorted(str(m) for m in missing)))
    return keys


@dataclass
class ForumChanges:
    title: str
    kind: ForumKind
    topic: str | None
    audience_role: MemberRole | None
    description: str | None
    moderator_ids: list[str]
    audience_profession: Profession | None = None
    network_id: str | None = None
    national: bool = False


async def _network_of(ctx: Context, sha: str, value: str | None) -> uuid.UUID | None:
    """The network a forum belongs to: one of the forum's own SHA."""
    if value is None:
        return None

    gid = parse_id(value, "Network", "networkId")
    if gid.sha_code != sha:
        raise ValidationFailed([FieldProblem("networkId", "must be a network of the forum's SHA")])
    found = await ctx.db.scalar(
        select(networks.c.id).where(networks.c.sha_code == sha, networks.c.id == uuid.UUID(gid.key))
    )
    if found is None:
        raise NotFound("Network", value)
    return found


def _may_open(ctx: Context, sha: str, national: bool) -> None:
    """National leads open national forums; an SHA's admins open its own forums."""
    p = ctx.principal
    if p is None or p.kind != "user":
        raise NotAllowed("only staff may open forums")
    if national:
        if not p.has_role(Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN):
            raise NotAllowed("only national leads open national forums")
        return
    if not (p.has_role(Role.PLATFORM_ADMIN) or (p.has_role(Role.SHA_ADMIN) and p.home_sha == sha)):
        raise NotAllowed(
            f"a forum of SHA {sha} is opened by its admins; national leads open national"
            " forums (national: true)"
        )


async def create_forum(ctx: Context, sha_code: str | None, changes: ForumChanges) -> Forum:
    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    _may_open(ctx, sha, changes.national)
    problems = check_text(changes.title, "title", max_length=200)
    problems += check_text(changes.topic, "topic", max_length=200)
    if changes.kind == ForumKind.ROLE and changes.audience_role is None:
        problems.append(FieldProblem("audienceRole", "is required for a role forum"))
    if changes.kind == ForumKind.TOPIC and changes.audience_role is not None:
        problems.append(FieldProblem("audienceRole", "is only for role forums"))
    if changes.kind == ForumKind.PROFESSION and changes.audience_profession is None:
        problems.append(FieldProblem("audienceProfession", "is required for a profession forum"))
    if changes.kind != ForumKind.PROFESSION and changes.audience_profession is not None:
        problems.append(FieldProblem("audienceProfession", "is only for profession forums"))
    if changes.kind == ForumKind.PROFESSION and changes.audience_role is not None:
        problems.append(FieldProblem("audienceRole", "is only for role forums"))
    if changes.kind == ForumKind.TOPIC and not changes.topic:
        problems.append(FieldProblem("topic", "is required for a topic forum"))
    if changes.description is not None and len(changes.description) > 4000:
        problems.append(FieldProblem("description", "must be at most 4000 characters"))
    if len(set(changes.moderator_ids)) != len(changes.moderator_ids):
        problems.append(FieldProblem("moderatorIds", "must not repeat a member"))
    if changes.national and changes.moderator_ids:
        problems.append(
            FieldProblem("moderatorIds", "a national forum is moderated by the national leads")
        )
    if changes.national and changes.network_id is not None:
        problems.append(
            FieldProblem("networkId", "a network belongs to one SHA; a national forum cannot")
        )
    require(problems)
    moderators = await _members_of(ctx, sha, changes.moderator_ids, "moderatorIds")
    network = await _network_of(ctx, sha, changes.network_id)
    values = {
        "sha_code": sha,
        "title": changes.title.strip(),
        "kind": changes.kind.value,
        "topic": changes.topic.strip() if changes.topic else None,
        "audience_role": changes.audience_role.value if changes.audience_role else None,
        "description": changes.description,
        "audience_profession": changes.audience_profession.value
        if changes.audience_profession
        else None,
        "network_id": network,
        "is_national": changes.national,
    }
    row = await ctx.db.first(insert(forums).values(**values).returning(*forums.c))
    assert row is not None
    if moderators:
        await ctx.db.rows(
            insert(forum_moderators).values(
                [{"sha_code": sha, "forum_id": row.id, "member_id": m} for m in moderators]
            )
        )
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="forum.create",
        entity_type="Forum",
        entity_id=str(row.id),
        detail={**values, "moderators": [str(m) for m in moderators]},
    )
    return Forum.from_row(row)


async def set_forum_moderator(
    ctx: Context, forum_id: str, member_id: str, moderator: bool
) -> Forum:
    forum = await _row(ctx, forums, forum_id, "Forum", "forumId")
    ensure_writable(ctx, forum.sha_code)
    if forum.is_national:
        raise ValidationFailed(
            [FieldProblem("forumId", "a national forum is moderated by the national leads")]
        )
    _may_open(ctx, forum.sha_code, False)
    [member] = await _members_of(ctx, forum.sha_code, [member_id], "memberId")
    fm = forum_moderators
    if moderator:
        await ctx.db.rows(
            pg_insert(fm)
            .values(sha_code=forum.sha_code, forum_id=forum.id, member_id=member)
            .on_conflict_do_nothing()
        )
    else:
        await ctx.db.rows(
            delete(fm).where(
                fm.c.sha_code == forum.sha_code, fm.c.forum_id == forum.id, fm.c.member_id == member
            )
        )
    await record_audit(
        ctx.db,
        sha_code=forum.sha_code,
        action="forum.moderator.appoint" if moderator else "forum.moderator.dismiss",
        entity_type="Forum",
        entity_id=str(forum.id),
        detail={"member_id": str(member)},
    )
    return Forum.from_row(forum)


@functools.cache
def _insert_post_statement(same_sha: bool) -> Prepared:
    """Insert the post, write its audit row and move the thread's last post time in one
    statement (data-modifying CTEs: one round trip, not three); built once per form,
    run prepared. A reply in a national thread of
    another SHA cannot move that SHA's thread (`same_sha=False`): `forum_national_reply`
    does."""
    post = (
        insert(forum_posts)
        .values(
            sha_code=bindparam("sha", type_=Text),
            thread_id=bindparam("thread"),
            thread_sha_code=bindparam("thread_sha", type_=Text),
            forum_id=bindparam("forum"),
            forum_sha_code=bindparam("forum_sha", type_=Text),
            forum_is_national=bindparam("national"),
            author_id=bindparam("author"),
            body_markdown=bindparam("body", type_=Text),
        )
        .returning(*forum_posts.c)
        .cte("post")
    )
    audited = audit_cte(
        post,
        action="forum.post.create",
        entity_type="ForumPost",
        detail=func.jsonb_build_object(
            literal("thread_id", Text),
            cast(post.c.thread_id, Text),
            literal("thread_sha_code", Text),
            post.c.thread_sha_code,
            literal("length", Text),
            func.length(post.c.body_markdown),
        ),
        name="audited",
    )
    columns = [
        *post.c,
        select(func.count()).select_from(audited).scalar_subquery().label("audited"),
    ]
    if same_sha:
        moved = (
            update(forum_threads)
            .where(
                forum_threads.c.sha_code == bindparam("thread_sha", type_=Text),
                forum_threads.c.id == bindparam("thread"),
            )
            .values(last_post_at=select(post.c.created_at).scalar_subquery())
            .returning(forum_threads.c.id)
            .cte("moved")
        )
        columns.append(
            select(func.count()).select_from(moved).scalar_subquery().label("threads_moved")
        )
    return prepared(select(*columns))


async def _insert_post(ctx: Context, thread: Any, author: Any, body: str) -> Any:
    """The post in its author's SHA, with its audit row (see `_insert_post_statement`)."""
    same_sha = author.sha_code == thread.sha_code
    row = await ctx.db.first(
        _insert_post_statement(same_sha),
        {
            "sha": author.sha_code,
            "thread": thread.id,
            "thread_sha": thread.sha_code,
            "forum": thread.forum_id,
            "forum_sha": thread.forum_sha_code,
            "national": thread.forum_is_national,
            "author": author.member_id,
            "body": body,
            **audit_params(ctx.db),
        },
    )
    assert row is not None and row.audited == 1 and (not same_sha or row.threads_moved == 1)
    ctx.db.announce(POSTS_CHANNEL, _live_payload(row))
    return row


def _live_payload(post: Any) -> str:
    """What live subscribers hear of a new post: its ids and SHAs only; each subscriber
    re-reads the post under its own tenant context."""
    return json.dumps(
        {
            "sha": post.sha_code,
            "post": str(post.id),
            "thread": str(post.thread_id),
            "forum": str(post.forum_id),
            "thread_sha": post.thread_sha_code,
            "forum_sha": post.forum_sha_code,
        },
        separators=(",", ":"),
    )


async def start_thread(
    ctx: Context, forum_id: str, title: str, body: str
) -> tuple[ForumThread, ForumPost]:
    """A thread and its first post, in the starter's SHA (a national forum's threads
    come from every SHA; a regional forum's from its own)."""
    forum = await _row(ctx, forums, forum_id, "Forum", "forumId", national=True)
    require(check_text(title, "title", max_length=200) + check_body(body))
    actor = await require_participant(ctx, forum)
    assert actor.member_id is not None
    thread = await ctx.db.first(
        insert(forum_threads)
        .values(
            sha_code=actor.sha_code,
            forum_id=forum.id,
            forum_sha_code=forum.sha_code,
            forum_is_national=forum.is_national,
            author_id=actor.member_id,
            title=title.strip(),
        )
        .returning(*forum_threads.c)
    )
    assert thread is not None
    await record_audit(
        ctx.db,
        sha_code=thread.sha_code,
        action="forum.thread.create",
        entity_type="ForumThread",
        entity_id=str(thread.id),
        detail={
            "forum_id": str(forum.id),
            "forum_sha_code": forum.sha_code,
            "title": thread.title,
        },
    )
    post = await _insert_post(ctx, thread, actor, body)
    from resolvers.notifications.hooks import post_added

    await post_added(ctx, post, thread, actor.member_id)
    return ForumThread.from_row(thread), ForumPost.from_row(post)


@functools.cache
def _posting_statement() -> Prepared:
    """A thread with what posting to it needs, in one statement (one round trip, not
    four): its forum's audience, the caller's member row and whether the member was
    removed from the forum. Built once, run prepared. Every table names the SHA as the
    parameter itself, outer join included, so Citus routes it to the SHA's shard."""
    t, f, m, r = forum_threads, forums, members, forum_removals
    sha = bindparam("sha", type_=Text)
    removed = (
        select(r.c.member_id)
        .where(
            r.c.sha_code == sha,
            r.c.forum_id == t.c.forum_id,
            r.c.member_id == bindparam("member"),
        )
        .exists()
    )
    return prepared(
        select(
            *t.c,
            f.c.audience_role.label("forum_audience_role"),
            f.c.audience_profession.label("forum_audience_profession"),
            m.c.id.label("member_id"),
            m.c.roles.label("member_roles"),
            m.c.status.label("member_status"),
            m.c.profession.label("member_profession"),
            removed.label("removed"),
        )
        .select_from(
            t.join(f, (f.c.sha_code == sha) & (f.c.id == t.c.forum_id)).outerjoin(
                m, (m.c.sha_code == sha) & (m.c.id == bindparam("member"))
            )
        )
        .where(t.c.sha_code == sha, t.c.id == bindparam("thread"))
    )


@dataclass(frozen=True)
class _Audience:
    sha_code: str
    id: uuid.UUID
    is_national: bool
    audience_role: str | None
    audience_profession: str | None


@dataclass(frozen=True)
class _MemberRow:
    id: uuid.UUID
    roles: list[str]
    status: str
    profession: str | None


async def add_post(ctx: Context, thread_id: str, body: str) -> ForumPost:
    """A reply. A thread of a regional forum in the caller's reach comes back with all
    posting needs in one statement; a national forum's (its forum, and the writer, may
    be in other SHAs) takes the general path."""
    gid = parse_id(thread_id, "ForumThread", "threadId")
    sha = gid.sha_code
    thread = None
    if sha in ctx.scope.read:
        key = member_key_in(ctx, sha)
        thread = await ctx.db.first(
            _posting_statement(),
            # no member: a key no row has, not NULL (Citus prunes `id = NULL` to no
            # shard at all and then refuses the outer join: "complex joins ...")
            {"sha": sha, "thread": uuid.UUID(gid.key), "member": key or NO_MEMBER},
        )
    if thread is None or thread.forum_is_national:
        return await _add_post_anywhere(ctx, thread_id, body)
    require(check_body(body))
    member = (
        None
        if thread.member_id is None
        else _MemberRow(
            thread.member_id, thread.member_roles, thread.member_status, thread.member_profession
        )
    )
    forum = _Audience(
        sha, thread.forum_id, False, thread.forum_audience_role, thread.forum_audience_profession
    )
    actor = await participant(
        ctx, forum, actor_from(ctx, sha, member), removed=bool(thread.removed)
    )
    return await _reply(ctx, thread, actor, body)


async def _add_post_anywhere(ctx: Context, thread_id: str, body: str) -> ForumPost:
    thread = await _row(ctx, forum_threads, thread_id, "ForumThread", "threadId", national=True)
    require(check_body(body))
    forum = await _forum(ctx, thread.forum_sha_code, thread.forum_id)
    return await _reply(ctx, thread, await require_participant(ctx, forum), body)


async def _reply(ctx: Context, thread: Any, actor: Any, body: str) -> ForumPost:
    assert actor.member_id is not None
    if thread.locked:
        raise NotAllowed("the thread is locked")
    post = await _insert_post(ctx, thread, actor, body)
    from resolvers.notifications.hooks import post_added

    await post_added(ctx, post, thread, actor.member_id)
    return ForumPost.from_row(post)


async def edit_post(ctx: Context, post_id: str, body: str) -> ForumPost:
    """Replace a post's text, keeping the old text as a revision. Authors only."""
    post = await _row(ctx, forum_posts, post_id, "ForumPost", "postId")
    require(check_body(body))
    actor = await require_participant(ctx, await _forum(ctx, post.forum_sha_code, post.forum_id))
    if actor.member_id != post.author_id or actor.sha_code != post.sha_code:
        raise NotAllowed("only the author may edit a post")
    if post.hidden:
        raise NotAllowed("a hidden post cannot be edited")
    thread = await ctx.db.first(
        select(forum_threads.c.locked).where(
            forum_threads.c.sha_code == post.thread_sha_code, forum_threads.c.id == post.thread_id
        )
    )
    if thread is not None and thread.locked:
        raise NotAllowed("the thread is locked")
    await ctx.db.rows(
        insert(forum_post_revisions).values(
            sha_code=post.sha_code,
            post_id=post.id,
            body_markdown=post.body_markdown,
            written_at=post.edited_at or post.created_at,
            replaced_by=ctx.db.actor,
        )
    )
    row = await update_audited(
        ctx.db,
        forum_posts,
        sha_code=post.sha_code,
        key=post.id,
        values=dict(body_markdown=body, edited_at=_now()),
        action="forum.post.edit",
        entity_type="ForumPost",
        detail={"length": len(body)},
    )
    return ForumPost.from_row(row)


def _now() -> dt.datetime:
    """The edit's own time (not the transaction's), as a parameter: Citus refuses a
    volatile function such as clock_timestamp() in an UPDATE of a distributed table."""
    return dt.datetime.now(dt.UTC)


def _same_sha(actor: Any, post: Any, what: str) -> None:
    """Reactions and reports are kept with the post, in its SHA, naming a member of it:
    a member of another SHA cannot leave one on a national forum's post."""
    if actor.sha_code != post.sha_code:
        raise NotAllowed(
            f"{what} on a post written in SHA {post.sha_code} are kept there; members of"
            " other SHAs reply in the thread instead (national leads moderate it)"
        )


async def react_to_post(ctx: Context, post_id: str, kind: ReactionKind, remove: bool) -> ForumPost:
    post = await _row(ctx, forum_posts, post_id, "ForumPost", "postId", national=True)
    actor = await require_participant(ctx, await _forum(ctx, post.forum_sha_code, post.forum_id))
    _same_sha(actor, post, "reactions")
    if post.hidden:
        raise NotAllowed("a hidden post takes no reactions")
    r = forum_post_reactions
    if remove:
        await ctx.db.rows(
            delete(r).where(
                r.c.sha_code == post.sha_code,
                r.c.post_id == post.id,
                r.c.member_id == actor.member_id,
                r.c.kind == kind.value,
            )
        )
    else:
        await ctx.db.rows(
            pg_insert(r)
            .values(
                sha_code=post.sha_code, post_id=post.id, member_id=actor.member_id, kind=kind.value
            )
            .on_conflict_do_nothing()
        )
    await record_audit(
        ctx.db,
        sha_code=post.sha_code,
        action="forum.post.unreact" if remove else "forum.post.react",
        entity_type="ForumPost",
        entity_id=str(post.id),
        detail={"kind": kind.value},
    )
    return ForumPost.from_row(post)


async def report_post(ctx: Context, post_id: str, reason: str) -> PostReport:
    post = await _row(ctx, forum_posts, post_id, "ForumPost", "postId", national=True)
    check_reason(reason)
    if post.sha_code not in ctx.scope.write and post.forum_is_national:
        raise NotAllowed(
            f"reports on a post written in SHA {post.sha_code} are kept there; tell a"
            " national lead, who moderates national forums"
        )
    actor = await actor_in(ctx, post.sha_code)
    existing = await ctx.db.scalar(
        select(forum_post_reports.c.id).where(
            forum_post_reports.c.sha_code == post.sha_code,
            forum_post_reports.c.post_id == post.id,
            forum_post_reports.c.reporter_id == actor.member_id,
        )
    )
    if existing is not None:
        raise Conflict("you have already reported this post")
    row = await ctx.db.first(
        insert(forum_post_reports)
        .values(
            sha_code=post.sha_code,
            post_id=post.id,
            reporter_id=actor.member_id,
            reason=reason.strip(),
        )
        .returning(*forum_post_reports.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=post.sha_code,
        action="forum.post.report",
        entity_type="ForumPost",
        entity_id=str(post.id),
        detail={"reason": row.reason},
    )
    return PostReport.from_row(row)


async def hide_post(ctx: Context, post_id: str, reason: str | None, hidden: bool) -> ForumPost:
    """Moderation: hide a post with a reason (or show it again); resolves its reports."""
    post = await _row(ctx, forum_posts, post_id, "ForumPost", "postId", national=True)
    if hidden:
        if reason is None:
            raise ValidationFailed([FieldProblem("reason", "is required to hide a post")])
        check_reason(reason)
    forum = await _forum(ctx, post.forum_sha_code, post.forum_id)
    await require_moderator(ctx, forum, post.sha_code)
    row = await update_audited(
        ctx.db,
        forum_posts,
        sha_code=post.sha_code,
        key=post.id,
        values={
            "hidden": hidden,
            "hidden_reason": reason.strip() if hidden and reason else None,
            "hidden_by": ctx.db.actor if hidden else None,
        },
        action="forum.moderation.hide_post" if hidden else "forum.moderation.unhide_post",
        entity_type="ForumPost",
        detail={"reason": reason},
    )
    if hidden:
        await ctx.db.rows(
            update(forum_post_reports)
            .where(
                forum_post_reports.c.sha_code == post.sha_code,
                forum_post_reports.c.post_id == post.id,
            )
            .values(status="RESOLVED")
        )
    return ForumPost.from_row(row)


async def lock_thread(
    ctx: Context, thread_id: str, reason: str | None, locked: bool
) -> ForumThread:
    thread = await _row(ctx, forum_threads, thread_id, "ForumThread", "threadId", national=True)
    if locked and reason is not None:
        check_reason(reason)
    forum = await _forum(ctx, thread.forum_sha_code, thread.forum_id)
    await require_moderator(ctx, forum, thread.sha_code)
    row = await update_audited(
        ctx.db,
        forum_threads,
        sha_code=thread.sha_code,
        key=thread.id,
        values=dict(locked=locked, lock_reason=reason.strip() if locked and reason else None),
        action="forum.moderation.lock_thread" if locked else "forum.moderation.unlock_thread",
        entity_type="ForumThread",
        detail={"reason": reason},
    )
    return ForumThread.from_row(row)


async def remove_forum_member(ctx: Context, forum_id: str, member_id: str, reason: str) -> Forum:
    """Moderation: a removed member can no longer post, react or start threads there."""
    forum = await _row(ctx, forums, forum_id, "Forum", "forumId", national=True)
    check_reason(reason)
    if forum.is_national:
        raise NotAllowed(
            "members are not removed from a national forum: national leads hide their posts"
            " and lock threads"
        )
    await require_moderator(ctx, forum, forum.sha_code)
    [member] = await _members_of(ctx, forum.sha_code, [member_id], "memberId")
    is_mod = await ctx.db.scalar(
        select(forum_moderators.c.member_id).where(
            forum_moderators.c.sha_code == forum.sha_code,
            forum_moderators.c.forum_id == forum.id,
            forum_moderators.c.member_id == member,
        )
    )
    if is_mod is not None:
        raise ValidationFailed([FieldProblem("memberId", "dismiss a moderator before removing")])
    await ctx.db.rows(
        pg_insert(forum_removals)
        .values(
            sha_code=forum.sha_code,
            forum_id=forum.id,
            member_id=member,
            reason=reason.strip(),
            removed_by=ctx.db.actor,
        )
        .on_conflict_do_nothing()
    )
    await record_audit(
        ctx.db,
        sha_code=forum.sha_code,
        action="forum.moderation.remove_member",
        entity_type="Forum",
        entity_id=str(forum.id),
        detail={"member_id": str(member), "reason": reason.strip()},
    )
    return Forum.from_row(forum)
