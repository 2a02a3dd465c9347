"""The learning-set section of the national dashboard: attendance per SHA, one GROUP BY."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text

from resolvers.common.loaders import RequestLoader

ShaKey = tuple[str, ...]

_ATTENDANCE = text(
    """
    SELECT s.sha_code,
           count(DISTINCT s.id) AS sets,
           count(DISTINCT s.id) FILTER (WHERE s.status = 'ACTIVE') AS active_sets,
           count(DISTINCT m.id) AS meetings_held,
           count(a.member_id) AS records,
           count(a.member_id) FILTER (WHERE a.status = 'ATTENDED') AS attended,
           round(count(a.member_id) FILTER (WHERE a.status = 'ATTENDED')::numeric
                 / nullif(count(a.member_id), 0), 3)::float AS rate
    FROM learning_sets s
    LEFT JOIN learning_set_meetings m
           ON m.sha_code = s.sha_code AND m.set_id = s.id AND m.status = 'HELD'
          AND m.sha_code IN :shas
    LEFT JOIN learning_set_attendance a
           ON a.sha_code = m.sha_code AND a.meeting_id = m.id AND a.sha_code IN :shas
    WHERE s.sha_code IN :shas
    GROUP BY s.sha_code
    """
).bindparams(bindparam("shas", expanding=True))


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


class SetAttendanceByShasLoader(RequestLoader[ShaKey, dict[str, SetAttendance]]):
    async def load_batch(self, keys: list[ShaKey]) -> Sequence[dict[str, SetAttendance]]:
        codes = sorted({c for key in keys for c in key})
        if not codes:
            return [{} for _ in keys]
        rows = {
            r.sha_code: SetAttendance(
                r.sha_code, r.sets, r.active_sets, r.meetings_held, r.records, r.attended, r.rate
            )
            for r in await self.ctx.db.rows(_ATTENDANCE, {"shas": codes})
        }
        return [{c: rows[c] for c in key if c in rows} for key in keys]
