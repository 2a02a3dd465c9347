"""One loader per dashboard section, keyed by the tuple of SHA codes it covers.

Each section is one GROUP BY statement with an explicit `sha_code IN (...)`, so
the dashboard costs the same number of statements for two SHAs or ten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, null, select, union_all

from resolvers.common.loaders import RequestLoader
from resolvers.common.sql import sha_literals
from resolvers.directory.tables import members, organisations

ShaKey = tuple[str, ...]


@dataclass(frozen=True)
class MemberCounts:
    """Members per (SHA, profession); `profession` None is the SHA's total."""

    sha_code: str
    profession: str | None
    members: int
    active: int


class MemberCountsLoader(RequestLoader[ShaKey, list[MemberCounts]]):
    async def load_batch(self, keys: list[ShaKey]) -> Sequence[list[MemberCounts]]:
        codes = sorted({c for key in keys for c in key})
        if not codes:
            return [[] for _ in keys]
        m = members.c
        counts = (
            func.count().label("members"),
            func.count().filter(m.status == "ACTIVE").label("active"),
        )
        # Two GROUP BYs in one statement rather than GROUPING SETS, which Citus refuses
        # in a distributed query: per (SHA, profession), and the SHA's total.
        by_profession = (
            select(m.sha_code, m.profession, *counts)
            .where(sha_literals(m.sha_code, codes))
            .group_by(m.sha_code, m.profession)
        )
        totals = (
            select(m.sha_code, null().label("profession"), *counts)
            .where(sha_literals(m.sha_code, codes))
            .group_by(m.sha_code)
        )
        both = union_all(by_profession, totals).subquery()
        query = select(both).order_by(both.c.sha_code, both.c.profession.nulls_last())
        rows = [
            MemberCounts(r.sha_code, r.profession, r.members, r.active)
            for r in await self.ctx.db.rows(query)
        ]
        return [[r for r in rows if r.sha_code in key] for key in keys]


class OrganisationCountsLoader(RequestLoader[ShaKey, dict[str, int]]):
    async def load_batch(self, keys: list[ShaKey]) -> Sequence[dict[str, int]]:
        codes = sorted({c for key in keys for c in key})
        if not codes:
            return [{} for _ in keys]
        o = organisations.c
        query = (
            select(o.sha_code, func.count().label("n"))
            .where(sha_literals(o.sha_code, codes))
            .group_by(o.sha_code)
        )
        counts = {r.sha_code: r.n for r in await self.ctx.db.rows(query)}
        return [{c: counts.get(c, 0) for c in key} for key in keys]
