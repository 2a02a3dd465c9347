"""Demo medical engagement scores: two annual surveys for a few organisations per SHA,
spread like the 2006 study (17% to 44% of doctors engaged), in every SHA."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from tenants.codes import SEEDED_SHAS

SHAS = tuple(SEEDED_SHAS)
PERIODS = ("2008Q4", "2009Q4")


def _score(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 2)))


async def seed(conn: Any, rng: random.Random) -> None:
    rows = []
    for sha in SHAS:
        orgs = await conn.fetch(
            "SELECT id FROM organisations WHERE sha_code = $1"
            " AND type NOT IN ('SHA_DIRECTORATE', 'DEANERY', 'ACADEMY', 'GP_PRACTICE')"
            " ORDER BY code LIMIT 5",
            sha,
        )
        for org in orgs:
            for period in PERIODS:
                engaged = _score(rng, 17, 44)
                index = _score(rng, 40, 70)
                rows.append(
                    (
                        sha,
                        org["id"],
                        period,
                        engaged,
                        min(5, max(1, int(engaged) // 9)),
                        index,
                        index + _score(rng, -5, 5),
                        index + _score(rng, -5, 5),
                        index + _score(rng, -5, 5),
                        f"Medical Engagement Scale survey {period[:4]}",
                    )
                )
    await conn.executemany(
        "INSERT INTO medical_engagement_scores (sha_code, organisation_id, period,"
        " doctors_engaged_pct, rating, mes_index, mes_open_culture, mes_purpose_direction,"
        " mes_valued_empowered, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        rows,
    )
