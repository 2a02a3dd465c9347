"""Demo data: an Academy directory per SHA (one national programme in the North West
and Yorkshire and the Humber) and MLCF self-assessments for a third of members."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import asyncpg

from resolvers.development.frameworks import competency_rows

PROGRAMMES = [
    (
        "Leading Clinical Teams",
        "WORKSHOP",
        2.0,
        45000,
        ["SHA", "EMPLOYER"],
        ["MLCF.2.4", "MLCF.3.3"],
    ),
    (
        "Service Improvement for Clinicians",
        "COURSE",
        5.0,
        120000,
        ["SHA"],
        ["MLCF.4.3", "MLCF.4.4"],
    ),
    (
        "Coaching for Clinical Directors",
        "COACHING",
        3.0,
        90000,
        ["EMPLOYER"],
        ["MLCF.1.1", "MLCF.1.2"],
    ),
]


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    shas = [r["code"] for r in await conn.fetch("SELECT code FROM shas ORDER BY code")]
    mlcf = [c.code for c in competency_rows() if c.framework_code == "MLCF"]
    for sha in shas:
        provider = uuid.uuid4()
        await conn.execute(
            "INSERT INTO training_providers (sha_code, id, name, website, published_nationally)"
            " VALUES ($1, $2, $3, $4, $5)",
            sha,
            provider,
            f"{sha} Leadership Academy",
            "https://academy.example.nhs.uk",
            sha in ("Q31", "Q32"),
        )
        for i, (title, fmt, days, cost, funding, codes) in enumerate(PROGRAMMES):
            await conn.execute(
                "INSERT INTO training_programmes (sha_code, provider_id, title, format,"
                " length_days, cost_pence, funding_sources, competency_codes,"
                " published_nationally) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                sha,
                provider,
                title,
                fmt,
                days,
                cost,
                funding,
                codes,
                i == 0 and sha in ("Q31", "Q32"),
            )
        people = await conn.fetch(
            "SELECT id FROM members WHERE sha_code = $1 AND profession NOT IN"
            " ('MANAGER', 'ADMINISTRATOR') ORDER BY id LIMIT 10",
            sha,
        )
        for person in people:
            assessment = uuid.uuid4()
            day = dt.date(2009, 3, 1) + dt.timedelta(days=rng.randint(0, 300))
            await conn.execute(
                "INSERT INTO self_assessments (sha_code, id, member_id, framework_code,"
                " assessed_on) VALUES ($1, $2, $3, 'MLCF', $4)",
                sha,
                assessment,
                person["id"],
                day,
            )
            await conn.executemany(
                "INSERT INTO self_assessment_scores (sha_code, assessment_id, competency_code,"
                " score) VALUES ($1, $2, $3, $4)",
                [(sha, assessment, code, rng.randint(1, 4)) for code in mlcf],
            )
