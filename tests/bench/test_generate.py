"""The benchmark generator: expected counts, deterministic rows, valid data, COPY load."""

from __future__ import annotations

import io
from typing import Any

import asyncpg

from bench.generate import (
    ASSESSED_AREAS,
    DEFAULT_SEED,
    MEETINGS_PER_SET,
    PERIODS,
    POLICY_AREAS,
    POSTS_PER_THREAD,
    STEPS,
    GenContext,
    Progress,
    Size,
    total_rows,
)
from foundation.settings import Settings
from resolvers.directory.enums import OrganisationType, RegistrationBody
from resolvers.directory.validation import REGISTRATION_PATTERNS, check_org_code
from tenants.codes import SEEDED_SHAS
from tests.bench.conftest import TINY, fresh_generated_database

SMALL = Size(
    organisations_per_sha=5,
    members_per_sha=200,
    networks_per_sha=6,
    forums_per_sha=2,
    threads_per_sha=7,
    learning_sets_per_sha=2,
)


def rows_in_memory(size: Size, seed: int) -> dict[str, list[tuple[Any, ...]]]:
    ctx = GenContext(size=size, seed=seed, shas=list(SEEDED_SHAS))
    out: dict[str, list[tuple[Any, ...]]] = {}
    for step in STEPS:
        for sha in ctx.shas:
            out.setdefault(step.table, []).extend(step.rows(ctx, sha, step.count(ctx)))
    return out


def test_scale_sets_rows_per_sha() -> None:
    assert Size.at_scale(1.0) == Size(organisations_per_sha=200, members_per_sha=50_000)
    assert Size.at_scale(0.1) == Size(
        organisations_per_sha=20,
        members_per_sha=5_000,
        networks_per_sha=5,
        forums_per_sha=2,
        threads_per_sha=200,
        learning_sets_per_sha=2,
    )
    # the progress total: every table's expected rows, nationally
    per_sha = (
        200 + 50_000 + 40 + 75_000 + 12 + 2_000 + 20_000 + 20 + 20 * 90 + 20 * 12
        + 20 * 90 * 10 + 200 * 6 * 8
    )  # fmt: skip
    assert total_rows(Size.at_scale(1.0)) == 10 * per_sha


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first, again = rows_in_memory(SMALL, 7), rows_in_memory(SMALL, 7)
    assert first == again
    assert rows_in_memory(SMALL, 8)["members"] != first["members"]
    assert len(first["organisations"]) == 10 * 5
    assert len(first["members"]) == 10 * 200
    other = rows_in_memory(SMALL, 8)
    for step in STEPS:  # every table follows the seed, not only members
        assert other[step.table] != first[step.table], step.table


def test_domain_tables_have_the_expected_counts() -> None:
    rows = rows_in_memory(SMALL, 3)
    assert len(rows["networks"]) == 10 * 6
    assert len(rows["forums"]) == 10 * 2
    assert len(rows["forum_threads"]) == 10 * 7
    assert len(rows["forum_posts"]) == 10 * 7 * POSTS_PER_THREAD
    assert len(rows["learning_sets"]) == 10 * 2
    assert len(rows["learning_set_meetings"]) == 10 * 2 * MEETINGS_PER_SET
    set_members = len(rows["learning_set_members"])
    assert 10 * 2 * 60 <= set_members <= 10 * 2 * 120
    # every set member has a line for every held meeting (the last two are scheduled)
    assert len(rows["learning_set_attendance"]) == set_members * (MEETINGS_PER_SET - 2)
    assert len(rows["escalator_assessments"]) == 10 * 5 * len(ASSESSED_AREAS) * len(PERIODS)
    # about 60% of members in one to four networks
    members = {(r[0], r[2]) for r in rows["network_members"]}
    assert 0.45 * 10 * 200 < len(members) < 0.75 * 10 * 200
    assert len(rows["network_members"]) <= 4 * len(members)


