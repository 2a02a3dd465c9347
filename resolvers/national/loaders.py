"""One loader per dashboard section, keyed by the SHA codes it covers, each reading the
rollup tables the services keep (migration 1300, `resolvers/rollups/counts.py`): a few hundred rows
whatever the number of members, and the same number of statements for two SHAs or ten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import String, TextClause, bindparam, text

from resolvers.common.loaders import RequestLoader

ShaKey = tuple[str, ...]
# (SHA codes, period or None for each organisation's latest assessment)
DistributionKey = tuple[ShaKey, str | None]


def _codes(keys: Sequence[ShaKey]) -> list[str]:
    return sorted({c for key in keys for c in key})


def with_shas(sql: str) -> TextClause:
    """The SHA codes are written into the statement as literals, so a generic plan
    still prunes partitions at plan time (as `sha_literals` does)."""
    return text(sql).bindparams(
        bindparam("shas", type_=String, expanding=True, literal_execute=True)
    )


@dataclass(frozen=True)
class MemberCounts:
    """Members of one profession in one SHA."""

    sha_code: str
    profession: str
    members: int
    active: int


_MEMBER_COUNTS = with_shas(
    """
    SELECT sha_code, profession, sum(members)::bigint AS members,
           coalesce(sum(members) FILTER (WHERE status = 'ACTIVE'), 0)::bigint AS active
    FROM rollup_members
    WHERE sha_code IN :shas
    GROUP BY sha_code, profession
    HAVING sum(members) > 0
    ORDER BY sha_code, profession
    """
)


class MemberCountsLoader(RequestLoader[ShaKey, list[MemberCounts]]):
    async def load_batch(self, keys: list[ShaKey]) -> Sequence[list[MemberCounts]]:
        codes = _codes(keys)
        if not codes:
            return [[] for _ in keys]
        rows = [
            MemberCounts(r.sha_code, r.profession, r.members, r.active)
            for r in await self.ctx.db.rows(_MEMBER_COUNTS, {"shas": codes})
        ]
        return [[r for r in rows if r.sha_code in key] for key in keys]


_ORGANISATION_COUNTS = with_shas(
    "SELECT sha_code, organisations FROM rollup_organisations WHERE sha_code IN :shas"
)


class OrganisationCountsLoader(RequestLoader[ShaKey, dict[str, int]]):
    async def load_batch(self, keys: list[ShaKey]) -> Sequence[dict[str, int]]:
        codes = _codes(keys)
        if not codes:
            return [{} for _ in keys]
        rows = await self.ctx.db.rows(_ORGANISATION_COUNTS, {"shas": codes})
        counts = {r.sha_code: r.organisations for r in rows}
        return [{c: counts.get(c, 0) for c in key} for key in keys]


@dataclass(frozen=True)
class LevelDistribution:
    """Organisations at each Escalator level in one SHA and policy area."""

    sha_code: str
    policy_area: str
    levels: tuple[int, int, int, int]
    organisations: int


_LEVELS = with_shas(
    """
    SELECT sha_code, policy_area,
           sum(organisations) FILTER (WHERE level = 1)::bigint AS l1,
           sum(organisations) FILTER (WHERE level = 2)::bigint AS l2,
           sum(organisations) FILTER (WHERE level = 3)::bigint AS l3,
           sum(organisations) FILTER (WHERE level = 4)::bigint AS l4,
           sum(organisations)::bigint AS total
    FROM rollup_escalator_levels
    WHERE sha_code IN :shas AND period = :period
    GROUP BY sha_code, policy_area
    HAVING sum(organisations) > 0
    ORDER BY sha_code, policy_area
    """
)


class EscalatorLevelsLoader(RequestLoader[DistributionKey, list[LevelDistribution]]):
    async def load_batch(self, keys: list[DistributionKey]) -> Sequence[list[LevelDistribution]]:
        found: dict[DistributionKey, list[LevelDistribution]] = {}
        for period in sorted({k[1] for k in keys}, key=lambda p: p or ""):
            codes = _codes([k[0] for k in keys if k[1] == period])
            rows = (
                await self.ctx.db.rows(_LEVELS, {"shas": codes, "period": period or "LATEST"})
                if codes
                else []
            )
            items = [
                LevelDistribution(r.sha_code, r.policy_area, (r.l1, r.l2, r.l3, r.l4), r.total)
                for r in rows
            ]
            for key in keys:
                if key[1] == period:
                    found[key] = [i for i in items if i.sha_code in key[0]]
        return [found[k] for k in keys]


@dataclass(frozen=True)
class SetAttendance:
    """Attendance figures of one SHA's learning sets (held meetings only)."""

    sha_code: str
    sets: int
    active_sets: int
    meetings_held: int
    records: int
    attended: int
    rate: float | None


_SET_ATTENDANCE = with_shas(
    """
    SELECT sha_code, count(*) AS sets, count(*) FILTER (WHERE active) AS active_sets,
           sum(meetings_held)::bigint AS meetings_held,
           sum(attendance_records)::bigint AS records, sum(attended)::bigint AS attended,
           round(sum(attended)::numeric / nullif(sum(attendance_records), 0), 3)::float AS rate
    FROM rollup_learning_sets
    WHERE sha_code IN :shas
    GROUP BY sha_code
    """
)


class SetAttendanceLoader(RequestLoader[ShaKey, dict[str, SetAttendance]]):
    async def load_batch(self, keys: list[ShaKey]) -> Sequence[dict[str, SetAttendance]]:
        codes = _codes(keys)
        if not codes:
            return [{} for _ in keys]
        rows = {
            r.sha_code: SetAttendance(
                r.sha_code, r.sets, r.active_sets, r.meetings_held, r.records, r.attended, r.rate
            )
            for r in await self.ctx.db.rows(_SET_ATTENDANCE, {"shas": codes})
        }
        return [{c: rows[c] for c in key if c in rows} for key in keys]
