"""Who reads which case study, as one SQL predicate (RLS is the safety net under it).

* NATIONAL: every caller with any tenant scope (RLS `extra_read` on
  `published_nationally`).
* REGIONAL and NATIONAL_REVIEW: callers who may read the owning SHA.
* DRAFT and SUBMITTED: its author and contributors, and the editors of the owning
  SHA (SHA admins within their writable SHAs, platform admins).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, false, or_

from auth.principal import Role
from resolvers.common.context import Context
from resolvers.knowledge.tables import case_studies, contributors

UNPUBLISHED = ("DRAFT", "SUBMITTED")

EDITOR_ROLES = (Role.SHA_ADMIN, Role.PLATFORM_ADMIN)


def editable_shas(ctx: Context) -> list[str]:
    principal = ctx.principal
    if principal is None or principal.kind != "user" or not principal.has_role(*EDITOR_ROLES):
        return []
    return sorted(ctx.scope.write)


def visible(ctx: Context, own_shas: list[str], include_national: bool = True) -> Any:
    c = case_studies.c
    editors = editable_shas(ctx)
    may_see_unpublished: list[Any] = [c.sha_code.in_(editors) if editors else false()]
    me = caller_member(ctx)
    if me is not None:
        home, member = me
        k = contributors.c
        may_see_unpublished.append((c.sha_code == home) & (c.author_id == member))
        may_see_unpublished.append(
            (c.sha_code == home)
            & exists().where(
                k.sha_code == c.sha_code, k.case_study_id == c.id, k.member_id == member
            )
        )
    own = c.sha_code.in_(own_shas) & (c.status.not_in(UNPUBLISHED) | or_(*may_see_unpublished))
    if not include_national or not ctx.scope.read:
        return own
    return or_(own, c.published_nationally.is_(True))


def caller_member(ctx: Context) -> tuple[str, uuid.UUID] | None:
    """The caller's own member row (home SHA, id), if the sign-in names one."""
    principal = ctx.principal
    if principal is None or principal.kind != "user" or not principal.member_id:
        return None
    if principal.home_sha is None:
        return None
    try:
        return principal.home_sha, uuid.UUID(principal.member_id)
    except ValueError:
        return None
