"""Who is acting in a forum, and whether they may post or moderate there.

Forum actions are taken by a member: the token's `cln_member_id` names one member of
the caller's home SHA. A forum moderator is a member listed as moderator of that forum
(SHA admins of the forum's SHA may moderate too); anything else is a typed FORBIDDEN.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from auth.principal import Role
from resolvers.common.context import Context
from resolvers.common.errors import NotAllowed
from resolvers.common.ids import decode_id
from resolvers.common.mutation import ensure_writable
from resolvers.directory.tables import members
from resolvers.forums.tables import forum_moderators, forum_removals
from tenants.prepared import prepared


@dataclass(frozen=True)
class Actor:
    sha_code: str
    member_id: uuid.UUID | None
    roles: frozenset[str]
    is_admin: bool
    profession: str | None = None


# built once, run prepared (tenants/prepared.py): every post asks both
_MEMBER = prepared(
    select(members.c.id, members.c.roles, members.c.status, members.c.profession).where(
        members.c.sha_code == bindparam("sha"), members.c.id == bindparam("id")
    )
)
_REMOVAL = prepared(
    select(forum_removals.c.member_id).where(
        forum_removals.c.sha_code == bindparam("sha"),
        forum_removals.c.forum_id == bindparam("forum"),
        forum_removals.c.member_id == bindparam("member"),
    )
)


def _member_key(value: str, sha: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        pass
    try:
        gid = decode_id(value, "Member")
        return uuid.UUID(gid.key) if gid.sha_code == sha else None
    except Exception:
        return None


def member_key_in(ctx: Context, sha: str) -> uuid.UUID | None:
    """The member of `sha` the caller's token speaks for, if any (its row is read by
    `actor_in`, or joined into a caller's own statement and given to `actor_from`)."""
    principal = ctx.principal
    if principal is not None and principal.member_id and principal.home_sha == sha:
        return _member_key(principal.member_id, sha)
    return None


def actor_from(ctx: Context, sha: str, row: Any, *, need_member: bool = True) -> Actor:
    """The caller acting in `sha`, given its member row (`id`, `roles`, `status`,
    `profession`; None when it has none): an active member of it, or an admin of it."""
    ensure_writable(ctx, sha)
    principal = ctx.principal
    if principal is None:
        raise NotAllowed("authentication required")
    is_admin = principal.kind == "user" and (
        principal.has_role(Role.PLATFORM_ADMIN)
        or (principal.has_role(Role.SHA_ADMIN) and principal.home_sha == sha)
    )
    if row is None or row.status != "ACTIVE":
        if need_member or not is_admin:
            raise NotAllowed("only an active member of this SHA may do this")
        return Actor(sha, None, frozenset(), is_admin)
    return Actor(sha, row.id, frozenset(row.roles), is_admin, row.profession)


async def actor_in(ctx: Context, sha: str, *, need_member: bool = True) -> Actor:
    """The caller acting in `sha`: an active member of it, or an admin of it."""
    ensure_writable(ctx, sha)
    key = member_key_in(ctx, sha)
    row = None if key is None else await ctx.db.first(_MEMBER, {"sha": sha, "id": key})
    return actor_from(ctx, sha, row, need_member=need_member)


async def is_moderator(ctx: Context, actor: Actor, forum_id: uuid.UUID) -> bool:
    if actor.is_admin:
        return True
    if actor.member_id is None:
        return False
    found = await ctx.db.scalar(
        select(forum_moderators.c.member_id).where(
            forum_moderators.c.sha_code == actor.sha_code,
            forum_moderators.c.forum_id == forum_id,
            forum_moderators.c.member_id == actor.member_id,
        )
    )
    return found is not None


async def require_moderator(ctx: Context, forum: Any, row_sha: str) -> Actor:
    """A moderator of `forum` acting on a row of `row_sha`: for a national forum, a
    national lead (whose writable SHAs include the row's); otherwise one of the
    forum's moderators or an admin of its SHA."""
    if forum.is_national:
        ensure_writable(ctx, row_sha)
        p = ctx.principal
        if p is None or p.kind != "user" or not p.has_role(Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN):
            raise NotAllowed("national forums are moderated by the national leads")
        return Actor(row_sha, None, frozenset(), True)
    actor = await actor_in(ctx, forum.sha_code, need_member=False)
    if not await is_moderator(ctx, actor, forum.id):
        raise NotAllowed("only a moderator of this forum may do this")
    return actor


def acting_sha(ctx: Context, forum: Any) -> str:
    """Where a member writes in `forum`: its own SHA for a regional forum; her home SHA
    for a national one (her threads and posts stay in her region)."""
    if forum.is_national and ctx.principal is not None and ctx.principal.home_sha:
        return ctx.principal.home_sha
    return str(forum.sha_code)


async def require_participant(ctx: Context, forum: Any) -> Actor:
    """A member who may post in `forum`: not removed from it, holding its role if any.
    National forums take members of every running SHA, acting in their own."""
    actor = await actor_in(ctx, acting_sha(ctx, forum))
    removed = None
    if not forum.is_national:
        removed = await ctx.db.scalar(
            _REMOVAL, {"sha": forum.sha_code, "forum": forum.id, "member": actor.member_id}
        )
    return await participant(ctx, forum, actor, removed=removed is not None)


async def participant(ctx: Context, forum: Any, actor: Actor, *, removed: bool) -> Actor:
    """`actor` if it may post in `forum` (`sha_code`, `id`, `is_national`,
    `audience_role`, `audience_profession`), given whether it was removed from it."""
    if removed:
        raise NotAllowed("you have been removed from this forum")
    outsider = forum.audience_role and forum.audience_role not in actor.roles
    if outsider and not await _moderates(ctx, actor, forum):
        raise NotAllowed(f"this forum is for members holding the role {forum.audience_role}")
    other = forum.audience_profession and forum.audience_profession != actor.profession
    if other and not await _moderates(ctx, actor, forum):
        raise NotAllowed(
            f"this forum is for the {forum.audience_profession} profession; your profession is"
            f" {actor.profession}"
        )
    return actor


async def _moderates(ctx: Context, actor: Actor, forum: Any) -> bool:
    if forum.is_national:
        p = ctx.principal
        return p is not None and p.has_role(Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)
    return await is_moderator(ctx, actor, forum.id)