def test_domain_rows_keep_the_domain_rules() -> None:
    rows = rows_in_memory(SMALL, 5)
    member_keys = {(r[0], r[1]) for r in rows["members"]}
    org_keys = {(r[0], r[1]) for r in rows["organisations"]}
    networks = {(r[0], r[1]) for r in rows["networks"]}
    assert len({(r[0], r[2]) for r in rows["networks"]}) == len(networks)  # unique names
    assert all(set(r[6]) <= set(POLICY_AREAS) for r in rows["networks"])
    for sha, network_id, member_id, _ in rows["network_members"]:
        assert (sha, network_id) in networks and (sha, member_id) in member_keys
    assert len({(r[0], r[1]) for r in rows["network_members"] if r[3] == "CHAIR"}) == len(networks)
    threads = {(r[0], r[1]): r for r in rows["forum_threads"]}
    for post in rows["forum_posts"]:
        sha, _, thread_id, thread_sha, forum_id, forum_sha, author_id, body, created = post
        thread = threads[(sha, thread_id)]
        assert thread_sha == forum_sha == thread[3] == sha  # regional: all in one SHA
        assert thread[2] == forum_id and (sha, author_id) in member_keys
        assert thread[7] <= created <= thread[8] and 1 <= len(body) <= 20000
    set_members = {(r[0], r[1], r[2]) for r in rows["learning_set_members"]}
    meetings = {(r[0], r[1]): r for r in rows["learning_set_meetings"]}
    for sha, set_id, meeting_id, member_id, status in rows["learning_set_attendance"]:
        assert (sha, set_id, member_id) in set_members
        assert meetings[(sha, meeting_id)][2] == set_id
        assert meetings[(sha, meeting_id)][5] == "HELD" and status in (
            "ATTENDED",
            "APOLOGIES",
            "ABSENT",
        )
    months = {(r[0], r[2], r[3].replace(day=1)) for r in rows["learning_set_meetings"]}
    assert len(months) == len(rows["learning_set_meetings"])  # one meeting a month per set
    # Escalator: national policy-area codes, and levels climbed in order per organisation
    series: dict[tuple[Any, ...], list[tuple[str, int]]] = {}
    for sha, _, org_id, area, period, level, evidence, assessor, _ in rows["escalator_assessments"]:
        assert (sha, org_id) in org_keys and (sha, assessor) in member_keys
        assert area in ASSESSED_AREAS and evidence
        series.setdefault((sha, org_id, area), []).append((period, level))
    for levels in series.values():
        assert [p for p, _ in levels] == list(PERIODS)
        highest = 0
        for _, level in levels:
            assert 1 <= level <= highest + 1 and level <= 4  # never skips an unevidenced level
            highest = max(highest, level)
    assert any(max(level for _, level in s) >= 3 for s in series.values())  # they do climb


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
    new_database_url: Any, settings: Settings, bench_admin_url: str
) -> None:
    again = await fresh_generated_database(new_database_url, settings, TINY)

    async def fingerprint(url: str) -> tuple[Any, ...]:
        conn = await asyncpg.connect(url, server_settings={"search_path": settings.db_schema})
        try:
            counts = await conn.fetch(
                "SELECT sha_code, count(*) AS n FROM members GROUP BY sha_code ORDER BY sha_code"
            )
            orgs = await conn.fetchval("SELECT count(*) FROM organisations")
            domain = [
                await conn.fetchval(f"SELECT count(*) FROM {table}") for table in DOMAIN_TABLES
            ]
            return tuple((r["sha_code"], r["n"]) for r in counts), orgs, tuple(domain)
        finally:
            await conn.close()

    first, second = await fingerprint(bench_admin_url), await fingerprint(again)
    per_sha, orgs, domain = first
    assert per_sha == tuple((sha, TINY.members_per_sha) for sha in SEEDED_SHAS)
    assert orgs == 10 * TINY.organisations_per_sha
    expected = {k: len(v) for k, v in rows_in_memory(TINY, DEFAULT_SEED).items()}
    assert domain == tuple(expected[t] for t in DOMAIN_TABLES)
    assert min(domain) > 0
    assert first == second
    # created_at/updated_at default to now(), so the digest leaves them out
    assert await _stable_digest(bench_admin_url, settings) == await _stable_digest(again, settings)


DOMAIN_TABLES = (
    "networks",
    "network_members",
    "forums",
    "forum_threads",
    "forum_posts",
    "learning_sets",
    "learning_set_members",
    "learning_set_meetings",
    "learning_set_attendance",
    "escalator_assessments",
)


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
