"""DataLoaders of the directory: one SQL statement per batch, whatever the batch size."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select, tuple_

from resolvers.common.loaders import RequestLoader, group_rows
from resolvers.directory.enums import ShaStatus
from resolvers.directory.tables import members, organisations, sha_status_history
from resolvers.directory.types import Member, Organisation, StatusChange

Key = tuple[str, uuid.UUID]


@functools.cache
def _by_key_statement(table: Any) -> Any:
    """Built once per table: expanding bind parameters take each batch's values, so a
    batch costs no statement building (profiled: ~0.5 ms per statement otherwise)."""
    return select(table).where(
        table.c.sha_code.in_(bindparam("shas", expanding=True)),
        tuple_(table.c.sha_code, table.c.id).in_(bindparam("keys", expanding=True)),
    )


async def rows_by_key(ctx: Any, table: Any, keys: list[Key]) -> Sequence[Any]:
    """`sha_code IN (...)` prunes partitions; the tuple IN picks the rows."""
    shas = sorted({k[0] for k in keys})
    return await ctx.db.rows(_by_key_statement(table), {"shas": shas, "keys": list(keys)})


class OrganisationByIdLoader(RequestLoader[Key, Organisation | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[Organisation | None]:
        rows = await rows_by_key(self.ctx, organisations, keys)
        found = {(r.sha_code, r.id): Organisation.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class MemberByIdLoader(RequestLoader[Key, Member | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[Member | None]:
        rows = await rows_by_key(self.ctx, members, keys)
        found = {(r.sha_code, r.id): Member.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class CountByShaLoader(RequestLoader[str, int]):
    """Rows of `table` per SHA visible to the caller: one GROUP BY for every SHA asked."""

    table: Any

    async def load_batch(self, keys: list[str]) -> Sequence[int]:
        sha_code = self.table.c.sha_code
        query = (
            select(sha_code, func.count().label("n")).where(sha_code.in_(keys)).group_by(sha_code)
        )
        counts = {r.sha_code: r.n for r in await self.ctx.db.rows(query)}
        return [counts.get(k, 0) for k in keys]


class MemberCountByShaLoader(CountByShaLoader):
    table = members


class OrganisationCountByShaLoader(CountByShaLoader):
    table = organisations


class MemberCountByOrganisationLoader(RequestLoader[Key, int]):
    async def load_batch(self, keys: list[Key]) -> Sequence[int]:
        shas = sorted({k[0] for k in keys})
        query = (
            select(members.c.sha_code, members.c.organisation_id, func.count().label("n"))
            .where(
                members.c.sha_code.in_(shas),
                tuple_(members.c.sha_code, members.c.organisation_id).in_(keys),
            )
            .group_by(members.c.sha_code, members.c.organisation_id)
        )
        counts = {(r.sha_code, r.organisation_id): r.n for r in await self.ctx.db.rows(query)}
        return [counts.get(k, 0) for k in keys]


class StatusHistoryByShaLoader(RequestLoader[str, list[StatusChange]]):
    async def load_batch(self, keys: list[str]) -> Sequence[list[StatusChange]]:
        query = (
            select(sha_status_history)
            .where(sha_status_history.c.sha_code.in_(keys))
            .order_by(sha_status_history.c.sha_code, sha_status_history.c.changed_at)
        )
        grouped = group_rows(await self.ctx.db.rows(query), lambda r: r.sha_code)
        return [
            [
                StatusChange(
                    status=ShaStatus(r.status),
                    changed_at=r.changed_at,
                    changed_by=r.changed_by,
                    note=r.note,
                )
                for r in grouped.get(k, [])
            ]
            for k in keys
        ]
