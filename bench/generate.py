"""A national-scale dataset for benchmarks: deterministic, loaded with COPY.

The generator is a list of per-table steps (`STEPS`). Each step makes the rows of
one table for one SHA from its own random stream, seeded by (seed, table, SHA), so
adding a step later never changes the rows of the others. A step may record keys
(e.g. member ids) in `GenContext.keys` for the steps after it. After the
directory come networks (with members), forums (threads, posts), learning sets
(members, monthly meetings, attendance) and Escalator assessments over eight
quarters; see bench/README.md for adding a step.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import asyncpg

from clngraph.seed import FAMILY, GIVEN, HCPC_PREFIXES, PLACES, PROFESSIONS, ROLES_BY_PROFESSION
from tenants.codes import SEEDED_SHAS

DEFAULT_SEED = 20090202
CHUNK = 10_000

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Size:
    """Rows per SHA at scale 1: 200 organisations and 50,000 members (500,000 nationally)."""

    organisations_per_sha: int = 200
    members_per_sha: int = 50_000
    networks_per_sha: int = 40
    forums_per_sha: int = 12
    threads_per_sha: int = 2_000
    learning_sets_per_sha: int = 20

    @classmethod
    def at_scale(cls, scale: float) -> Size:
        base = cls()
        return cls(
            organisations_per_sha=max(5, round(base.organisations_per_sha * scale)),
            members_per_sha=max(1, round(base.members_per_sha * scale)),
            networks_per_sha=max(5, round(base.networks_per_sha * scale)),
            forums_per_sha=max(2, round(base.forums_per_sha * scale)),
            threads_per_sha=max(4, round(base.threads_per_sha * scale)),
            learning_sets_per_sha=max(2, round(base.learning_sets_per_sha * scale)),
        )


@dataclass
class GenContext:
    """What steps share: the size, the seed and keys earlier steps recorded per SHA."""

    size: Size
    seed: int
    shas: Sequence[str]
    keys: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    def rng(self, table: str, sha: str) -> random.Random:
        return random.Random(f"{self.seed}:{table}:{sha}")

    def record(self, name: str, sha: str, values: list[Any]) -> None:
        self.keys.setdefault(name, {})[sha] = values


@dataclass(frozen=True)
class Step:
    """One table: its COPY columns, how many rows per SHA, and the row maker."""

    table: str
    columns: tuple[str, ...]
    count: Callable[[GenContext], int]
    rows: Callable[[GenContext, str, int], Iterator[Row]]
    # rows per SHA the step yields, when more than `count` (for the progress total)
    expected: Callable[[GenContext], int] | None = None

    def rows_per_sha(self, ctx: GenContext) -> int:
        return (self.expected or self.count)(ctx)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
TRUSTS = ["ACUTE_TRUST", "FOUNDATION_TRUST", "MENTAL_HEALTH_TRUST", "AMBULANCE_TRUST"]


def organisation_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    """The SHA's directorate, deanery and academy, then PCTs, trusts, practices, councils."""
    rng = ctx.rng("organisations", sha)
    places = PLACES[sha]
    used: set[str] = set()
    ids: list[uuid.UUID] = []
    fixed = [
        ("SHA_DIRECTORATE", f"{sha}DIR", f"{SEEDED_SHAS[sha]} SHA Clinical Strategy Directorate"),
        ("DEANERY", f"{sha}DEAN", f"{SEEDED_SHAS[sha]} Deanery"),
        ("ACADEMY", f"{sha}ACAD", f"{SEEDED_SHAS[sha]} Leadership Academy"),
    ]
    made = 0
    while made < count:
        if made < len(fixed):
            org_type, code, name = fixed[made]
        else:
            place, kind = rng.choice(places), rng.random()
            if kind < 0.2:
                org_type, code = "PCT", "5" + rng.choice(ALNUM) + rng.choice(ALNUM)
                name = f"{place} Primary Care Trust"
            elif kind < 0.4:
                org_type, code = rng.choice(TRUSTS), "R" + rng.choice(ALNUM) + rng.choice(ALNUM)
                name = f"{place} {org_type.replace('_', ' ').title().replace('Trust', 'NHS Trust')}"
            elif kind < 0.45:
                org_type, code = "CARE_TRUST", "T" + rng.choice(ALNUM) + rng.choice(ALNUM)
                name = f"{place} Care Trust"
            elif kind < 0.95:
                org_type = "GP_PRACTICE"
                code = rng.choice("ABCDEFGHJKLMNPY") + f"{rng.randint(0, 99999):05d}"
                name = f"{rng.choice(FAMILY)} Medical Practice, {place}"
            else:
                org_type, code = "LOCAL_AUTHORITY", f"LA{rng.randint(100, 99999)}"
                name = f"{place} Council Social Services"
            if code in used:
                continue
        used.add(code)
        org_id = _uuid(rng)
        ids.append(org_id)
        made += 1
        yield (sha, org_id, code, name, org_type)
    ctx.record("organisations", sha, ids)


