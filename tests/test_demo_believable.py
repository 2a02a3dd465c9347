"""Demo data of issue 25, believable at a glance: SHA sizes in proportion to their
populations, unique real-looking organisation names with ODS-shaped codes, 60-120
set members per SHA in the full demo (what the small test seed can hold here),
Escalator and engagement data for every SHA, and the rollout of the 2009 article."""

from __future__ import annotations

import re

import asyncpg

from clngraph.seed import POPULATION, DemoSize
from foundation.settings import Settings

CODE_SHAPES = {
    "PCT": r"^5[A-Z0-9]{2}$",
    "ACUTE_TRUST": r"^R[A-Z0-9]{2}$",
    "FOUNDATION_TRUST": r"^R[A-Z0-9]{2}$",
    "MENTAL_HEALTH_TRUST": r"^R[A-Z0-9]{2}$",
    "AMBULANCE_TRUST": r"^R[A-Z0-9]{2}$",
    "CARE_TRUST": r"^T[A-Z0-9]{2}$",
    "GP_PRACTICE": r"^[A-Z][0-9]{5}$",
    "LOCAL_AUTHORITY": r"^00[A-Z]{2}$",
}


def test_full_demo_sizes_follow_population() -> None:
    size = DemoSize()
    members = {sha: size.for_sha(sha)[1] for sha in POPULATION}
    assert max(members, key=members.__getitem__) == "Q36"  # London
    assert min(members, key=members.__getitem__) == "Q30"  # North East
    assert members["Q31"] > 2.5 * members["Q30"]
    # enough members everywhere for 60-120 clinicians in three to five learning sets
    assert min(members.values()) >= 120


async def test_demo_directory_and_domains(admin_url: str, settings: Settings) -> None:
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        orgs = await conn.fetch(
            # the seed loads every organisation in one transaction: one created_at
            "SELECT sha_code, code, name, type FROM organisations"
            " WHERE created_at = (SELECT min(created_at) FROM organisations)"
        )
        seeded = [o for o in orgs if o["type"] in CODE_SHAPES]
        names = [o["name"] for o in orgs]
        assert len(names) == len(set(names)), "organisation names repeat"
        for org in seeded:
            assert re.match(CODE_SHAPES[org["type"]], org["code"]), dict(org)
        per_sha = {}
        for org in orgs:
            per_sha[org["sha_code"]] = per_sha.get(org["sha_code"], 0) + 1
        assert per_sha["Q36"] > per_sha["Q30"] and per_sha["Q31"] > per_sha["Q30"]
        pcts = await conn.fetch(
            "SELECT sha_code, count(*) AS n FROM organisations WHERE type = 'PCT' GROUP BY 1"
        )
        assert len(pcts) == 10 and all(r["n"] >= 2 for r in pcts)
        for table in ("escalator_assessments", "escalator_leads", "medical_engagement_scores"):
            shas = await conn.fetchval(f"SELECT count(DISTINCT sha_code) FROM {table}")
            assert shas == 10, table
        sets = await conn.fetch(
            "SELECT s.sha_code, count(DISTINCT s.id) AS sets, count(DISTINCT m.member_id) AS n"
            " FROM learning_sets s JOIN learning_set_members m"
            " ON m.sha_code = s.sha_code AND m.set_id = s.id"
            " WHERE s.started_on = '2026-05-01' GROUP BY 1"
        )
        active = {
            r["sha_code"]: r["n"]
            for r in await conn.fetch(
                "SELECT sha_code, count(*) AS n FROM members WHERE status = 'ACTIVE'"
                " AND profession NOT IN ('MANAGER', 'ADMINISTRATOR') GROUP BY 1"
            )
        }
        for row in sets:
            assert 1 <= row["sets"] <= 5 and row["sets"] <= max(row["n"] // 6, 1)
            assert row["n"] == min(active[row["sha_code"]], row["n"]) and row["n"] <= 120
        # the ten seeded SHAs only: onboarding tests add their own (Y01...) to this database
        history = await conn.fetch(
            "SELECT sha_code, status, changed_at FROM sha_status_history"
            " WHERE sha_code = ANY($1::text[]) ORDER BY changed_at",
            list(POPULATION),
        )
        pilot = [r for r in history if r["status"] == "pilot"]
        assert [r["sha_code"] for r in pilot] == ["Q31"]
        live_by_feb_2009 = {
            r["sha_code"]
            for r in history
            if r["status"] == "live" and r["changed_at"].date().isoformat() <= "2009-02-12"
        }
        assert len(live_by_feb_2009) == 4 and "Q31" in live_by_feb_2009
        cap = await conn.fetchval("SELECT senior_lead_cap FROM sha_rules WHERE sha_code = 'Q32'")
        assert cap == 30
    finally:
        await conn.close()
