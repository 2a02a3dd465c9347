"""Keep the national dashboard's rollup tables (migration 1300) in step with the writes.

A service that changes members, organisations, Escalator assessments or learning-set
attendance calls one function here, in its own transaction, after its write:

* counts that follow one row (members by SHA, profession and status; organisations
  per SHA) move by a delta, `ON CONFLICT DO UPDATE SET n = n + delta`, which
  PostgreSQL re-applies to the latest committed row when two writers meet;
* counts that depend on other rows (each organisation's latest assessment in an area;
  a set's held meetings and their attendance) are recounted for the one key written
  (a policy area of one SHA, one set), after locking that key's rollup row in a
  statement of its own, so the recount's snapshot already holds every committed write
  of the key that came before.

No triggers (the schema must distribute on Citus) and no GROUPING SETS.
`rebuild` (command `cln-graph rollups rebuild`) recomputes everything from the live
tables and reports the rows that differed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import column, insert, table, text


class Db(Protocol):
    async def rows(self, statement: Any, params: Any = None) -> Any: ...


# --- members and organisations: deltas ----------------------------------------------

_MEMBER_DELTA = """
    INSERT INTO rollup_members (sha_code, profession, status, members)
    VALUES {values}
    ON CONFLICT (sha_code, profession, status)
    DO UPDATE SET members = rollup_members.members + EXCLUDED.members
    """


@dataclass(frozen=True, order=True)
class MemberKey:
    """What a member is counted under."""

    profession: str
    status: str


async def member_changed(
    db: Db, sha_code: str, before: MemberKey | None, after: MemberKey | None
) -> None:
    """A member was created (`before` None) or changed; `before` must come from a row
    read FOR UPDATE, so two concurrent changes of one member see each other."""
    deltas: dict[MemberKey, int] = {}
    if before is not None:
        deltas[before] = deltas.get(before, 0) - 1
    if after is not None:
        deltas[after] = deltas.get(after, 0) + 1
    changed = sorted((k, d) for k, d in deltas.items() if d)  # one lock order for all writers
    if not changed:
        return
    values = ", ".join(f"(:sha, :p{i}, :s{i}, :d{i})" for i in range(len(changed)))
    params: dict[str, Any] = {"sha": sha_code}
    for i, (key, delta) in enumerate(changed):
        params |= {f"p{i}": key.profession, f"s{i}": key.status, f"d{i}": delta}
    await db.rows(text(_MEMBER_DELTA.format(values=values)), params)


_ORGANISATION_ADDED = text(
    """
    INSERT INTO rollup_organisations (sha_code, organisations) VALUES (:sha, 1)
    ON CONFLICT (sha_code)
    DO UPDATE SET organisations = rollup_organisations.organisations + 1
    """
)


async def organisation_added(db: Db, sha_code: str) -> None:
    await db.rows(_ORGANISATION_ADDED, {"sha": sha_code})


# --- Escalator levels: recount one policy area of one SHA ---------------------------

# the row's default time, not now(): Citus refuses a non-immutable function in DO UPDATE SET
_LOCK_AREA = text(
    """
    INSERT INTO rollup_escalator_areas (sha_code, policy_area) VALUES (:sha, :area)
    ON CONFLICT (sha_code, policy_area) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at
    """
)
_CLEAR_AREA = text(
    "DELETE FROM rollup_escalator_levels WHERE sha_code = :sha AND policy_area = :area"
)
# Organisations at each level in every period of the area, and ('LATEST') at each
# organisation's latest assessment; every level listed, zeros too.
LEVELS_OF_AREAS = """
    WITH scored AS (
        SELECT sha_code, policy_area, period, level
        FROM escalator_assessments WHERE {where}
        UNION ALL
        SELECT sha_code, policy_area, 'LATEST', level
        FROM (
            SELECT DISTINCT ON (sha_code, organisation_id, policy_area)
                   sha_code, policy_area, level
            FROM escalator_assessments WHERE {where}
            ORDER BY sha_code, organisation_id, policy_area, period DESC
        ) latest
    ),
    keys AS (SELECT DISTINCT sha_code, policy_area, period FROM scored)
    SELECT k.sha_code, k.policy_area, k.period, l.level::smallint AS level,
           count(s.level) AS organisations
    FROM keys k
    CROSS JOIN generate_series(1, 4) AS l(level)
    LEFT JOIN scored s
           ON s.sha_code = k.sha_code AND s.policy_area = k.policy_area
          AND s.period = k.period AND s.level = l.level
    GROUP BY k.sha_code, k.policy_area, k.period, l.level
    """
# The recount is read, then written as VALUES: Citus would run an INSERT ... SELECT of
# this query through the coordinator with COPY, which row-level security refuses.
_COUNT_AREA = text(LEVELS_OF_AREAS.format(where="sha_code = :sha AND policy_area = :area"))
_LEVELS = table(
    "rollup_escalator_levels",
    column("sha_code"),
    column("policy_area"),
    column("period"),
    column("level"),
    column("organisations"),
)


async def assessment_changed(db: Db, sha_code: str, policy_area: str) -> None:
    """An assessment of `policy_area` in `sha_code` was recorded or changed."""
    params = {"sha": sha_code, "area": policy_area}
    await db.rows(_LOCK_AREA, params)
    await db.rows(_CLEAR_AREA, params)
    counted = [dict(row._mapping) for row in await db.rows(_COUNT_AREA, params)]
    if counted:  # one statement of many VALUES rows, routed to the SHA's shard
        await db.rows(insert(_LEVELS).values(counted))


# --- learning sets: recount one set ---------------------------------------------------

_LOCK_SET = text(
    """
    INSERT INTO rollup_learning_sets (sha_code, set_id, active) VALUES (:sha, :set, true)
    ON CONFLICT (sha_code, set_id) DO UPDATE SET active = rollup_learning_sets.active
    """
)
# Figures of sets: held meetings, attendance recorded at them, attended.
SETS_FIGURES = """
    SELECT s.sha_code, s.id AS set_id, s.status = 'ACTIVE' AS active,
           count(DISTINCT m.id) AS meetings_held,
           count(a.member_id) AS attendance_records,
           count(a.member_id) FILTER (WHERE a.status = 'ATTENDED') AS attended
    FROM learning_sets s
    LEFT JOIN learning_set_meetings m
           ON m.sha_code = s.sha_code AND m.set_id = s.id AND m.status = 'HELD'
    LEFT JOIN learning_set_attendance a
           ON a.sha_code = m.sha_code AND a.meeting_id = m.id
    WHERE {where}
    GROUP BY s.sha_code, s.id, s.status
    """
# Read, then written with parameters: Citus cannot plan an UPDATE ... FROM this
# grouped subquery ("failed to postpone qual containing lateral reference").
_COUNT_SET = text(SETS_FIGURES.format(where="s.sha_code = :sha AND s.id = :set"))
_RECOUNT_SET = text(
    """
    UPDATE rollup_learning_sets
    SET active = :active, meetings_held = :meetings_held,
        attendance_records = :attendance_records, attended = :attended
    WHERE sha_code = :sha_code AND set_id = :set_id
    """
)


async def learning_set_changed(db: Db, sha_code: str, set_id: uuid.UUID) -> None:
    """A set was created or changed, or a meeting of it held or its attendance recorded."""
    params = {"sha": sha_code, "set": set_id}
    await db.rows(_LOCK_SET, params)
    for row in await db.rows(_COUNT_SET, params):
        await db.rows(_RECOUNT_SET, dict(row._mapping))
