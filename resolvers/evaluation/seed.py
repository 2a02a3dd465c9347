"""Demo data: monthly Choose and Book uptake for each SHA's PCTs over 2008, telling the
2009 launch article's story: the North West was fourth nationally before the CLN's
action learning sets took up Choose and Book (June 2008, over three months) and first
after. Each SHA has its own level; the North West's PCTs climb through the summer."""

from __future__ import annotations

import datetime as dt
import random

import asyncpg

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
NORTH_WEST_LIFT = (5.0, 10.0, 15.0)  # June, July, August onwards
OTHER_LIFT = 3.0  # the national trend, reached by the autumn


def _lift(sha: str, month: dt.date) -> float:
    if month < ACTIVITY:
        return 0.0
    step = min((month.year - ACTIVITY.year) * 12 + month.month - ACTIVITY.month, 2)
    if sha == "Q31":
        return NORTH_WEST_LIFT[step]
    return OTHER_LIFT * (step + 1) / 3


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    pcts = await conn.fetch(
        "SELECT sha_code, id FROM organisations WHERE type = 'PCT' ORDER BY sha_code, id"
    )
    rows = []
    for pct in pcts:
        base = BASE.get(pct["sha_code"], 35.0) + rng.uniform(-0.5, 0.5)
        for m in range(12):
            month = dt.date(2008, m + 1, 1)
            value = base + _lift(pct["sha_code"], month) + rng.uniform(-0.3, 0.3)
            rows.append((pct["sha_code"], pct["id"], month, round(min(value, 100), 1)))
    await conn.executemany(
        "INSERT INTO impact_measures (sha_code, organisation_id, measure, period_start, value,"
        " source) VALUES ($1, $2, 'CHOOSE_AND_BOOK_UPTAKE', $3, $4, 'Choose and Book monthly')",
        rows,
    )
