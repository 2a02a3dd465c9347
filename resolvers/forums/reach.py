"""What of the forums a caller reads: the rows of her SHAs, and the rows of national
forums in any SHA (their threads and posts stay in their writers' SHAs). RLS enforces
the same rule (migration 1400); this is the explicit predicate on top of it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_

from resolvers.common.context import Context


def national_flag(table: Any) -> Any:
    return table.c.is_national if table.name == "forums" else table.c.forum_is_national


def reach(ctx: Context, table: Any) -> Any:
    """Rows of the caller's SHAs, and national forums' rows of any SHA."""
    return or_(table.c.sha_code.in_(ctx.scope.read_list), national_flag(table).is_(True))
