"""Recompute the rollup tables from the live tables and say which rows differed.

Runs as the owner role in one transaction, with the source tables locked against
writes (SHARE mode: reads go on), so the comparison and the rebuilt rollups describe
one state. With `write=False` it only compares (`cln-graph rollups check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg

from resolvers.rollups.counts import LEVELS_OF_AREAS, SETS_FIGURES

SOURCES = (
    "members",
    "organisations",
    "escalator_assessments",
    "learning_sets",
    "learning_set_meetings",
    "learning_set_attendance",
)


@dataclass(frozen=True)
class Rollup:
    table: str
    key: tuple[str, ...]
    values: tuple[str, ...]
    live: str  # the live aggregate, columns key + values
    zero_is_absent: bool = False  # a stored row of zeros equals no row


ROLLUPS = (
    Rollup(
        "rollup_members",
        ("sha_code", "profession", "status"),
        ("members",),
        "SELECT sha_code, profession, status, count(*) AS members FROM members"
        " GROUP BY sha_code, profession, status",
        zero_is_absent=True,
    ),
    Rollup(
        "rollup_organisations",
        ("sha_code",),
        ("organisations",),
        "SELECT sha_code, count(*) AS organisations FROM organisations GROUP BY sha_code",
        zero_is_absent=True,
    ),
    Rollup(
        "rollup_escalator_areas",
        ("sha_code", "policy_area"),
        (),
        "SELECT DISTINCT sha_code, policy_area FROM escalator_assessments",
    ),
    Rollup(
        "rollup_escalator_levels",
        ("sha_code", "policy_area", "period", "level"),
        ("organisations",),
        LEVELS_OF_AREAS.format(where="true"),
    ),
    Rollup(
        "rollup_learning_sets",
        ("sha_code", "set_id"),
        ("active", "meetings_held", "attendance_records", "attended"),
        SETS_FIGURES.format(where="true"),
    ),
)


@dataclass
class Difference:
    table: str
    missing: int = 0  # live rows the rollup lacked
    extra: int = 0  # rollup rows with no live counterpart
    wrong: int = 0  # same key, other figures
    examples: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.missing or self.extra or self.wrong)


def _as_map(rollup: Rollup, rows: list[Any]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    found = {}
    for r in rows:
        values = tuple(r[v] for v in rollup.values)
        if rollup.zero_is_absent and all(v == 0 for v in values):
            continue
        found[tuple(r[k] for k in rollup.key)] = values
    return found


def compare(rollup: Rollup, live: list[Any], stored: list[Any]) -> Difference:
    want, have = _as_map(rollup, live), _as_map(rollup, stored)
    diff = Difference(rollup.table)
    for key, values in want.items():
        if key not in have:
            diff.missing += 1
            if len(diff.examples) < 5:
                diff.examples.append(f"missing {key}: {values}")
        elif have[key] != values:
            diff.wrong += 1
            if len(diff.examples) < 5:
                diff.examples.append(f"{key}: stored {have[key]}, live {values}")
    for key in have.keys() - want.keys():
        diff.extra += 1
        if len(diff.examples) < 5:
            diff.examples.append(f"extra {key}: {have[key]}")
    return diff


async def rebuild(
    conn: asyncpg.Connection, owner_role: str, *, write: bool = True
) -> list[Difference]:
    """Compare every rollup with its live aggregate; with `write`, replace the rollups
    by the live aggregates. Returns one Difference per rollup table."""
    differences = []
    async with conn.transaction():
        await conn.execute(f"SET LOCAL ROLE {owner_role}")
        await conn.execute(f"LOCK TABLE {', '.join(SOURCES)} IN SHARE MODE")
        tables = ", ".join(r.table for r in ROLLUPS)
        await conn.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        for rollup in ROLLUPS:
            columns = ", ".join(rollup.key + rollup.values)
            live = await conn.fetch(rollup.live)
            stored = await conn.fetch(f"SELECT {columns} FROM {rollup.table}")
            differences.append(compare(rollup, live, stored))
        if write:
            await refill(conn)
    return differences


async def refill(conn: asyncpg.Connection) -> None:
    """Empty the rollups and fill them from the live aggregates (in the caller's
    transaction, as a role that sees every SHA)."""
    # On Citus, TRUNCATE of tables with a key to a reference table (`shas`) already
    # read in this transaction must run over one connection per worker.
    if await conn.fetchval("SELECT current_setting('citus.multi_shard_modify_mode', true)"):
        await conn.execute("SET LOCAL citus.multi_shard_modify_mode = 'sequential'")
    await conn.execute(f"TRUNCATE {', '.join(r.table for r in ROLLUPS)}")
    for rollup in ROLLUPS:
        columns = ", ".join(rollup.key + rollup.values)
        await conn.execute(
            f"INSERT INTO {rollup.table} ({columns}) SELECT {columns} FROM ({rollup.live}) live"
        )


def describe(differences: list[Difference]) -> str:
    lines = []
    for d in differences:
        if d.any:
            lines.append(f"{d.table}: {d.missing} missing, {d.extra} extra, {d.wrong} wrong")
            lines += [f"  {e}" for e in d.examples]
        else:
            lines.append(f"{d.table}: equal")
    return "\n".join(lines)
