"""Who reads which case study, as one SQL predicate (RLS is the safety net under it).

* NATIONAL: every caller with any tenant scope (RLS `extra_read` on
  `published_nationally`).
* REGIONAL: callers who may read the owning SHA.
* DRAFT: editors of the owning SHA only (SHA admins within their writable SHAs,
  platform admins).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_

from auth.principal import Role
from resolvers.common.context import Context
from resolvers.knowledge.tables import case_studies

EDITOR_ROLES = (Role.SHA_ADMIN, Role.PLATFORM_ADMIN)


def editable_shas(ctx: Context) -> list[str]:
    principal = ctx.principal
    if principal is None or principal.kind != "user" or not principal.has_role(*EDITOR_ROLES):
        return []
    return sorted(ctx.scope.write)


def visible(ctx: Context, own_shas: list[str], include_national: bool = True) -> Any:
    c = case_studies.c
    editors = editable_shas(ctx)
    own = c.sha_code.in_(own_shas) & (
        (c.status != "DRAFT") | (c.sha_code.in_(editors) if editors else false())
    )
    if not include_national or not ctx.scope.read:
        return own
    return or_(own, c.published_nationally.is_(True))
