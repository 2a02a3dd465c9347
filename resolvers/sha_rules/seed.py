"""Demo per-SHA rules: Yorkshire and the Humber's own cap of 30 senior clinical leads,
two per pathway (Healthy Ambitions, aim A); the other SHAs keep the defaults."""

from __future__ import annotations

import random
from typing import Any


async def seed(conn: Any, rng: random.Random) -> None:
    await conn.execute(
        "INSERT INTO sha_rules (sha_code, senior_lead_cap, senior_leads_per_pathway, updated_by)"
        " SELECT 'Q32', 30, 2, 'system:seed' WHERE EXISTS (SELECT 1 FROM shas WHERE code = 'Q32')"
        " ON CONFLICT (sha_code) DO NOTHING"
    )
