"""A national-scale dataset for benchmarks: deterministic, loaded with COPY.

The generator is a list of per-table steps (`STEPS`). Each step makes the rows of
one table for one SHA from its own random stream, seeded by (seed, table, SHA), so
adding a step later never changes the rows of the others. A step may record keys
(e.g. member ids) in `GenContext.keys` for the steps after it. Domains that land
later (networks, forums, learning sets, the Escalator) add a `Step` to `STEPS`;
see bench/README.md.
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

    @classmethod
    def at_scale(cls, scale: float) -> Size:
        base = cls()
        return cls(
            organisations_per_sha=max(5, round(base.organisations_per_sha * scale)),
            members_per_sha=max(1, round(base.members_per_sha * scale)),
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
    return sum(s.count(ctx) for s in (STEPS if steps is None else steps)) * len(ctx.shas)
