"""One loader per dashboard section, keyed by the SHA codes it covers, each reading the
rollup tables the services keep (migration 1300, `resolvers/rollups/counts.py`): a few hundred rows
whatever the number of members, and the same number of statements for two SHAs or ten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, String, TextClause, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY

from resolvers.common.loaders import RequestLoader
from tenants.prepared import prepared

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


@dataclass(frozen=True)
class LevelDistribution:
    """Organisations at each Escalator level in one SHA and policy area."""

    sha_code: str
    policy_area: str
    levels: tuple[int, int, int, int]
    organisations: int


@dataclass(frozen=True)
class DashboardRollups:
    """What the dashboard's member, rollout and Escalator sections read, for some SHAs
    and one Escalator period."""

    members: list[MemberCounts]
    organisations: dict[str, int]
    levels: list[LevelDistribution]


# The three sections' rollups in one statement (one round trip, one plan kept by the
# connection): rows tagged by section, `a`-`e` their figures. Reading members and
# organisations for a client that selected only the Escalator levels costs a few
# hundred rows more; a round trip per section cost more than that.
_DASHBOARD_ROLLUPS = prepared(
    text(
        """
        SELECT 'M' AS section, sha_code, profession AS key, sum(members)::bigint AS a,
               coalesce(sum(members) FILTER (WHERE status = 'ACTIVE'), 0)::bigint AS b,
               NULL::bigint AS c, NULL::bigint AS d, NULL::bigint AS e
        FROM rollup_members
        WHERE sha_code = ANY(:shas)
        GROUP BY sha_code, profession
        HAVING sum(members) > 0
        UNION ALL
        SELECT 'O', sha_code, NULL, organisations, NULL, NULL, NULL, NULL
        FROM rollup_organisations
        WHERE sha_code = ANY(:shas)
        UNION ALL
        SELECT 'L', sha_code, policy_area,
               sum(organisations) FILTER (WHERE level = 1)::bigint,
               sum(organisations) FILTER (WHERE level = 2)::bigint,
               sum(organisations) FILTER (WHERE level = 3)::bigint,
               sum(organisations) FILTER (WHERE level = 4)::bigint,
               sum(organisations)::bigint
        FROM rollup_escalator_levels
        WHERE sha_code = ANY(:shas) AND period = :period
        GROUP BY sha_code, policy_area
        HAVING sum(organisations) > 0
        ORDER BY section, sha_code, key
        """
    )
    .bindparams(bindparam("shas", type_=ARRAY(String)), bindparam("period", type_=String))
    .columns(
        section=String,
        sha_code=String,
        key=String,
        a=BigInteger,
        b=BigInteger,
        c=BigInteger,
        d=BigInteger,
        e=BigInteger,
    )
)


def _rollups(rows: Sequence[Any]) -> DashboardRollups:
    found = DashboardRollups([], {}, [])
    for section, sha_code, key, a, b, c, d, e in rows:
        if section == "M":
            found.members.append(MemberCounts(sha_code, key, a, b))
        elif section == "O":
            found.organisations[sha_code] = a
        else:
            found.levels.append(LevelDistribution(sha_code, key, (a, b, c, d), e))
    return found


def _narrowed(rollups: DashboardRollups, key: ShaKey) -> DashboardRollups:
    codes = set(key)
    return DashboardRollups(
        [m for m in rollups.members if m.sha_code in codes],
        {c: n for c, n in rollups.organisations.items() if c in codes},
        [x for x in rollups.levels if x.sha_code in codes],
    )


class DashboardRollupsLoader(RequestLoader[DistributionKey, DashboardRollups]):
    """The member counts, organisation counts and Escalator distribution of some SHAs
    (`period` None: each organisation's latest assessment): one statement per period
    asked in the request, whatever the sections selected."""

    async def load_batch(self, keys: list[DistributionKey]) -> Sequence[DashboardRollups]:
        found: dict[DistributionKey, DashboardRollups] = {}
        for period in {k[1] for k in keys}:
            asked = [k for k in keys if k[1] == period]
            codes = _codes([k[0] for k in asked])
            if codes:
                rows = await self.ctx.db.rows(
                    _DASHBOARD_ROLLUPS, {"shas": codes, "period": period or "LATEST"}
                )
                rollups = _rollups(rows)
            else:
                rollups = DashboardRollups([], {}, [])
            for key in asked:
                found[key] = (
                    rollups if len(set(key[0])) == len(codes) else _narrowed(rollups, key[0])
                )
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
