"""Demo case studies: a draft, a regional and a national one in a few SHAs."""

from __future__ import annotations

import json
import random
from typing import Any

STUDIES = [
    (
        "Q31",
        "NATIONAL",
        "Choose and Book: from fourth to first",
        "Choose and Book",
        "Elective referral",
        "GP leads in the pilot action learning sets redesigned referral templates.",
        "The North West moved from 4th to 1st nationally for Choose and Book uptake.",
    ),
    (
        "Q31",
        "DRAFT",
        "Engagement Escalator in practice",
        "Clinical engagement",
        None,
        "PCTs self-assessed each quarter and shared evidence at the SHA network.",
        "Early-support flags led to targeted clinical input for two PCTs.",
    ),
    (
        "Q36",
        "REGIONAL",
        "Maternity services for young people",
        "Maternity",
        "Maternity",
        "Midwives and obstetricians ran a London-wide learning set.",
        "A single referral route for young mothers across five boroughs.",
    ),
    (
        "Q32",
        "NATIONAL",
        "Healthy Ambitions: clinical leadership fellows",
        "Leadership development",
        None,
        "Aspiring clinical leaders took on service-improvement projects.",
        "120 fellows funded; projects adopted in three trusts.",
    ),
]


async def seed(conn: Any, rng: random.Random) -> None:
    for sha, status, title, topic, pathway, summary, outcomes in STUDIES:
        attachments = [{"title": "Summary slides", "url": f"https://cln.example.nhs.uk/{sha}.pdf"}]
        await conn.execute(
            "INSERT INTO case_studies (sha_code, title, topic, pathway, summary, outcomes,"
            " attachments, status, published_at, created_by)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8,"
            " CASE WHEN $8 = 'DRAFT' THEN NULL ELSE now() END, 'seed')",
            sha,
            title,
            topic,
            pathway,
            summary,
            outcomes,
            json.dumps(attachments),
            status,
        )