NMC_LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"


def registration(rng: random.Random, body: str | None, serial: int) -> str | None:
    """A well-formed number, unique per body for every serial below 7,000,000."""
    if body == "GMC":
        return f"{1000000 + serial:07d}"
    if body == "GPHC":
        return f"{2000000 + serial:07d}"
    if body == "NMC":
        letter = NMC_LETTERS[(serial // 10000) % len(NMC_LETTERS)]
        return f"{10 + serial // 220000:02d}{letter}{serial % 10000:04d}{rng.choice('ENOS')}"
    if body == "HCPC":
        return f"{rng.choice(HCPC_PREFIXES)}{serial % 1000000:06d}"
    return None


def member_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    rng = ctx.rng("members", sha)
    orgs = ctx.keys["organisations"][sha]
    base = list(SEEDED_SHAS).index(sha) * ctx.size.members_per_sha
    weights = [p[2] for p in PROFESSIONS]
    cumulative = list(itertools.accumulate(weights))
    start = dt.date(2007, 5, 1)
    ids: list[uuid.UUID] = []
    for i in range(count):
        profession, body, _ = rng.choices(PROFESSIONS, cum_weights=cumulative)[0]
        roles = [r for r in ROLES_BY_PROFESSION[profession] if rng.random() < 0.15]
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        serial = base + i
        status = rng.choices(("ACTIVE", "INACTIVE", "LEFT"), cum_weights=(90, 96, 100))[0]
        member_id = _uuid(rng)
        ids.append(member_id)
        yield (
            sha,
            member_id,
            rng.choice(orgs),
            given,
            family,
            f"{given}.{family}.{serial}@nhs.example".lower(),
            profession,
            body,
            registration(rng, body, serial),
            roles,
            start + dt.timedelta(days=rng.randint(0, 6 * 365)),
            status,
        )
    ctx.record("members", sha, ids)


STEPS: list[Step] = [
    Step(
        "organisations",
        ("sha_code", "id", "code", "name", "type"),
        lambda ctx: ctx.size.organisations_per_sha,
        organisation_rows,
    ),
    Step(
        "members",
        (
            "sha_code",
            "id",
            "organisation_id",
            "given_name",
            "family_name",
            "email",
            "profession",
            "registration_body",
            "registration_number",
            "roles",
            "joined_on",
            "status",
        ),
        lambda ctx: ctx.size.members_per_sha,
        member_rows,
    ),
]


# --- networks ------------------------------------------------------------------

# The Escalator's national policy-area vocabulary (migrations 0500 and 0820), which
# networks share; the first six are the areas organisations self-assess against.
POLICY_AREAS = (
    "RTT_18_WEEKS",
    "PRACTICE_BASED_COMMISSIONING",
    "HEALTHCARE_ACQUIRED_INFECTION",
    "PAY_FOR_QUALITY",
    "CHOOSE_AND_BOOK",
    "PATIENT_SAFETY",
    "MATERNITY_SERVICES",
    "YOUNG_PEOPLES_SERVICES",
    "LONG_TERM_CONDITIONS",
    "END_OF_LIFE_CARE",
    "URGENT_AND_EMERGENCY_CARE",
    "MENTAL_HEALTH_SERVICES",
)
ASSESSED_AREAS = POLICY_AREAS[:6]
CLINICAL_AREAS = (
    ("CARDIAC", "Cardiac"),
    ("CANCER", "Cancer"),
    ("STROKE", "Stroke"),
    ("MATERNITY", "Maternity"),
    ("CHILDREN", "Children's services"),
    ("CRITICAL_CARE", "Critical care"),
    ("DIABETES", "Diabetes"),
    ("RENAL", "Renal"),
    ("RESPIRATORY", "Respiratory"),
    ("MENTAL_HEALTH", "Mental health"),
    ("END_OF_LIFE", "End of life care"),
    ("PRIMARY_CARE", "Primary care"),
)
NETWORK_KINDS = (("FORMAL_MANAGED", "Clinical Network"), ("COMMUNITY_OF_INTEREST", "Forum"))


def network_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    """Managed clinical networks and communities of interest, named after place and area."""
    rng = ctx.rng("networks", sha)
    ids: list[uuid.UUID] = []
    for i in range(count):
        area, label = CLINICAL_AREAS[i % len(CLINICAL_AREAS)]
        kind, noun = rng.choice(NETWORK_KINDS)
        place = rng.choice(PLACES[sha])
        network_id = _uuid(rng)
        ids.append(network_id)
        yield (
            sha,
            network_id,
            f"{place} {label} {noun} {i + 1}",
            kind,
            area,
            f"Clinicians across {place} improving {label.lower()} services together.",
            sorted(rng.sample(POLICY_AREAS, rng.randint(0, 3))),
        )
    ctx.record("networks", sha, ids)


def network_member_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    """About 60% of members belong to one to four networks; each network has a chair."""
    rng = ctx.rng("network_members", sha)
    networks, members = ctx.keys["networks"][sha], ctx.keys["members"][sha]
    chaired: set[uuid.UUID] = set()
    for member_id in members[:count]:
        if rng.random() >= 0.6:
            continue
        for network_id in rng.sample(networks, min(len(networks), rng.randint(1, 4))):
            role = "MEMBER"
            if network_id not in chaired:
                chaired.add(network_id)
                role = "CHAIR"
            elif rng.random() < 0.03:
                role = rng.choice(("CLINICAL_LEAD", "MANAGER", "SECRETARIAT"))
            yield (sha, network_id, member_id, role)


# --- forums --------------------------------------------------------------------

FORUM_TOPICS = (
    "Choose and Book",
    "18 weeks",
    "Practice based commissioning",
    "Healthcare acquired infection",
    "Patient safety",
    "Stroke pathway",
    "Maternity",
    "Long-term conditions",
    "End of life care",
    "Urgent care",
    "Mental health",
    "Leadership development",
)
SENTENCES = (
    "We piloted this in two practices first and the referral times fell within a quarter.",
    "Has anyone shared the audit template with their PCT's clinical governance lead?",
    "The consultants' buy-in came once the data was presented at the joint meeting.",
    "Our trust board asked for a one-page summary, which helped focus the discussion.",
    "Nursing staff led the change on the wards, with the matron as the clinical sponsor.",
    "The learning set discussed this last month; the notes are in the shared folder.",
    "We found that a named clinical lead per pathway made the biggest difference.",
    "Patients were involved through the local involvement network from the start.",
)
BASE_TIME = dt.datetime(2008, 1, 7, 9, 0, tzinfo=dt.UTC)
POSTS_PER_THREAD = 10


def forum_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    rng = ctx.rng("forums", sha)
    ids: list[uuid.UUID] = []
    for i in range(count):
        topic = FORUM_TOPICS[i % len(FORUM_TOPICS)]
        forum_id = _uuid(rng)
        ids.append(forum_id)
        yield (
            sha,
            forum_id,
            f"{topic} forum {i + 1}",
            "TOPIC",
            topic,
            None,
            f"Talk about {topic}.",
        )
    ctx.record("forums", sha, ids)


def forum_thread_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    """Threads over two years; each records its forum, author and when it started."""
    rng = ctx.rng("forum_threads", sha)
    forums, members = ctx.keys["forums"][sha], ctx.keys["members"][sha]
    threads: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, dt.datetime]] = []
    for i in range(count):
        forum_id, author_id = rng.choice(forums), rng.choice(members)
        started = BASE_TIME + dt.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        thread_id = _uuid(rng)
        threads.append((thread_id, forum_id, author_id, started))
        last = started + dt.timedelta(hours=6 * (POSTS_PER_THREAD - 1))
        title = f"{rng.choice(FORUM_TOPICS)}: what worked for you? ({i + 1})"
        locked = rng.random() < 0.02
        yield (sha, thread_id, forum_id, sha, author_id, title, locked, started, last)
    ctx.record("forum_threads", sha, threads)


