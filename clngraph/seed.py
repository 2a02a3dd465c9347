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
    "Q30": ["Newcastle", "Sunderland", "Durham", "Gateshead", "Middlesbrough", "Darlington"],
    "Q31": [
        "Manchester",
        "Liverpool",
        "Bolton",
        "Blackpool",
        "Wigan",
        "Salford",
        "Preston",
        "Stockport",
        "Oldham",
        "Carlisle",
    ],
    "Q32": ["Leeds", "Sheffield", "Bradford", "Hull", "York", "Wakefield", "Doncaster", "Barnsley"],
    "Q33": ["Nottingham", "Leicester", "Derby", "Lincoln", "Northampton", "Chesterfield"],
    "Q34": [
        "Birmingham",
        "Coventry",
        "Wolverhampton",
        "Stoke",
        "Walsall",
        "Dudley",
        "Worcester",
        "Shrewsbury",
    ],
    "Q35": [
        "Cambridge",
        "Norwich",
        "Ipswich",
        "Luton",
        "Peterborough",
        "Colchester",
        "Bedford",
        "Watford",
    ],
    "Q36": [
        "Camden",
        "Hackney",
        "Lambeth",
        "Barnet",
        "Croydon",
        "Ealing",
        "Islington",
        "Newham",
        "Southwark",
        "Lewisham",
    ],
    "Q37": ["Brighton", "Maidstone", "Guildford", "Hastings", "Canterbury", "Crawley"],
    "Q38": ["Oxford", "Southampton", "Reading", "Portsmouth", "Milton Keynes", "Winchester"],
    "Q39": ["Bristol", "Plymouth", "Exeter", "Gloucester", "Bath", "Swindon", "Truro", "Taunton"],
}
AMBULANCE = {
    "Q30": "North East",
    "Q31": "North West",
    "Q32": "Yorkshire",
    "Q33": "East Midlands",
    "Q34": "West Midlands",
    "Q35": "East of England",
    "Q36": "London",
    "Q37": "South East Coast",
    "Q38": "South Central",
    "Q39": "Great Western",
}
# Resident population in millions (mid-2008 estimates, rounded): demo SHAs are sized in
# proportion, so London and the North West are the largest and the North East the smallest.
POPULATION = {
    "Q30": 2.6,
    "Q31": 6.9,
    "Q32": 5.2,
    "Q33": 4.4,
    "Q34": 5.4,
    "Q35": 5.7,
    "Q36": 7.6,
    "Q37": 4.3,
    "Q38": 4.1,
    "Q39": 5.2,
}
MEAN_POPULATION = sum(POPULATION.values()) / len(POPULATION)
DISTRICTS = ["North", "South", "Central", "East", "West", "Heart of"]
STREETS = [
    "Church Street",
    "Park Road",
    "Station Road",
    "High Street",
    "Victoria Road",
    "Mill Lane",
    "Market Place",
    "Queens Road",
    "Castle Street",
    "Brook Lane",
]
ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


@dataclass
class DemoSize:
    """Organisations and members of an SHA of average population; each SHA is scaled
    by its population (`POPULATION`)."""

    organisations_per_sha: int = 24
    members_per_sha: int = 240

    def for_sha(self, sha: str) -> tuple[int, int]:
        factor = POPULATION.get(sha, MEAN_POPULATION) / MEAN_POPULATION
        return (
            max(round(self.organisations_per_sha * factor), MIN_ORGANISATIONS),
            max(round(self.members_per_sha * factor), 20),
        )


MIN_ORGANISATIONS = 6  # the three SHA bodies, two PCTs and an acute trust


def _registration(rng: random.Random, body: str | None, serial: int) -> str | None:
    if body in ("GMC", "GPHC"):
        return f"{(2000000 if body == 'GPHC' else 3000000) + serial:07d}"
    if body == "NMC":
        return f"{rng.randint(70, 99):02d}{rng.choice('ABCDEFGHIJKLMNPRSTUVWXY')}{serial % 10000:04d}{rng.choice('ENOS')}"
    if body == "HCPC":
        return f"{rng.choice(HCPC_PREFIXES)}{100000 + serial:06d}"
    return None


def _pct_name(rng: random.Random, place: str) -> str:
    return rng.choice(
        [
            f"{place} Primary Care Trust",
            f"{rng.choice(DISTRICTS)} {place} Primary Care Trust",
            f"{place} Teaching Primary Care Trust",
        ]
    )


def _trust(rng: random.Random, sha: str, place: str) -> tuple[str, str]:
    org_type = rng.choice(TRUST_TYPES)
    if org_type == "ACUTE_TRUST":
        name = rng.choice(
            [f"Royal {place} Hospital NHS Trust", f"{place} Teaching Hospitals NHS Trust"]
        )
    elif org_type == "FOUNDATION_TRUST":
        name = rng.choice(
            [
                f"{place} Hospitals NHS Foundation Trust",
                f"{place} and District General Hospital NHS Foundation Trust",
            ]
        )
    elif org_type == "MENTAL_HEALTH_TRUST":
        name = f"{place} and District Mental Health NHS Trust"
    else:
        name = f"{AMBULANCE[sha]} Ambulance Service NHS Trust"
    return org_type, name


