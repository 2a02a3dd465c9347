"""The public principal: what a visitor with no token may read, and how.

Anonymous requests keep an empty tenant scope, so every other field still answers
UNAUTHENTICATED and reads nothing. The public fields alone read through a separate,
read-only transaction whose scope is the public reach (pilot and live SHAs, narrowed
to the region the request names) and whose statements select only content flagged
public: published portal pages, public events, nationally published case studies.
Nothing personal is selected (no member, author, speaker or registration).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable

from resolvers.common.context import Context
from tenants.scope import TenantScope, public_reach
from tenants.transaction import tenant_transaction

PUBLIC_ACTOR = "public"


def public_shas(ctx: Context, wanted: Sequence[str] | None = None) -> list[str]:
    """The SHAs the public may read for this request: the public reach, narrowed to
    the region the request names and to `wanted`."""
    codes = public_reach(ctx.shas)
    if ctx.scope.requested is not None:
        codes &= ctx.scope.requested
    if wanted:
        codes &= frozenset(wanted)
    return sorted(codes)


async def public_rows(ctx: Context, codes: Sequence[str], statement: Executable) -> list[Any]:
    """Run one read in the public transaction (read scope `codes`, write none)."""
    if not codes:
        return []
    async with tenant_transaction(
        ctx.engine,
        TenantScope(read=frozenset(codes)),
        actor=PUBLIC_ACTOR,
        statement_timeout_ms=ctx.settings.statement_timeout_ms,
        mode=ctx.settings.tenancy_mode,
        prepared=ctx.settings.fast_path,
    ) as db:
        return list(await db.rows(statement))
