"""Demo Escalator data for every SHA: named Escalator leads, eight quarters
(2008Q1-2009Q4) of self-assessments for a few organisations, a North West policy area,
and clinical engagement plans with a policy area and target level (one overdue), so
the collation has trends and flags to show."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from tenants.codes import SEEDED_SHAS

DEMO_SHAS = tuple(SEEDED_SHAS)
AREAS = ("CHOOSE_AND_BOOK", "RTT_18_WEEKS", "HEALTHCARE_ACQUIRED_INFECTION")
PERIODS = [f"{year}Q{q}" for year in (2008, 2009) for q in range(1, 5)]


def _walk(rng: random.Random) -> list[int]:
    """Levels over eight quarters: one step up at most, sometimes flat or back."""
    level, levels = 1, []
    for _ in PERIODS:
        levels.append(level)
        roll = rng.random()
        if roll < 0.45 and level < 4:
            level += 1
        elif roll > 0.9 and level > 1:
            level -= 1
    return levels


async def seed(conn: Any, rng: random.Random) -> None:
    for sha in DEMO_SHAS:
        orgs = await conn.fetch(
            "SELECT id FROM organisations WHERE sha_code = $1"
            " AND type IN ('PCT', 'ACUTE_TRUST', 'FOUNDATION_TRUST', 'MENTAL_HEALTH_TRUST',"
            " 'CARE_TRUST', 'AMBULANCE_TRUST') ORDER BY code LIMIT 4",
            sha,
        )
        assessors = await conn.fetch(
            "SELECT id FROM members WHERE sha_code = $1 AND status = 'ACTIVE' ORDER BY id LIMIT 4",
            sha,
        )
        if not orgs or not assessors:
            continue
        await conn.executemany(
            "INSERT INTO escalator_leads (sha_code, organisation_id, member_id, appointed_by)"
            " VALUES ($1, $2, $3, 'system:seed')",
            [(sha, org["id"], assessors[i % len(assessors)]["id"]) for i, org in enumerate(orgs)],
        )
        if sha == "Q31":
            await conn.execute(
                "INSERT INTO escalator_policy_areas (sha_code, code, name)"
                " VALUES ($1, 'STROKE_CARE', 'Stroke care pathway')",
                sha,
            )
        rows = []
        for org in orgs:
            for area in AREAS:
                for i, (period, level) in enumerate(zip(PERIODS, _walk(rng), strict=True)):
                    year, quarter = int(period[:4]), int(period[-1])
                    rows.append(
                        (
                            sha,
                            org["id"],
                            area,
                            period,
                            level,
                            f"Quarterly review {period}: level {level} evidenced by minutes",
                            json.dumps([]),
                            assessors[i % len(assessors)]["id"],
                            dt.date(year, quarter * 3, 28),
                        )
                    )
        await conn.executemany(
            "INSERT INTO escalator_assessments (sha_code, organisation_id, policy_area, period,"
            " level, evidence, earlier_evidence, assessor_id, assessed_on)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)",
            rows,
        )
        today = dt.date.today()
        await conn.executemany(
            "INSERT INTO engagement_plans (sha_code, organisation_id, service_change,"
            " engagement_approach, monitoring_arrangements, lead_id, next_review_on,"
            " policy_area, target_level) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [
                (
                    sha,
                    orgs[0]["id"],
                    "Reconfiguration of hyper-acute stroke services",
                    "Clinical reference group with GPs, consultants and nurses",
                    "Quarterly report to the SHA board on clinical sign-off",
                    assessors[0]["id"],
                    today + dt.timedelta(days=60),
                    "PATIENT_SAFETY",
                    4,
                ),
                (
                    sha,
                    orgs[-1]["id"],
                    "Move of outpatient clinics into the community",
                    "Action learning set of practice-based commissioners",
                    "Monthly engagement log reviewed by the PEC",
                    None,
                    today - dt.timedelta(days=14),
                    "PRACTICE_BASED_COMMISSIONING",
                    3,
                ),
            ],
        )
