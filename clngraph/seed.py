"""Demo data for all ten SHAs: organisations and members that look like the network's.

Deterministic (seeded random), loaded with COPY as the owner role, and only into an
empty directory, so `./dev serve` can call it on every start.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

import asyncpg

from foundation.settings import Settings
from tenants.codes import SEEDED_SHAS

GIVEN = [
    "Amelia",
    "Oliver",
    "Priya",
    "Mohammed",
    "Sarah",
    "James",
    "Aisha",
    "David",
    "Emma",
    "Rajesh",
    "Helen",
    "Thomas",
    "Grace",
    "Samuel",
    "Fatima",
    "Peter",
    "Chloe",
    "Daniel",
    "Ruth",
    "Kwame",
    "Joanna",
    "Michael",
    "Siobhan",
    "Ian",
    "Nadia",
    "Gareth",
    "Lucy",
]
FAMILY = [
    "Smith",
    "Patel",
    "Jones",
    "Khan",
    "Williams",
    "Brown",
    "Taylor",
    "Ahmed",
    "Evans",
    "Wilson",
    "Thompson",
    "Roberts",
    "Walker",
    "Wright",
    "Robinson",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Okafor",
    "Murphy",
    "Singh",
    "Lewis",
    "Price",
]
PROFESSIONS = [
    ("GP", "GMC", 18),
    ("HOSPITAL_CONSULTANT", "GMC", 16),
    ("DOCTOR", "GMC", 8),
    ("NURSE", "NMC", 20),
    ("MIDWIFE", "NMC", 5),
    ("ALLIED_HEALTH_PROFESSIONAL", "HCPC", 10),
    ("PHARMACIST", "GPHC", 5),
    ("MANAGER", None, 14),
    ("ADMINISTRATOR", None, 4),
]
ROLES_BY_PROFESSION = {
    "GP": ["PEC_CHAIR", "PBC_LEAD", "CLINICAL_LEAD"],
    "HOSPITAL_CONSULTANT": ["MEDICAL_DIRECTOR", "CLINICAL_DIRECTOR", "PATHWAY_LEAD"],
    "DOCTOR": ["ASPIRING_CLINICAL_LEADER"],
    "NURSE": ["DIRECTOR_OF_NURSING", "PATHWAY_LEAD", "ASPIRING_CLINICAL_LEADER"],
    "MIDWIFE": ["PATHWAY_LEAD"],
    "ALLIED_HEALTH_PROFESSIONAL": ["CLINICAL_LEAD"],
    "PHARMACIST": ["CLINICAL_LEAD"],
    "MANAGER": ["MANAGER"],
    "ADMINISTRATOR": [],
}
HCPC_PREFIXES = ["PH", "OT", "SL", "RA", "CH", "DT", "PA"]
TRUST_TYPES = ["ACUTE_TRUST", "FOUNDATION_TRUST", "MENTAL_HEALTH_TRUST", "AMBULANCE_TRUST"]
PLACES = {
    "Q30": ["Newcastle", "Sunderland", "Durham", "Gateshead"],
    "Q31": ["Manchester", "Liverpool", "Bolton", "Blackpool", "Wigan", "Salford"],
    "Q32": ["Leeds", "Sheffield", "Bradford", "Hull", "York"],
    "Q33": ["Nottingham", "Leicester", "Derby", "Lincoln"],
    "Q34": ["Birmingham", "Coventry", "Wolverhampton", "Stoke"],
    "Q35": ["Cambridge", "Norwich", "Ipswich", "Luton"],
    "Q36": ["Camden", "Hackney", "Lambeth", "Barnet", "Croydon", "Ealing"],
    "Q37": ["Brighton", "Kent", "Surrey", "Hastings"],
    "Q38": ["Oxford", "Southampton", "Reading", "Portsmouth"],
    "Q39": ["Bristol", "Plymouth", "Exeter", "Gloucester"],
}
ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


@dataclass
class DemoSize:
    organisations_per_sha: int = 24
    members_per_sha: int = 240


def _registration(rng: random.Random, body: str | None, serial: int) -> str | None:
    if body in ("GMC", "GPHC"):
        return f"{(2000000 if body == 'GPHC' else 3000000) + serial:07d}"
    if body == "NMC":
        return f"{rng.randint(70, 99):02d}{rng.choice('ABCDEFGHIJKLMNPRSTUVWXY')}{serial % 10000:04d}{rng.choice('ENOS')}"
    if body == "HCPC":
        return f"{rng.choice(HCPC_PREFIXES)}{100000 + serial:06d}"
    return None


def organisations_for(rng: random.Random, sha: str, count: int) -> list[tuple[object, ...]]:
    places = PLACES[sha]
    rows: list[tuple[object, ...]] = []
    used: set[str] = set()

    def unique(make: object) -> str:
        while True:
            code = make()  # type: ignore[operator]
            if code not in used:
                used.add(code)
                return code

    fixed = [
        ("SHA_DIRECTORATE", f"{sha}DIR", f"{SEEDED_SHAS[sha]} SHA Clinical Strategy Directorate"),
        ("DEANERY", f"{sha}DEAN", f"{SEEDED_SHAS[sha]} Deanery"),
        ("ACADEMY", f"{sha}ACAD", f"{SEEDED_SHAS[sha]} Leadership Academy"),
    ]
    for org_type, code, name in fixed:
        used.add(code)
        rows.append((sha, uuid.UUID(int=rng.getrandbits(128), version=4), code, name, org_type))
    while len(rows) < count:
        place = rng.choice(places)
        kind = rng.random()
        if kind < 0.25:
            code = unique(lambda: "5" + rng.choice(ALNUM) + rng.choice(ALNUM))
            org_type, name = "PCT", f"{place} Primary Care Trust"
        elif kind < 0.55:
            code = unique(lambda: "R" + rng.choice(ALNUM) + rng.choice(ALNUM))
            org_type = rng.choice(TRUST_TYPES)
            name = f"{place} {org_type.replace('_', ' ').title().replace('Trust', 'NHS Trust')}"
        elif kind < 0.62:
            code = unique(lambda: "T" + rng.choice(ALNUM) + rng.choice(ALNUM))
            org_type, name = "CARE_TRUST", f"{place} Care Trust"
        elif kind < 0.92:
            code = unique(lambda: rng.choice("ABCDEFGHJKLMNPY") + f"{rng.randint(0, 99999):05d}")
            org_type, name = "GP_PRACTICE", f"{rng.choice(FAMILY)} Medical Practice, {place}"
        else:
            code = unique(lambda: "LA" + f"{rng.randint(100, 999)}")
            org_type, name = "LOCAL_AUTHORITY", f"{place} Council Social Services"
        rows.append((sha, uuid.UUID(int=rng.getrandbits(128), version=4), code, name, org_type))
    return rows


def members_for(
    rng: random.Random, sha: str, orgs: list[tuple[object, ...]], count: int, serial_base: int
) -> list[tuple[object, ...]]:
    weights = [p[2] for p in PROFESSIONS]
    rows: list[tuple[object, ...]] = []
    for i in range(count):
        profession, body, _ = rng.choices(PROFESSIONS, weights=weights)[0]
        org = rng.choice(orgs)
        roles = [r for r in ROLES_BY_PROFESSION[profession] if rng.random() < 0.15]
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        joined = dt.date(2007, 5, 1) + dt.timedelta(days=rng.randint(0, 6 * 365))
        status = rng.choices(["ACTIVE", "INACTIVE", "LEFT"], weights=[90, 6, 4])[0]
        rows.append(
            (
                sha,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                org[1],
                given,
                family,
                f"{given}.{family}.{serial_base + i}@nhs.example".lower(),
                profession,
                body,
                _registration(rng, body, serial_base + i),
                roles,
                joined,
                status,
            )
        )
    return rows


async def seed_demo(
    admin_url: str, settings: Settings, size: DemoSize | None = None, *, force: bool = False
) -> bool:
    """Load demo data into an empty directory. Returns False when data was already there."""
    size = size or DemoSize()
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        async with conn.transaction():
            await conn.execute(f"SET LOCAL ROLE {settings.owner_role}")
            if not force and await conn.fetchval("SELECT EXISTS (SELECT 1 FROM members)"):
                return False
            rng = random.Random(20090202)
            serial = 0
            for sha in SEEDED_SHAS:
                orgs = organisations_for(rng, sha, size.organisations_per_sha)
                await conn.copy_records_to_table(
                    "organisations",
                    records=orgs,
                    columns=["sha_code", "id", "code", "name", "type"],
                    schema_name=settings.db_schema,
                )
                people = members_for(rng, sha, orgs, size.members_per_sha, serial)
                serial += size.members_per_sha
                await conn.copy_records_to_table(
                    "members",
                    records=people,
                    columns=[
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
                    ],
                    schema_name=settings.db_schema,
                )
            await seed_domains(conn, rng)
            await conn.execute("ANALYZE")
        return True
    finally:
        await conn.close()


async def seed_domains(conn: asyncpg.Connection, rng: random.Random) -> None:
    """Demo data of other domains: each `resolvers.<domain>.seed` module with
    `async def seed(conn, rng)` runs after the directory, as the owner role, in
    the same transaction, in alphabetical order of the domain."""
    import importlib
    import pkgutil

    import resolvers

    for info in sorted(pkgutil.iter_modules(resolvers.__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"resolvers.{info.name}.seed")
        except ModuleNotFoundError as exc:
            if exc.name != f"resolvers.{info.name}.seed":
                raise
            continue
        await module.seed(conn, rng)


async def first_member(admin_url: str, settings: Settings, sha: str) -> tuple[str, str] | None:
    """(member id, display name) of a demo member of `sha`, for development tokens."""
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        row = await conn.fetchrow(
            "SELECT id, given_name || ' ' || family_name AS name FROM members"
            " WHERE sha_code = $1 AND status = 'ACTIVE' ORDER BY family_name, given_name, id LIMIT 1",
            sha,
        )
        return (str(row["id"]), row["name"]) if row else None
    finally:
        await conn.close()
