"""Onboarding a region while the service runs: registry entry, partitions, reference data.

Each step is its own short transaction and is idempotent, so a failed onboarding
is finished by running it again. The region stays `planned` (visible only to
national leads, platform administrators and its own administrators) until a
status change makes it a pilot, so a half-done onboarding is never visible to
members.

Partitions are made with `CREATE TABLE ... (LIKE parent)` and then
`ALTER TABLE parent ATTACH PARTITION`, not `CREATE TABLE ... PARTITION OF`: the
latter takes an ACCESS EXCLUSIVE lock on the parent (blocking every region's
reads), ATTACH takes SHARE UPDATE EXCLUSIVE, which readers and writers do not
conflict with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from foundation.settings import Settings
from tenants.admin import owner_transaction
from tenants.catalog import attached_partitions, tenant_tables_in_fk_order
from tenants.codes import validate_sha_code
from tenants.ddl import with_lock_retries
from tenants.partitions import partition_name
from tenants.registry import RolloutStatus

DEFAULT_FEATURES = ["directory", "forums", "learning_sets", "events", "knowledge"]


class OnboardingRefused(Exception):
    """The region exists already beyond `planned`, or the input is unusable."""


@dataclass
class OnboardingResult:
    code: str
    created: bool
    partitions: list[str] = field(default_factory=list)
    reference_organisations: int = 0


def reference_organisations(code: str, name: str) -> list[tuple[str, str, str]]:
    """(type, code, name) of the organisations every SHA has from day one."""
    return [
        ("SHA_DIRECTORATE", f"{code}DIR", f"{name} SHA Clinical Strategy Directorate"),
        ("DEANERY", f"{code}DEAN", f"{name} Deanery"),
        ("ACADEMY", f"{code}ACAD", f"{name} Leadership Academy"),
    ]


async def _register(
    conn: AsyncConnection,
    settings: Settings,
    code: str,
    name: str,
    actor: str,
    hosts: list[str],
) -> bool:
    s = settings.db_schema
    status = (
        await conn.execute(
            text(f"SELECT status FROM {s}.shas WHERE code = :c FOR UPDATE"), {"c": code}
        )
    ).scalar()
    if status is not None:
        if status != RolloutStatus.PLANNED:
            raise OnboardingRefused(f"SHA {code} is already {status}")
        return False
    await conn.execute(
        text(f"INSERT INTO {s}.shas (code, name, status) VALUES (:c, :n, 'planned')"),
        {"c": code, "n": name},
    )
    await conn.execute(
        text(
            f"INSERT INTO {s}.sha_status_history (sha_code, status, changed_at, changed_by, note)"
            " VALUES (:c, 'planned', now(), :actor, 'onboarded')"
        ),
        {"c": code, "actor": actor},
    )
    await conn.execute(
        text(
            f"INSERT INTO {s}.sha_settings (sha_code, display_name, features, updated_by)"
            " VALUES (:c, :d, :f, :actor)"
        ),
        {"c": code, "d": f"CLN {name}", "f": DEFAULT_FEATURES, "actor": actor},
    )
    for host in hosts:
        await conn.execute(
            text(f"INSERT INTO {s}.sha_hosts (host, sha_code) VALUES (:h, :c)"),
            {"h": host.strip().lower(), "c": code},
        )
    return True


async def attach_partition(engine: AsyncEngine, settings: Settings, table: str, code: str) -> str:
    """Give `table` a partition for `code` unless it has one (retrying on lock timeouts)."""
    s, part = settings.db_schema, partition_name(table, code)

    async def step(conn: AsyncConnection) -> str:
        if part in await attached_partitions(conn, s, [part]):
            return part
        await conn.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {s}.{part} (LIKE {s}.{table}"
                " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)"
            )
        )
        await conn.execute(
            text(f"ALTER TABLE {s}.{table} ATTACH PARTITION {s}.{part} FOR VALUES IN ('{code}')")
        )
        await conn.execute(text(f"REVOKE ALL ON {s}.{part} FROM {settings.api_role}"))
        return part

    return await with_lock_retries(engine, settings, step)


async def ensure_partitions(engine: AsyncEngine, settings: Settings, code: str) -> list[str]:
    """A partition for `code` in every tenant table the catalog knows, referenced first."""
    code = validate_sha_code(code)
    async with owner_transaction(engine, settings) as conn:
        tables = await tenant_tables_in_fk_order(conn, settings.db_schema)
    return [await attach_partition(engine, settings, table, code) for table in tables]


async def _reference_data(
    conn: AsyncConnection, settings: Settings, code: str, name: str, actor: str
) -> int:
    s = settings.db_schema
    created = 0
    for org_type, org_code, org_name in reference_organisations(code, name):
        result = await conn.execute(
            text(
                f"INSERT INTO {s}.organisations (sha_code, code, name, type)"
                " VALUES (:sha, :code, :name, :type) ON CONFLICT (sha_code, code) DO NOTHING"
            ),
            {"sha": code, "code": org_code, "name": org_name, "type": org_type},
        )
        created += result.rowcount or 0
    # the national dashboard's count (resolvers/rollups/counts.py keeps it for the API's
    # writes; this path writes as the owner, so it recounts the new region here)
    await conn.execute(
        text(
            f"INSERT INTO {s}.rollup_organisations (sha_code, organisations)"
            f" SELECT :sha, count(*) FROM {s}.organisations WHERE sha_code = :sha"
            " ON CONFLICT (sha_code) DO UPDATE SET organisations = EXCLUDED.organisations"
        ),
        {"sha": code},
    )
    await conn.execute(
        text(
            f"INSERT INTO {s}.audit_log (sha_code, actor, action, entity_type, entity_id, detail)"
            " VALUES (:sha, :actor, 'sha.onboard', 'Sha', :sha,"
            " jsonb_build_object('reference_organisations', CAST(:n AS int)))"
        ),
        {"sha": code, "actor": actor, "n": created},
    )
    return created


async def onboard_sha(
    engine: AsyncEngine,
    settings: Settings,
    code: str,
    name: str,
    *,
    actor: str,
    hosts: list[str] | None = None,
    with_reference_data: bool = True,
) -> OnboardingResult:
    """Bring a region in as `planned`; safe to repeat until it leaves `planned`."""
    code = validate_sha_code(code)
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise OnboardingRefused("the name must be 1 to 200 characters")
    async with owner_transaction(engine, settings, lock_timeout_ms=2000) as conn:
        created = await _register(conn, settings, code, name, actor, hosts or [])
    partitions = await ensure_partitions(engine, settings, code)
    result = OnboardingResult(code, created, partitions)
    if with_reference_data:
        async with owner_transaction(engine, settings, lock_timeout_ms=2000) as conn:
            result.reference_organisations = await _reference_data(
                conn, settings, code, name, actor
            )
    return result
