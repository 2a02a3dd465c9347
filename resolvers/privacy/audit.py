"""Write the read audit: which administrator was shown which members' personal data.

Resolvers of personal fields note each read on the request context
(`resolvers.directory.privacy.note_read`); after the operation one row per SHA read
goes into `personal_data_reads`, in the request's own transaction. A request that
showed no personal data of another member writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError
from strawberry.extensions import SchemaExtension

from resolvers.common.context import Context
from resolvers.privacy.tables import personal_data_reads

log = logging.getLogger(__name__)


def audit_rows(ctx: Context) -> list[dict[str, Any]]:
    """One row per SHA read, its member ids in the order the caller was shown them."""
    by_sha: dict[str, tuple[list[Any], set[str]]] = {}
    for (sha, member_id), fields in (ctx.personal_reads or {}).items():
        ids, names = by_sha.setdefault(sha, ([], set()))
        ids.append(member_id)
        names |= fields
    principal = ctx.principal
    assert principal is not None
    return [
        {
            "actor": principal.audit_name,
            "actor_roles": sorted(r.value for r in principal.roles),
            "member_sha": sha,
            "member_ids": ids,
            "fields": sorted(names),
            "request_id": ctx.request_id or None,
        }
        for sha, (ids, names) in sorted(by_sha.items(), key=lambda item: item[0])
    ]


class PersonalDataReadAudit(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        ctx: Context = self.execution_context.context
        if not ctx.personal_reads or ctx.principal is None or not ctx.db.begun:
            return
        try:  # one INSERT for every SHA read, whatever their number
            await ctx.db.rows(insert(personal_data_reads).values(audit_rows(ctx)))
        except DBAPIError:
            # only an already-failed transaction gets here; nothing of it commits
            log.warning("personal data read not recorded", exc_info=True)
        finally:
            ctx.personal_reads = None
