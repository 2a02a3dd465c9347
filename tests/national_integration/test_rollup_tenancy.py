"""The rollup tables are tenant tables like any other: a caller of one SHA reads and
writes nothing of another through them, and the dashboard's sections (the rollups and
the reach sections) show a partner only the SHAs its agreement grants."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from resolvers.national.permissions import AGGREGATE_SCOPE
from resolvers.rollups import counts
from resolvers.rollups.rebuild import ROLLUPS
from tests.rollout.partner_tokens import issue_partner_token
from tests.rollout.test_partners import partner_http  # noqa: F401  (fixture)
from tests.support import GraphQLClient, app_transaction

SECTIONS = """
query($shas: [String!]) {
  nationalDashboard(shas: $shas) {
    shaCodes
    membersByProfession { shaCode }
    rollout { shaCode organisations }
    escalatorLevels { shaCode }
    learningSetAttendance { shaCode }
    medicalEngagement { shaCode organisationsScored }
    congressAttendance { shaCode confirmed }
    caseStudies { shaCode drafts regional national }
    consultationReach { shaCode consultations responses respondents }
  }
}"""


@pytest.mark.parametrize("table", [r.table for r in ROLLUPS])
async def test_a_region_reads_only_its_own_rollup_rows(app: Any, table: str) -> None:
    async with app_transaction(app, ("Q31",)) as db:
        shas = {r.sha_code for r in await db.rows(text(f"SELECT sha_code FROM {table}"))}
    assert shas <= {"Q31"}


async def test_a_region_cannot_write_another_regions_rollups(app: Any) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with app_transaction(app, ("Q31",), ("Q31",)) as db:
            await counts.organisation_added(db, "Q36")
    with pytest.raises(DBAPIError, match="row-level security"):
        async with app_transaction(app, ("Q31",), ("Q31",)) as db:
            await counts.member_changed(db, "Q36", None, counts.MemberKey("NURSE", "ACTIVE"))
    async with app_transaction(app, ("Q31", "Q36"), ("Q31",)) as db:
        before = await db.rows(
            text("SELECT members FROM rollup_members WHERE sha_code = 'Q36' ORDER BY 1")
        )
        updated = await db.rows(
            text("UPDATE rollup_members SET members = 0 WHERE sha_code = 'Q36' RETURNING 1")
        )
        assert before and updated == []  # readable, not writable


async def test_partner_sections_cover_only_granted_shas(
    partner_http: Any,  # noqa: F811
    settings: Any,
    signing_key: Any,
    gql: GraphQLClient,
) -> None:
    token = issue_partner_token(
        signing_key,
        issuer=settings.issuer,
        audience=settings.audience,
        client_id=f"nhsi-{uuid.uuid4().hex[:6]}",
        scopes=[AGGREGATE_SCOPE],
        shas=["Q31", "Q36"],
    )
    partner = GraphQLClient(partner_http, None)
    board = (await partner.data(SECTIONS, {"shas": None}, token=token))["nationalDashboard"]
    assert board["shaCodes"] == ["Q31", "Q36"]
    for section, rows in board.items():
        if section != "shaCodes":
            assert {r["shaCode"] for r in rows} <= {"Q31", "Q36"}, section
    national = await gql.data(SECTIONS, {"shas": None}, as_role=("national_lead", None))
    every = national["nationalDashboard"]
    assert len(every["medicalEngagement"]) == len(every["shaCodes"]) > 2
    assert any(r["organisationsScored"] for r in every["medicalEngagement"])
    assert any(r["drafts"] + r["regional"] + r["national"] for r in every["caseStudies"])
    assert any(r["consultations"] for r in every["consultationReach"])


async def test_reach_sections_match_the_tables(
    gql: GraphQLClient, admin_url: str, settings: Any
) -> None:
    """Each reach section against the same figure counted straight from its table."""
    import asyncpg

    data = await gql.data(SECTIONS, {"shas": None}, as_role=("national_lead", None))
    board = data["nationalDashboard"]
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        studies = {
            r["sha_code"]: (r["d"], r["r"], r["n"])
            for r in await conn.fetch(
                "SELECT sha_code, count(*) FILTER (WHERE status = 'DRAFT') AS d,"
                " count(*) FILTER (WHERE status = 'REGIONAL') AS r,"
                " count(*) FILTER (WHERE status = 'NATIONAL') AS n"
                " FROM case_studies GROUP BY sha_code"
            )
        }
        scored = {
            r["sha_code"]: r["n"]
            for r in await conn.fetch(
                "SELECT sha_code, count(DISTINCT organisation_id) AS n"
                " FROM medical_engagement_scores GROUP BY sha_code"
            )
        }
        opened = {
            r["sha_code"]: r["n"]
            for r in await conn.fetch(
                "SELECT sha_code, count(*) AS n FROM consultations GROUP BY sha_code"
            )
        }
    finally:
        await conn.close()
    for row in board["caseStudies"]:
        got = (row["drafts"], row["regional"], row["national"])
        assert got == studies.get(row["shaCode"], (0, 0, 0))
    for row in board["medicalEngagement"]:
        assert row["organisationsScored"] == scored.get(row["shaCode"], 0)
    for row in board["consultationReach"]:
        assert row["consultations"] == opened.get(row["shaCode"], 0)
