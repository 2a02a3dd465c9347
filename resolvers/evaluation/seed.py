"""Demo data: monthly Choose and Book uptake for each SHA's PCTs over 2008, telling the
2009 launch article's story: the North West was fourth nationally before the CLN's
action learning sets took up Choose and Book (June 2008, over three months) and first
after. Each SHA has its own level. Every PCT follows the national trend; those with
members in action learning sets (seeded first, SEED_AFTER) climb further, the North
West's most, so `impactWithAndWithoutCln` shows organisations with CLN activity doing
better than those without."""

from __future__ import annotations

import datetime as dt
import random

import asyncpg

SEED_AFTER = ("learning_sets",)

ACTIVITY = dt.date(2008, 6, 1)
# Mean uptake (%) before the activity: the North West fourth of ten.
BASE = {
    "Q30": 44.0,
    "Q36": 42.5,
    "Q32": 41.0,
    "Q31": 39.5,
    "Q34": 38.0,
    "Q33": 36.5,
    "Q35": 35.0,
    "Q37": 33.5,
    "Q38": 32.0,
    "Q39": 30.5,
}
NORTH_WEST_LIFT = (6.0, 12.0, 18.0)  # a PCT in the pilot's sets: June, July, August on
CLN_LIFT = 3.0  # a PCT in another SHA's sets, reached by the autumn
TREND = 3.0  # the national trend every PCT follows, reached by the autumn


def _lift(sha: str, month: dt.date, with_cln: bool) -> float:
    if month < ACTIVITY:
        return 0.0
    step = min((month.year - ACTIVITY.year) * 12 + month.month - ACTIVITY.month, 2)
    trend = TREND * (step + 1) / 3
    if not with_cln:
        return trend
    if sha == "Q31":
        return NORTH_WEST_LIFT[step]
    return trend + CLN_LIFT * (step + 1) / 3


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    pcts = await conn.fetch(
        "SELECT o.sha_code, o.id, EXISTS (SELECT 1 FROM learning_set_members s JOIN members m"
        "   ON m.sha_code = s.sha_code AND m.id = s.member_id"
        "   WHERE m.sha_code = o.sha_code AND m.organisation_id = o.id) AS with_cln"
        " FROM organisations o WHERE o.type = 'PCT' ORDER BY o.sha_code, o.id"
    )
    rows = []
    for pct in pcts:
        base = BASE.get(pct["sha_code"], 35.0) + rng.uniform(-0.5, 0.5)
        for m in range(12):
            month = dt.date(2008, m + 1, 1)
            lift = _lift(pct["sha_code"], month, pct["with_cln"])
            value = base + lift + rng.uniform(-0.3, 0.3)
            rows.append((pct["sha_code"], pct["id"], month, round(min(value, 100), 1)))
    await conn.executemany(
        "INSERT INTO impact_measures (sha_code, organisation_id, measure, period_start, value,"
        " source) VALUES ($1, $2, 'CHOOSE_AND_BOOK_UPTAKE', $3, $4, 'Choose and Book monthly')",
        rows,
    )
