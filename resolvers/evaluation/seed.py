"""Demo data: monthly Choose and Book uptake for each SHA's PCTs over 2008-2009,
rising after the North West's CLN action learning sets started (June 2008)."""

from __future__ import annotations

import datetime as dt
import random

import asyncpg

ACTIVITY = dt.date(2008, 6, 1)


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    pcts = await conn.fetch(
        "SELECT sha_code, id FROM organisations WHERE type = 'PCT' ORDER BY sha_code, id"
    )
    rows = []
    for pct in pcts:
        base = rng.uniform(30, 50)
        lift = 15 if pct["sha_code"] == "Q31" else 4
        for m in range(12):
            month = dt.date(2008 + (m // 12), m % 12 + 1, 1)
            value = base + (lift if month >= ACTIVITY else 0) + rng.uniform(-2, 2)
            rows.append((pct["sha_code"], pct["id"], month, round(min(value, 100), 1)))
    await conn.executemany(
        "INSERT INTO impact_measures (sha_code, organisation_id, measure, period_start, value,"
        " source) VALUES ($1, $2, 'CHOOSE_AND_BOOK_UPTAKE', $3, $4, 'Choose and Book monthly')",
        rows,
    )
