"""Write the read audit: which administrator was shown which members' personal data.

Resolvers of personal fields note each read on the request context
(`resolvers.directory.privacy.note_read`); after the operation one row per SHA read
goes into `personal_data_reads`, in the request's own transaction. A request that
showed no personal data of another member writes nothing.

The usual request reads one SHA: its row goes in by a statement built once and run
prepared. Built per request, SQLAlchemy compiled the INSERT again each time (a list of
rows is not cached), which cost a wide page more than writing the row.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import bindparam, insert
from sqlalchemy.exc import DBAPIError
from strawberry.extensions import SchemaExtension

from resolvers.common.context import Context
from resolvers.privacy.tables import personal_data_reads
from tenants.prepared import Prepared, prepared

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


@functools.cache
def _one_sha_read() -> Prepared:
    """One SHA's row (the columns `audit_rows` gives), built once."""
    columns = ("actor", "actor_roles", "member_sha", "member_ids", "fields", "request_id")
    return prepared(
        insert(personal_data_reads).values(
            {name: bindparam(name, type_=personal_data_reads.c[name].type) for name in columns}
        )
    )


class PersonalDataReadAudit(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        ctx: Context = self.execution_context.context
        if not ctx.personal_reads or ctx.principal is None or not ctx.db.begun:
            return
        rows = audit_rows(ctx)
        try:  # one INSERT for every SHA read, whatever their number
            if len(rows) == 1:
                await ctx.db.rows(_one_sha_read(), rows[0])
            else:
                await ctx.db.rows(insert(personal_data_reads).values(rows))
        except DBAPIError:
            # only an already-failed transaction gets here; nothing of it commits
            log.warning("personal data read not recorded", exc_info=True)
        finally:
            ctx.personal_reads = None