def forum_post_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    """Ten posts per thread, six hours apart; the thread's author writes the first."""
    rng = ctx.rng("forum_posts", sha)
    members = ctx.keys["members"][sha]
    for thread_id, forum_id, author_id, started in ctx.keys["forum_threads"][sha][:count]:
        for n in range(POSTS_PER_THREAD):
            body = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
            yield (
                sha,
                _uuid(rng),
                thread_id,
                sha,
                forum_id,
                sha,
                author_id if n == 0 else rng.choice(members),
                body,
                started + dt.timedelta(hours=6 * n),
            )


# --- learning sets -------------------------------------------------------------

SET_FOCUS = (
    ("PRIORITY", "Choose and Book"),
    ("PRIORITY", "18 weeks"),
    ("PRIORITY", "Healthcare acquired infection"),
    ("CARE_PATHWAY", "Stroke"),
    ("CARE_PATHWAY", "Cardiac"),
    ("CARE_PATHWAY", "Long-term conditions"),
    ("CARE_PATHWAY", "Maternity and young people's services"),
)
MEETINGS_PER_SET = 12
SET_START = dt.date(2008, 4, 1)


def learning_set_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    """Sets started in spring 2008, 60-120 members each (one facilitator)."""
    rng = ctx.rng("learning_sets", sha)
    members = ctx.keys["members"][sha]
    sets: list[tuple[uuid.UUID, list[uuid.UUID]]] = []
    for i in range(count):
        kind, focus = SET_FOCUS[i % len(SET_FOCUS)]
        set_id = _uuid(rng)
        sets.append((set_id, rng.sample(members, min(len(members), rng.randint(60, 120)))))
        status = "CLOSED" if rng.random() < 0.15 else "ACTIVE"
        yield (sha, set_id, f"{focus} learning set {i + 1}", kind, focus, None, status, SET_START)
    ctx.record("learning_sets", sha, sets)


