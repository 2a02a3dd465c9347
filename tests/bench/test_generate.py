"""The benchmark generator: expected counts, deterministic rows, valid data, COPY load."""

from __future__ import annotations

import io
from typing import Any

import asyncpg

from clngraph.generate import STEPS, GenContext, Progress, Size, total_rows
from clngraph.settings import Settings
from resolvers.directory.enums import OrganisationType, RegistrationBody
from resolvers.directory.validation import REGISTRATION_PATTERNS, check_org_code
from tenants.codes import SEEDED_SHAS
from tests.bench.conftest import TINY, fresh_generated_database

SMALL = Size(organisations_per_sha=5, members_per_sha=40)


def rows_in_memory(size: Size, seed: int) -> dict[str, list[tuple[Any, ...]]]:
    ctx = GenContext(size=size, seed=seed, shas=list(SEEDED_SHAS))
    out: dict[str, list[tuple[Any, ...]]] = {}
    for step in STEPS:
        for sha in ctx.shas:
            out.setdefault(step.table, []).extend(step.rows(ctx, sha, step.count(ctx)))
    return out


def test_scale_sets_rows_per_sha() -> None:
    assert Size.at_scale(1.0) == Size(organisations_per_sha=200, members_per_sha=50_000)
    assert Size.at_scale(0.1) == Size(organisations_per_sha=20, members_per_sha=5_000)
    assert total_rows(Size.at_scale(1.0)) == 10 * (200 + 50_000)


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first, again = rows_in_memory(SMALL, 7), rows_in_memory(SMALL, 7)
    assert first == again
    assert rows_in_memory(SMALL, 8)["members"] != first["members"]
    assert len(first["organisations"]) == 10 * 5
    assert len(first["members"]) == 10 * 40


def test_rows_pass_the_api_format_checks() -> None:
    rows = rows_in_memory(SMALL, 1)
    org_ids = {(r[0], r[1]) for r in rows["organisations"]}
    for sha, _, code, _, org_type in rows["organisations"]:
        assert check_org_code(code, OrganisationType(org_type)) == [], (sha, code, org_type)
    registrations = set()
    for member in rows["members"]:
        sha, _, organisation_id, *_ = member
        body, number = member[7], member[8]
        assert (sha, organisation_id) in org_ids  # every member works in its own SHA
        if body is not None:
            pattern, _ = REGISTRATION_PATTERNS[RegistrationBody(body)]
            assert pattern.match(number), (body, number)
            registrations.add((body, number))
    assert len(registrations) == sum(1 for m in rows["members"] if m[7] is not None)


def test_progress_bar_counts_to_the_total() -> None:
    out = io.StringIO()
    bar = Progress(100, out=out)
    bar.advance(40, "members Q30")
    bar.advance(60, "members Q31")
    bar.close()
    text = out.getvalue()
    assert "100/100 rows" in text and "members Q31" in text


async def test_copy_load_gives_expected_counts_deterministically(
    server_admin_url: str, settings: Settings, bench_admin_url: str
) -> None:
    again = await fresh_generated_database(server_admin_url, settings, TINY)

    async def fingerprint(url: str) -> tuple[Any, ...]:
        conn = await asyncpg.connect(url, server_settings={"search_path": settings.db_schema})
        try:
            counts = await conn.fetch(
                "SELECT sha_code, count(*) AS n FROM members GROUP BY sha_code ORDER BY sha_code"
            )
            orgs = await conn.fetchval("SELECT count(*) FROM organisations")
            return tuple((r["sha_code"], r["n"]) for r in counts), orgs
        finally:
            await conn.close()

    first, second = await fingerprint(bench_admin_url), await fingerprint(again)
    per_sha, orgs = first
    assert per_sha == tuple((sha, TINY.members_per_sha) for sha in SEEDED_SHAS)
    assert orgs == 10 * TINY.organisations_per_sha
    assert first == second
    # created_at/updated_at default to now(), so the digest leaves them out
    assert await _stable_digest(bench_admin_url, settings) == await _stable_digest(again, settings)


async def _stable_digest(url: str, settings: Settings) -> str:
    conn = await asyncpg.connect(url, server_settings={"search_path": settings.db_schema})
    try:
        return str(
            await conn.fetchval(
                "SELECT md5(string_agg(concat_ws(',', sha_code, id, organisation_id, given_name,"
                " family_name, email, profession, registration_body, registration_number,"
                " roles::text, joined_on, status), '|' ORDER BY sha_code, id)) FROM members"
            )
        )
    finally:
        await conn.close()
