"""Demo data: a clinical lead for each SHA's directorate, an organisation-level
clinician-manager pair, and four senior clinical leads with a declaration each."""

from __future__ import annotations

import datetime as dt
import random

import asyncpg

PATHWAYS = ["stroke", "maternity and newborn", "long term conditions", "end of life care"]


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    shas = [r["code"] for r in await conn.fetch("SELECT code FROM shas ORDER BY code")]
    for sha in shas:
        clinicians = await conn.fetch(
            "SELECT id FROM members WHERE sha_code = $1 AND status = 'ACTIVE'"
            " AND profession NOT IN ('MANAGER', 'ADMINISTRATOR') ORDER BY id LIMIT 6",
            sha,
        )
        manager = await conn.fetchval(
            "SELECT id FROM members WHERE sha_code = $1 AND profession = 'MANAGER'"
            " ORDER BY id LIMIT 1",
            sha,
        )
        directorate = await conn.fetchval(
            "SELECT id FROM organisations WHERE sha_code = $1 AND type = 'SHA_DIRECTORATE'"
            " ORDER BY id LIMIT 1",
            sha,
        )
        trust = await conn.fetchval(
            "SELECT id FROM organisations WHERE sha_code = $1 AND type <> 'SHA_DIRECTORATE'"
            " ORDER BY id LIMIT 1",
            sha,
        )
        if len(clinicians) < 4:
            continue
        start = dt.date(2009, 4, 1)
        if directorate:
            await conn.execute(
                "INSERT INTO partnerships (sha_code, level, organisation_id, clinician_id,"
                " focus, starts_on) VALUES ($1, 'DIRECTORATE', $2, $3, 'Clinical strategy', $4)",
                sha,
                directorate,
                clinicians[0]["id"],
                start,
            )
        if trust and manager:
            await conn.execute(
                "INSERT INTO partnerships (sha_code, level, organisation_id, clinician_id,"
                " manager_id, focus, starts_on) VALUES ($1, 'ORGANISATION', $2, $3, $4,"
                " 'Choose and Book', $5)",
                sha,
                trust,
                clinicians[1]["id"],
                manager,
                start,
            )
        for i, person in enumerate(clinicians[:4]):
            lead = await conn.fetchval(
                "INSERT INTO senior_clinical_leads (sha_code, member_id, pathway, appointed_on)"
                " VALUES ($1, $2, $3, $4) RETURNING id",
                sha,
                person["id"],
                PATHWAYS[i],
                start + dt.timedelta(days=rng.randint(0, 60)),
            )
            # the appointment gives the role, as appointSeniorClinicalLead does
            await conn.execute(
                "UPDATE members SET roles = array_append(array_remove(roles,"
                " 'SENIOR_CLINICAL_LEAD'), 'SENIOR_CLINICAL_LEAD')"
                " WHERE sha_code = $1 AND id = $2",
                sha,
                person["id"],
            )
            await conn.execute(
                "INSERT INTO declarations_of_interest (sha_code, lead_id, declared_on,"
                " interest_type, description) VALUES ($1, $2, $3, 'NON_FINANCIAL_PROFESSIONAL',"
                " 'Member of a Royal College council')",
                sha,
                lead,
                start,
            )
