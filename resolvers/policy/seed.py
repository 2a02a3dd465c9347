"""Demo consultations: one national (hosted by the North West) and one regional, with
a few responses from members of several SHAs."""

from __future__ import annotations

import random
from typing import Any

POSITIONS = ("SUPPORT", "OPPOSE", "MIXED", "NO_VIEW")


async def seed(conn: Any, rng: random.Random) -> None:
    national = await conn.fetchval(
        "INSERT INTO consultations (sha_code, reach, title, description, policy_area, opened_by,"
        " closes_at) VALUES ('Q31', 'NATIONAL', 'Pay for Quality: clinical indicators',"
        " 'Which clinical indicators should Pay for Quality reward?', 'PAY_FOR_QUALITY',"
        " 'seed', now() + interval '60 days') RETURNING id"
    )
    await conn.execute(
        "INSERT INTO consultations (sha_code, reach, title, description, policy_area, opened_by,"
        " closes_at) VALUES ('Q36', 'REGIONAL', 'Polyclinics in London',"
        " 'How should GP-led health centres link with acute trusts?', NULL, 'seed',"
        " now() + interval '30 days')"
    )
    for sha in ("Q31", "Q32", "Q36"):
        respondents = await conn.fetch(
            "SELECT id FROM members WHERE sha_code = $1 AND status = 'ACTIVE' ORDER BY id LIMIT 4",
            sha,
        )
        await conn.executemany(
            "INSERT INTO consultation_responses (sha_code, consultation_sha, consultation_id,"
            " member_id, position, body) VALUES ($1, 'Q31', $2, $3, $4, $5)",
            [
                (
                    sha,
                    national,
                    r["id"],
                    rng.choice(POSITIONS),
                    "Indicators must be clinically led.",
                )
                for r in respondents
            ],
        )
