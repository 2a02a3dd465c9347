"""Per-request loaders of programmes, cohorts and selection counts (one statement each)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, tuple_

from resolvers.common.loaders import RequestLoader
from resolvers.programmes.tables import applications, cohorts, programmes
from resolvers.programmes.types import Programme, ProgrammeCohort

Key = tuple[str, uuid.UUID]


class ProgrammeByIdLoader(RequestLoader[Key, Programme | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[Programme | None]:
        p = programmes.c
        rows = await self.ctx.db.rows(
            select(programmes).where(
                p.sha_code.in_(sorted({k[0] for k in keys})), tuple_(p.sha_code, p.id).in_(keys)
            )
        )
        found = {(r.sha_code, r.id): Programme.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class CohortByIdLoader(RequestLoader[Key, ProgrammeCohort | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[ProgrammeCohort | None]:
        c = cohorts.c
        rows = await self.ctx.db.rows(
            select(cohorts).where(
                c.sha_code.in_(sorted({k[0] for k in keys})), tuple_(c.sha_code, c.id).in_(keys)
            )
        )
        found = {(r.sha_code, r.id): ProgrammeCohort.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class CohortsByProgrammeLoader(RequestLoader[Key, list[ProgrammeCohort]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[ProgrammeCohort]]:
        c = cohorts.c
        rows = await self.ctx.db.rows(
            select(cohorts)
            .where(c.sha_code.in_(sorted({k[0] for k in keys})))
            .where(tuple_(c.sha_code, c.programme_id).in_(keys))
            .order_by(c.starts_on, c.name)
        )
        found: dict[Key, list[ProgrammeCohort]] = {k: [] for k in keys}
        for r in rows:
            found[(r.sha_code, r.programme_id)].append(ProgrammeCohort.from_row(r))
        return [found[k] for k in keys]


class SelectedCountLoader(RequestLoader[Key, int]):
    """Selected applications per programme over the SHAs the request reads (RLS)."""

    async def load_batch(self, keys: list[Key]) -> Sequence[int]:
        a = applications.c
        rows = await self.ctx.db.rows(
            select(a.programme_sha_code, a.programme_id, func.count().label("n"))
            .where(a.sha_code.in_(sorted(self.ctx.scope.read)))
            .where(tuple_(a.programme_sha_code, a.programme_id).in_(keys))
            .where(a.status == "SELECTED")
            .group_by(a.programme_sha_code, a.programme_id)
        )
        found = {(r.programme_sha_code, r.programme_id): r.n for r in rows}
        return [found.get(k, 0) for k in keys]
