"""Demo network map: a few networks per SHA with members in roles and outside links.
Some policy areas are deliberately left without a network, so the gap analysis has
something to show."""

from __future__ import annotations

import random

import asyncpg

NETWORKS = [
    ("Cardiac Network", "FORMAL_MANAGED", "CARDIAC", ["RTT_18_WEEKS", "PATIENT_SAFETY"]),
    ("Cancer Network", "FORMAL_MANAGED", "CANCER", ["RTT_18_WEEKS", "CHOOSE_AND_BOOK"]),
    ("Stroke Community", "COMMUNITY_OF_INTEREST", "STROKE", ["URGENT_AND_EMERGENCY_CARE"]),
    ("Maternity Network", "FORMAL_MANAGED", "MATERNITY", ["MATERNITY_SERVICES"]),
    ("PEC Chairs", "ROLE_NETWORK", None, ["PRACTICE_BASED_COMMISSIONING"]),
    ("Directors of Nursing", "ROLE_NETWORK", None, ["HEALTHCARE_ACQUIRED_INFECTION"]),
]
BODIES = [
    ("Royal College of Nursing", "ROYAL_COLLEGE"),
    ("Care Quality Commission", "REGULATOR"),
    ("County Council Adult Social Services", "SOCIAL_SERVICES"),
]
ROLES = ["CHAIR", "CLINICAL_LEAD", "MANAGER", "MEMBER", "MEMBER", "MEMBER"]


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    shas = [r["sha_code"] for r in await conn.fetch("SELECT DISTINCT sha_code FROM members")]
    for sha in sorted(shas):
        people = [
            r["id"]
            for r in await conn.fetch("SELECT id FROM members WHERE sha_code = $1 ORDER BY id", sha)
        ]
        orgs = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM organisations WHERE sha_code = $1 ORDER BY id", sha
            )
        ]
        for name, kind, area, policies in rng.sample(NETWORKS, 4):
            network = await conn.fetchval(
                "INSERT INTO networks (sha_code, name, kind, clinical_area, policy_areas)"
                " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                sha, name, kind, area, policies,
            )  # fmt: skip
            chosen = rng.sample(people, min(len(people), rng.randint(3, 8)))
            await conn.executemany(
                "INSERT INTO network_members (sha_code, network_id, member_id, role)"
                " VALUES ($1, $2, $3, $4)",
                [(sha, network, m, ROLES[i % len(ROLES)]) for i, m in enumerate(chosen)],
            )
            body, body_kind = rng.choice(BODIES)
            await conn.execute(
                "INSERT INTO network_links (sha_code, network_id, body_name, body_kind)"
                " VALUES ($1, $2, $3, $4)",
                sha, network, body, body_kind,
            )  # fmt: skip
            if orgs:
                await conn.execute(
                    "INSERT INTO network_links (sha_code, network_id, organisation_id, note)"
                    " VALUES ($1, $2, $3, 'host organisation')",
                    sha, network, rng.choice(orgs),
                )  # fmt: skip
