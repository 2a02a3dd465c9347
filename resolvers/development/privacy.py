"""Who may read individual self-assessments.

Self-assessments are personal: a member reads their own; SHA admins, national
leads and platform admins read every one in their reach (to plan training). The
aggregate gap report carries no names and is open to every caller of the SHA.
"""

from __future__ import annotations

import uuid

from auth.principal import Role
from resolvers.common.context import Context

PRIVILEGED = (Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)


def reads_all_assessments(ctx: Context) -> bool:
    p = ctx.principal
    return p is not None and p.kind == "user" and p.has_role(*PRIVILEGED)


def own_member_key(ctx: Context) -> tuple[str, uuid.UUID] | None:
    """The caller's own (SHA, member id), when the token names one."""
    p = ctx.principal
    if p is None or not p.member_id or not p.home_sha:
        return None
    try:
        return (p.home_sha, uuid.UUID(p.member_id))
    except ValueError:
        return None


def may_read_assessments_of(ctx: Context, sha: str, member: uuid.UUID) -> bool:
    return reads_all_assessments(ctx) or own_member_key(ctx) == (sha, member)
