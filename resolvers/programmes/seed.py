"""Demo programmes: Yorkshire and the Humber's aspiring clinical leaders programme (120
funded places, Healthy Ambitions aim B) with applications, a first cohort selected
and its attendance; and a national programme open to every SHA."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

STATEMENTS = [
    "I want to lead the redesign of our stroke pathway with the community teams.",
    "Our practice-based commissioning group needs clinical leadership on referrals.",
    "I lead the infection control link nurses and want to spread what works.",
    "I want to make Choose and Book work for every practice in our PCT.",
]


async def seed(conn: Any, rng: random.Random) -> None:
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM shas WHERE code = 'Q32')"):
        return
    programme = await conn.fetchval(
        "INSERT INTO programmes (sha_code, kind, title, description, funded_places,"
        " applications_open_on, applications_close_on, starts_on, ends_on, sessions_planned,"
        " created_by) VALUES ('Q32', 'ASPIRING_LEADERS',"
        " 'Aspiring Clinical Leaders Programme 2009',"
        " 'The Yorkshire and the Humber version of the Clinical Leaders Network: 120 funded"
        " places for clinicians who will act as catalysts for change in their services.',"
        " 120, '2009-06-01', '2009-07-31', '2009-09-14', '2010-06-30', 8, 'system:seed')"
        " RETURNING id"
    )
    cohort = await conn.fetchval(
        "INSERT INTO programme_cohorts (sha_code, programme_id, is_national, name, starts_on)"
        " VALUES ('Q32', $1, false, 'Cohort 1 (September 2009)', '2009-09-14') RETURNING id",
        programme,
    )
    applicants = await conn.fetch(
        "SELECT id FROM members WHERE sha_code = 'Q32' AND status = 'ACTIVE'"
        " AND profession NOT IN ('MANAGER', 'ADMINISTRATOR') ORDER BY id LIMIT 40"
    )
    rows = []
    for i, member in enumerate(applicants):
        status = "SELECTED" if i % 4 != 3 else rng.choice(["RESERVE", "DECLINED"])
        rows.append(
            (
                member["id"],
                programme,
                rng.choice(STATEMENTS),
                status,
                cohort if status == "SELECTED" else None,
                rng.randint(4, 8) if status == "SELECTED" else 0,
            )
        )
    await conn.executemany(
        "INSERT INTO programme_applications (sha_code, member_id, programme_sha_code,"
        " programme_id, statement, status, cohort_id, sessions_attended, decided_by,"
        " decided_at, submitted_at) VALUES ('Q32', $1, 'Q32', $2, $3, $4, $5, $6,"
        " 'system:seed', '2009-08-14', '2009-07-01')",
        rows,
    )
    selected = [r[0] for r in rows if r[3] == "SELECTED"]
    await conn.execute(
        "UPDATE members SET roles = array_append(array_remove(roles, 'ASPIRING_CLINICAL_LEADER'),"
        " 'ASPIRING_CLINICAL_LEADER') WHERE sha_code = 'Q32' AND id = ANY($1::uuid[])",
        selected,
    )
    today = dt.date.today()
    await conn.execute(
        "INSERT INTO programmes (sha_code, kind, title, description, is_national,"
        " funded_places, applications_open_on, applications_close_on, starts_on,"
        " sessions_planned, created_by) VALUES ('Q31', 'LEADERSHIP_DEVELOPMENT',"
        " 'National Clinical Leadership Fellows',"
        " 'A year alongside national policy leads, open to members of every SHA.', true, 20,"
        " $1, $2, $3, 6, 'system:seed')",
        today - dt.timedelta(days=7),
        today + dt.timedelta(days=30),
        today + dt.timedelta(days=90),
    )
