"""Which member the caller is: the member record of a staff token's own SHA.

Development tokens carry `cln_member_id`; staff tokens from an OIDC issuer are linked
through `member_identities` when authenticated (auth/oidc). Partners and national
roles without a member record have none.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from resolvers.common.context import Context
from resolvers.common.errors import NotAllowed
from resolvers.directory.privacy import own_member
from resolvers.directory.tables import members


@dataclass(frozen=True)
class Me:
    sha_code: str
    member_id: uuid.UUID

    @property
    def key(self) -> tuple[str, uuid.UUID]:
        return (self.sha_code, self.member_id)


def me(ctx: Context) -> Me | None:
    """The caller's own member key, or None (partners, national roles, unlinked)."""
    p = ctx.principal
    member_id = own_member(p)
    if p is None or member_id is None or p.home_sha is None or p.home_sha not in ctx.scope.read:
        return None
    return Me(p.home_sha, member_id)


def require_me(ctx: Context) -> Me:
    """For self-service writes: the caller's member key, in a region it may write."""
    found = me(ctx)
    if found is None:
        raise NotAllowed("only a member acting for herself may do this")
    if found.sha_code not in ctx.scope.write:
        raise NotAllowed(f"SHA {found.sha_code} is read-only for you")
    return found


async def require_member(ctx: Context) -> Me:
    """`require_me`, and her record is an active member's (not erased, not left): a
    token issued before she left acts for nobody."""
    from sqlalchemy import select

    found = require_me(ctx)
    active = await ctx.db.scalar(
        select(members.c.id).where(
            members.c.sha_code == found.sha_code,
            members.c.id == found.member_id,
            members.c.status == "ACTIVE",
            members.c.erased_at.is_(None),
        )
    )
    if active is None:
        raise NotAllowed("your member record is not active")
    return found