def learning_set_member_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    for set_id, members in ctx.keys["learning_sets"][sha][:count]:
        for n, member_id in enumerate(members):
            role = "FACILITATOR" if n == 0 else "PARTICIPANT"
            yield (sha, set_id, member_id, role, SET_START)


def learning_set_meeting_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    """Twelve monthly meetings from April 2008; the last two still scheduled."""
    rng = ctx.rng("learning_set_meetings", sha)
    meetings: list[tuple[uuid.UUID, uuid.UUID, list[uuid.UUID]]] = []
    for set_id, members in ctx.keys["learning_sets"][sha][:count]:
        for month in range(MEETINGS_PER_SET):
            held_on = dt.date(2008 + (3 + month) // 12, (3 + month) % 12 + 1, rng.randint(1, 28))
            status = "SCHEDULED" if month >= MEETINGS_PER_SET - 2 else "HELD"
            meeting_id = _uuid(rng)
            if status == "HELD":
                meetings.append((set_id, meeting_id, members))
            yield (sha, meeting_id, set_id, held_on, f"Action learning session {month + 1}", status)
    ctx.record("learning_set_meetings", sha, meetings)


def learning_set_attendance_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    """Every set member at every held meeting: ~80% attended, ~12% apologies, rest absent."""
    rng = ctx.rng("learning_set_attendance", sha)
    for set_id, meeting_id, members in ctx.keys["learning_set_meetings"][sha]:
        for member_id in members:
            roll = rng.random()
            status = "ATTENDED" if roll < 0.8 else "APOLOGIES" if roll < 0.92 else "ABSENT"
            yield (sha, set_id, meeting_id, member_id, status)


# --- Escalator -----------------------------------------------------------------

PERIODS = tuple(f"{year}Q{q}" for year in (2008, 2009) for q in range(1, 5))
LEVEL_NAMES = ("awareness raising", "clinical involvement", "dissemination", "adoption")


def climb(rng: random.Random) -> list[int]:
    """Levels over the eight quarters, climbed in order: from level 1, at most one
    level above the highest reached so far, occasionally slipping back one."""
    level, levels = 1, []
    for _ in PERIODS:
        levels.append(level)
        roll = rng.random()
        if roll < 0.4 and level < 4 and level == max(levels):
            level += 1
        elif roll > 0.93 and level > 1:
            level -= 1
        elif roll < 0.4 and level < max(levels):
            level += 1
    return levels


def escalator_assessment_rows(ctx: GenContext, sha: str, count: int) -> Iterator[Row]:
    """Every organisation x the six assessed policy areas x eight quarters."""
    rng = ctx.rng("escalator_assessments", sha)
    orgs, members = ctx.keys["organisations"][sha][:count], ctx.keys["members"][sha]
    for org_id in orgs:
        assessor = rng.choice(members)
        for area in ASSESSED_AREAS:
            for period, level in zip(PERIODS, climb(rng), strict=True):
                year, quarter = int(period[:4]), int(period[-1])
                yield (
                    sha,
                    _uuid(rng),
                    org_id,
                    area,
                    period,
                    level,
                    f"{period}: {LEVEL_NAMES[level - 1]} evidenced by board minutes",
                    assessor,
                    dt.date(year, quarter * 3, rng.randint(1, 28)),
                )


def _members_in_sets(ctx: GenContext) -> int:
    return ctx.size.learning_sets_per_sha * 90


STEPS += [
    Step(
        "networks",
        ("sha_code", "id", "name", "kind", "clinical_area", "description", "policy_areas"),
        lambda c: c.size.networks_per_sha,
        network_rows,
    ),
    Step(
        "network_members",
        ("sha_code", "network_id", "member_id", "role"),
        lambda c: c.size.members_per_sha,
        network_member_rows,
        expected=lambda c: round(c.size.members_per_sha * 0.6 * 2.5),
    ),
    Step(
        "forums",
        ("sha_code", "id", "title", "kind", "topic", "audience_role", "description"),
        lambda c: c.size.forums_per_sha,
        forum_rows,
    ),
    Step(
        "forum_threads",
        (
            "sha_code",
            "id",
            "forum_id",
            "forum_sha_code",
            "author_id",
            "title",
            "locked",
            "created_at",
            "last_post_at",
        ),
        lambda c: c.size.threads_per_sha,
        forum_thread_rows,
    ),
    Step(
        "forum_posts",
        (
            "sha_code",
            "id",
            "thread_id",
            "thread_sha_code",
            "forum_id",
            "forum_sha_code",
            "author_id",
            "body_markdown",
            "created_at",
        ),
        lambda c: c.size.threads_per_sha,
        forum_post_rows,
        expected=lambda c: c.size.threads_per_sha * POSTS_PER_THREAD,
    ),
    Step(
        "learning_sets",
        (
            "sha_code",
            "id",
            "name",
            "focus_kind",
            "focus",
            "description",
            "status",
            "started_on",
        ),
        lambda c: c.size.learning_sets_per_sha,
        learning_set_rows,
    ),
    Step(
        "learning_set_members",
        ("sha_code", "set_id", "member_id", "role", "joined_on"),
        lambda c: c.size.learning_sets_per_sha,
        learning_set_member_rows,
        expected=_members_in_sets,
    ),
    Step(
        "learning_set_meetings",
        ("sha_code", "id", "set_id", "held_on", "topic", "status"),
        lambda c: c.size.learning_sets_per_sha,
        learning_set_meeting_rows,
        expected=lambda c: c.size.learning_sets_per_sha * MEETINGS_PER_SET,
    ),
    Step(
        "learning_set_attendance",
        ("sha_code", "set_id", "meeting_id", "member_id", "status"),
        lambda c: c.size.learning_sets_per_sha,
        learning_set_attendance_rows,
        expected=lambda c: _members_in_sets(c) * (MEETINGS_PER_SET - 2),
    ),
    Step(
        "escalator_assessments",
        (
            "sha_code",
            "id",
            "organisation_id",
            "policy_area",
            "period",
            "level",
            "evidence",
            "assessor_id",
            "assessed_on",
        ),
        lambda c: c.size.organisations_per_sha,
        escalator_assessment_rows,
        expected=lambda c: c.size.organisations_per_sha * len(ASSESSED_AREAS) * len(PERIODS),
    ),
]


class Progress:
    """A dependency-free progress bar on stderr (one line, rewritten in place)."""

    def __init__(self, total: int, out: TextIO | None = None, width: int = 30) -> None:
        self.total, self.done, self.width = max(total, 1), 0, width
        self.out = out if out is not None else sys.stderr
        self.started = time.monotonic()
        self.label = ""

    def advance(self, rows: int, label: str) -> None:
        self.done += rows
        self.label = label
        filled = int(self.width * self.done / self.total)
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        self.out.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {self.done:>9,}/{self.total:,} rows"
            f" {rate:>8,.0f}/s  {label:<24}"
        )
        self.out.flush()

    def close(self) -> None:
        self.out.write(f"\n{self.done:,} rows in {time.monotonic() - self.started:.1f}s\n")
        self.out.flush()


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def generate(
    conn: asyncpg.Connection,
    schema: str,
    owner_role: str,
    *,
    size: Size,
    seed: int = DEFAULT_SEED,
    steps: Sequence[Step] | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Empty the generated tables, refill them step by step with COPY, VACUUM ANALYZE.

    Returns rows per table. Runs as the owner role in one transaction, so a failed
    load leaves the previous data in place."""
    steps = list(STEPS if steps is None else steps)
    ctx = GenContext(size=size, seed=seed, shas=list(SEEDED_SHAS))
    counts: dict[str, int] = {}
    async with conn.transaction():
        await conn.execute(f"SET LOCAL ROLE {owner_role}")
        tables = ", ".join(f"{schema}.{s.table}" for s in steps)
        await conn.execute(f"TRUNCATE {tables}, {schema}.audit_log CASCADE")
        for step in steps:
            per_sha = step.count(ctx)
            for sha in ctx.shas:
                for chunk in _chunks(step.rows(ctx, sha, per_sha), CHUNK):
                    await conn.copy_records_to_table(
                        step.table, records=chunk, columns=list(step.columns), schema_name=schema
                    )
                    counts[step.table] = counts.get(step.table, 0) + len(chunk)
                    if progress:
                        progress.advance(len(chunk), f"{step.table} {sha}")
    # VACUUM as well: freshly copied pages have no visibility map, so without it no
    # index-only scan (counts, keyset pages) is possible until autovacuum comes by.
    await conn.execute(f"VACUUM (ANALYZE) {', '.join(f'{schema}.{s.table}' for s in steps)}")
    if progress:
        progress.close()
    return counts


def total_rows(size: Size, steps: Sequence[Step] | None = None) -> int:
    ctx = GenContext(size=size, seed=0, shas=list(SEEDED_SHAS))
    return sum(s.rows_per_sha(ctx) for s in (STEPS if steps is None else steps)) * len(ctx.shas)
