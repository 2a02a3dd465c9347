"""Rollout status transitions and retirement, recorded with who and when.

planned -> pilot -> live <-> suspended, and any of them -> retired (terminal).
A change writes `shas`, one `sha_status_history` row and one `audit_log` row in
one transaction; the caller then invalidates its registry snapshot (other
processes pick the change up within the snapshot's TTL).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from foundation.settings import Settings
from tenants.admin import owner_transaction
from tenants.catalog import attached_partitions, tenant_tables_in_fk_order
from tenants.codes import validate_sha_code
from tenants.ddl import with_lock_retries
from tenants.partitions import partition_name
from tenants.registry import RolloutStatus as S

TRANSITIONS: dict[S, frozenset[S]] = {
    S.PLANNED: frozenset({S.PILOT, S.RETIRED}),
    S.PILOT: frozenset({S.LIVE, S.SUSPENDED, S.RETIRED}),
    S.LIVE: frozenset({S.SUSPENDED, S.RETIRED}),
    S.SUSPENDED: frozenset({S.LIVE, S.RETIRED}),
    S.RETIRED: frozenset(),
}


# For run_command_on_shards, which format()s it with the shard's name as %1$s: drop the
# shard's foreign keys except the one to the SHA registry (a reference table). Only the
# keys themselves (conparentid = 0): a key to a partitioned table has a child
# constraint per referenced partition, which goes with it.
DROP_SHARD_KEYS = """DO $do$ DECLARE c record; BEGIN
FOR c IN SELECT conname FROM pg_constraint WHERE contype = 'f' AND conparentid = 0
    AND conrelid = '%1$s'::regclass AND confrelid::regclass::text !~ '(^|\\.)shas_[0-9]+$'
LOOP EXECUTE format('ALTER TABLE %1$s DROP CONSTRAINT IF EXISTS %%I', c.conname); END LOOP;
END $do$"""


class UnknownSha(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(f"SHA {code} is not in the registry")
        self.code = code


class InvalidTransition(Exception):
    def __init__(self, code: str, current: S, target: S) -> None:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none"
        super().__init__(
            f"SHA {code} cannot go from {current.value} to {target.value} (allowed: {allowed})"
        )
        self.code, self.current, self.target = code, current, target


class NotRetired(Exception):
    def __init__(self, code: str, current: S) -> None:
        super().__init__(f"SHA {code} is {current.value}: only a retired SHA's partitions detach")
        self.code, self.current = code, current


@dataclass(frozen=True)
class StatusChanged:
    code: str
    previous: S
    status: S
    changed_by: str


async def _current(conn: AsyncConnection, settings: Settings, code: str) -> S:
    status = (
        await conn.execute(
            text(f"SELECT status FROM {settings.db_schema}.shas WHERE code = :c FOR UPDATE"),
            {"c": code},
        )
    ).scalar()
    if status is None:
        raise UnknownSha(code)
    return S(status)


async def _history(
    conn: AsyncConnection, settings: Settings, code: str, status: S, actor: str, note: str | None
) -> None:
    await conn.execute(
        text(
            f"INSERT INTO {settings.db_schema}.sha_status_history"
            " (sha_code, status, changed_at, changed_by, note)"
            " VALUES (:c, :s, now(), :actor, :note)"
        ),
        {"c": code, "s": status.value, "actor": actor, "note": note},
    )


async def change_status(
    engine: AsyncEngine,
    settings: Settings,
    code: str,
    target: S,
    *,
    actor: str,
    note: str | None = None,
) -> StatusChanged:
    code = validate_sha_code(code)
    s = settings.db_schema
    async with owner_transaction(engine, settings, lock_timeout_ms=2000) as conn:
        current = await _current(conn, settings, code)
        if target not in TRANSITIONS[current]:
            raise InvalidTransition(code, current, target)
        await conn.execute(
            text(f"UPDATE {s}.shas SET status = :s, status_changed_at = now() WHERE code = :c"),
            {"s": target.value, "c": code},
        )
        await _history(conn, settings, code, target, actor, note)
        await conn.execute(
            text(
                f"INSERT INTO {s}.audit_log (sha_code, actor, action, entity_type, entity_id,"
                " detail) VALUES (:c, :actor, 'sha.status', 'Sha', :c,"
                " jsonb_build_object('from', CAST(:prev AS text), 'to', CAST(:to AS text),"
                " 'note', CAST(:note AS text)))"
            ),
            {"c": code, "actor": actor, "prev": current.value, "to": target.value, "note": note},
        )
    return StatusChanged(code, current, target, actor)


async def detach_partitions(
    engine: AsyncEngine, settings: Settings, code: str, *, actor: str
) -> list[str]:
    """Detach a retired region's partitions, referencing tables first.

    The detached tables stay in the schema, granted to nobody but the owner, until
    an operator drops them (after checking the export) or moves them elsewhere.
    Their foreign keys to the national tables are dropped: they would otherwise
    keep the referenced partitions from being detached.
    """
    code = validate_sha_code(code)
    s = settings.db_schema
    async with owner_transaction(engine, settings) as conn:
        current = await _current(conn, settings, code)
        if current != S.RETIRED:
            raise NotRetired(code, current)
        tables = await tenant_tables_in_fk_order(conn, s)
    detached: list[str] = []
    for table in reversed(tables):
        part = partition_name(table, code)

        async def detach(conn: AsyncConnection, table: str = table, part: str = part) -> bool:
            if part not in await attached_partitions(conn, s, [part]):
                return False
            await conn.execute(text(f"ALTER TABLE {s}.{table} DETACH PARTITION {s}.{part}"))
            return True

        async def unkey(conn: AsyncConnection, part: str = part) -> None:
            # Its own transaction, after the detach has committed: on Citus the keys of
            # the shards are dropped by run_command_on_shards, over connections of its
            # own, which would wait forever for the locks of an uncommitted DETACH.
            fks = await conn.execute(
                text(
                    "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conparentid = 0"
                    " AND conrelid = to_regclass(:rel)"
                    f" AND confrelid <> CAST('{s}.shas' AS regclass)"
                ),
                {"rel": f"{s}.{part}"},
            )
            names = [name for (name,) in fks]
            found = await conn.execute(text("SELECT to_regclass(:rel)"), {"rel": f"{s}.{part}"})
            if found.scalar() is not None and settings.tenancy_mode == "citus":
                # On the shards the keys carry other names (the shard ids of the parent
                # they were inherited from): drop them there by what they point at (also
                # when an earlier run dropped the coordinator's and stopped), then on
                # the coordinator's table alone.
                failed = (
                    await conn.execute(
                        text(
                            "SELECT shardid, result FROM run_command_on_shards("
                            "CAST(:rel AS regclass), :cmd) WHERE NOT success"
                        ),
                        {"rel": f"{s}.{part}", "cmd": DROP_SHARD_KEYS},
                    )
                ).all()
                if failed:  # it reports, it does not raise
                    raise RuntimeError(f"{part}: shard keys not dropped: {failed}")
                await conn.execute(text("SET LOCAL citus.enable_ddl_propagation = off"))
            for name in names:
                await conn.execute(text(f'ALTER TABLE {s}.{part} DROP CONSTRAINT "{name}"'))

        if await with_lock_retries(engine, settings, detach):
            detached.append(part)
        # also for a partition detached by an earlier run that stopped before this
        await with_lock_retries(engine, settings, unkey)
    async with owner_transaction(engine, settings) as conn:
        await _history(
            conn, settings, code, S.RETIRED, actor, f"detached {len(detached)} partitions"
        )
    return detached