def organisations_for(rng: random.Random, sha: str, count: int) -> list[tuple[object, ...]]:
    """The SHA's own bodies, then PCTs, trusts, care trusts, practices and councils, each
    with an ODS-shaped code (PCT 5xx, trust Rxx, care trust Txx, practice A12345) and a
    name used once in the country (`_NAMES`)."""
    places = PLACES[sha]
    rows: list[tuple[object, ...]] = []
    used: set[str] = set()

    def unique(make: object) -> str:
        while True:
            code = make()  # type: ignore[operator]
            if code not in used and code not in _CODES:
                used.add(code)
                _CODES.add(code)
                return code

    fixed = [
        ("SHA_DIRECTORATE", f"{sha}DIR", f"{SEEDED_SHAS[sha]} SHA Clinical Strategy Directorate"),
        ("DEANERY", f"{sha}DEAN", f"{SEEDED_SHAS[sha]} Deanery"),
        ("ACADEMY", f"{sha}ACAD", f"{SEEDED_SHAS[sha]} Leadership Academy"),
    ]
    for org_type, code, name in fixed:
        used.add(code)
        _NAMES.add(name)
        rows.append((sha, uuid.UUID(int=rng.getrandbits(128), version=4), code, name, org_type))
    # every SHA has PCTs and an acute trust, whatever its size
    kinds = [0.0, 0.0, 0.3]
    while len(rows) < count:
        kind = kinds.pop(0) if kinds else rng.random()
        for _ in range(50):
            place = rng.choice(places)
            if kind < 0.25:
                org_type, name = "PCT", _pct_name(rng, place)
            elif kind < 0.55:
                org_type, name = _trust(rng, sha, place)
            elif kind < 0.62:
                org_type, name = "CARE_TRUST", f"{place} Care Trust"
            elif kind < 0.92:
                org_type = "GP_PRACTICE"
                name = rng.choice(
                    [
                        f"{rng.choice(FAMILY)} Medical Practice, {place}",
                        f"The {rng.choice(STREETS)} Surgery, {place}",
                        f"{place} {rng.choice(['Health Centre', 'Family Practice'])}",
                    ]
                )
            else:
                org_type, name = "LOCAL_AUTHORITY", f"{place} City Council Adult Social Services"
            if name not in _NAMES:
                break
        else:
            kind = 0.7  # names of this kind ran out: a practice, which has many
            continue
        _NAMES.add(name)
        if org_type == "PCT":
            code = unique(lambda: "5" + rng.choice(ALNUM) + rng.choice(ALNUM))
        elif org_type == "CARE_TRUST":
            code = unique(lambda: "T" + rng.choice(ALNUM) + rng.choice(ALNUM))
        elif org_type == "GP_PRACTICE":
            code = unique(lambda: rng.choice("ABCDEFGHJKLMNPY") + f"{rng.randint(0, 99999):05d}")
        elif org_type == "LOCAL_AUTHORITY":
            code = unique(lambda: "00" + rng.choice("ABCDEFGHJKLMN") + rng.choice("ABCDEFGHJKLMN"))
        else:
            code = unique(lambda: "R" + rng.choice(ALNUM) + rng.choice(ALNUM))
        rows.append((sha, uuid.UUID(int=rng.getrandbits(128), version=4), code, name, org_type))
    return rows


# Names and codes already given, across SHAs (reset by seed_demo).
_NAMES: set[str] = set()
_CODES: set[str] = set()


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
            _NAMES.clear()
            _CODES.clear()
            for sha in SEEDED_SHAS:
                org_count, member_count = size.for_sha(sha)
                orgs = organisations_for(rng, sha, org_count)
                await conn.copy_records_to_table(
                    "organisations",
                    records=orgs,
                    columns=["sha_code", "id", "code", "name", "type"],
                    schema_name=settings.db_schema,
                )
                people = members_for(rng, sha, orgs, member_count, serial)
                serial += member_count
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
        # After the commit: on Citus, ANALYZE inside the writing transaction can meet
        # that transaction's own shard locks (a distributed deadlock).
        await conn.execute("ANALYZE")
        return True
    finally:
        await conn.close()


async def seed_domains(conn: asyncpg.Connection, rng: random.Random) -> None:
    """Demo data of other domains: each `resolvers.<domain>.seed` module with
    `async def seed(conn, rng)` runs after the directory, as the owner role, in
    the same transaction, in alphabetical order of the domain, except that a module
    naming domains in `SEED_AFTER` runs after those (evaluation reads who is in a
    learning set)."""
    import importlib
    import pkgutil

    import resolvers

    modules = {}
    for info in sorted(pkgutil.iter_modules(resolvers.__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        try:
            modules[info.name] = importlib.import_module(f"resolvers.{info.name}.seed")
        except ModuleNotFoundError as exc:
            if exc.name != f"resolvers.{info.name}.seed":
                raise
    for name in seed_order({n: tuple(getattr(m, "SEED_AFTER", ())) for n, m in modules.items()}):
        await modules[name].seed(conn, rng)


def seed_order(after: dict[str, tuple[str, ...]]) -> list[str]:
    """Domains alphabetically, each moved after the domains it names (which must exist)."""
    done: list[str] = []
    waiting = sorted(after)
    while waiting:
        ready = next(
            (n for n in waiting if all(d in done for d in after[n])),
            None,
        )
        if ready is None:
            raise ValueError(f"seed modules wait on each other or on no module: {waiting}")
        done.append(ready)
        waiting.remove(ready)
    return done


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
