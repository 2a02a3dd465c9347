"""Export one region's rows from every tenant table, and import them into another database.

The tables come from the catalog, so tables added by later migrations are
included without listing them. An export is a folder: one file per table (JSON
lines or CSV) and `manifest.json` with the row count and SHA-256 of each file,
read in one REPEATABLE READ snapshot so the counts agree with each other. An
import checks the checksums, refuses a region that already holds rows, inserts
in foreign-key order in one transaction, and compares the counts with the
manifest before committing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from foundation.settings import Settings
from tenants.admin import owner_transaction
from tenants.catalog import insertable_columns, tenant_tables_in_fk_order
from tenants.codes import validate_sha_code
from tenants.onboarding import ensure_partitions, onboard_sha
from tenants.registry import RolloutStatus

Format = Literal["jsonl", "csv"]
MANIFEST = "manifest.json"
BATCH = 500


class TransferError(Exception):
    """The export cannot be made or the import cannot be applied; nothing was written."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _empty_directory(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise TransferError(f"{directory} is not empty")


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


async def _export_table(
    conn: AsyncConnection, schema: str, table: str, code: str, path: Path, fmt: Format
) -> tuple[int, list[str]]:
    columns = await insertable_columns(conn, schema, table)
    select = (
        f"SELECT {_quoted(columns)} FROM {schema}.{table} WHERE sha_code = $1"
        f" ORDER BY {_quoted(columns[:2])}"
    )
    raw: Any = (await conn.get_raw_connection()).driver_connection
    if fmt == "csv":
        status = await raw.copy_from_query(
            select, code, output=str(path), format="csv", header=True
        )
        return int(str(status).split()[-1]), columns
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        async for record in raw.cursor(f"SELECT row_to_json(t)::text FROM ({select}) t", code):
            out.write(record[0] + "\n")
            rows += 1
    return rows, columns


async def _registry_entry(conn: AsyncConnection, schema: str, code: str) -> dict[str, Any]:
    sha = (
        await conn.execute(
            text(f"SELECT code, name, status FROM {schema}.shas WHERE code = :c"), {"c": code}
        )
    ).first()
    if sha is None:
        raise TransferError(f"SHA {code} is not in the registry")
    settings_row = (
        await conn.execute(
            text(
                f"SELECT display_name, contact_email, contact_phone, features"
                f" FROM {schema}.sha_settings WHERE sha_code = :c"
            ),
            {"c": code},
        )
    ).first()
    hosts = await conn.execute(
        text(f"SELECT host FROM {schema}.sha_hosts WHERE sha_code = :c ORDER BY host"), {"c": code}
    )
    return {
        "code": sha.code,
        "name": sha.name,
        "status": sha.status,
        "settings": dict(settings_row._mapping) if settings_row else None,
        "hosts": [h[0] for h in hosts],
    }


async def export_sha(
    engine: AsyncEngine, settings: Settings, code: str, directory: Path, fmt: Format = "jsonl"
) -> dict[str, Any]:
    """Write every tenant table's rows of `code` under `directory`; return the manifest."""
    code = validate_sha_code(code)
    if fmt not in ("jsonl", "csv"):
        raise TransferError(f"unknown format {fmt!r}: use jsonl or csv")
    _empty_directory(directory)
    s = settings.db_schema
    snapshot = engine.execution_options(isolation_level="REPEATABLE READ")
    async with owner_transaction(snapshot, settings) as conn:
        registry = await _registry_entry(conn, s, code)
        heads = [
            r[0]
            for r in await conn.execute(
                text(f"SELECT version_num FROM {s}.alembic_version ORDER BY 1")
            )
        ]
        tables = []
        for table in await tenant_tables_in_fk_order(conn, s):
            path = directory / f"{table}.{fmt}"
            rows, columns = await _export_table(conn, s, table, code, path, fmt)
            tables.append(
                {
                    "table": table,
                    "file": path.name,
                    "rows": rows,
                    "columns": columns,
                    "sha256": _sha256(path),
                }
            )
    manifest = {
        "manifest_version": 1,
        "sha": registry,
        "format": fmt,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "migration_heads": heads,
        "tables": tables,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    return manifest


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise TransferError(f"{path} not found")
    manifest: dict[str, Any] = json.loads(path.read_text())
    for entry in manifest["tables"]:
        file = directory / entry["file"]
        if not file.is_file() or _sha256(file) != entry["sha256"]:
            raise TransferError(f"{entry['file']} is missing or does not match its checksum")
    return manifest


def _jsonl_batches(path: Path, code: str) -> Any:
    batch: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record.get("sha_code") != code:
                raise TransferError(f"{path.name} holds a row of another SHA")
            batch.append(record)
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


async def _import_table(
    conn: AsyncConnection, schema: str, entry: dict[str, Any], directory: Path, code: str, fmt: str
) -> None:
    table, columns = entry["table"], list(entry["columns"])
    present = set(await insertable_columns(conn, schema, table))
    if not set(columns) <= present:
        raise TransferError(f"{table} lacks columns {sorted(set(columns) - present)}")
    path = directory / entry["file"]
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as fh:
            if any(row.get("sha_code") != code for row in csv.DictReader(fh)):
                raise TransferError(f"{path.name} holds a row of another SHA")
        raw: Any = (await conn.get_raw_connection()).driver_connection
        await raw.copy_to_table(
            table, source=str(path), columns=columns, schema_name=schema, format="csv", header=True
        )
        return
    cols = _quoted(columns)
    insert = text(
        f"INSERT INTO {schema}.{table} ({cols}) OVERRIDING SYSTEM VALUE"
        f" SELECT {cols} FROM json_populate_recordset(NULL::{schema}.{table}, CAST(:rows AS json))"
    )
    for batch in _jsonl_batches(path, code):
        await conn.execute(insert, {"rows": json.dumps(batch)})


SEQUENCES_SQL = """
SELECT a.attname, pg_get_serial_sequence(:qualified, a.attname) AS seq
FROM pg_attribute a
WHERE a.attrelid = CAST(:qualified AS regclass) AND a.attnum > 0 AND NOT a.attisdropped
  AND pg_get_serial_sequence(:qualified, a.attname) IS NOT NULL
"""


async def _advance_sequences(conn: AsyncConnection, schema: str, table: str) -> None:
    """Identity and serial columns keep counting after the highest imported value."""
    qualified = f"{schema}.{table}"
    for column, seq in list(await conn.execute(text(SEQUENCES_SQL), {"qualified": qualified})):
        await conn.execute(
            text(
                "SELECT setval(CAST(:seq AS regclass), GREATEST("
                f' coalesce((SELECT max("{column}") FROM {qualified}), 0),'
                " coalesce(pg_sequence_last_value(CAST(:seq AS regclass)), 0), 1))"
            ),
            {"seq": seq},
        )


async def _count(conn: AsyncConnection, schema: str, table: str, code: str) -> int:
    return int(
        (
            await conn.execute(
                text(f"SELECT count(*) FROM {schema}.{table} WHERE sha_code = :c"), {"c": code}
            )
        ).scalar_one()
    )


async def _prepare_region(
    engine: AsyncEngine, settings: Settings, sha: dict[str, Any], actor: str
) -> None:
    code = sha["code"]
    async with owner_transaction(engine, settings) as conn:
        exists = (
            await conn.execute(
                text(f"SELECT status FROM {settings.db_schema}.shas WHERE code = :c"), {"c": code}
            )
        ).scalar()
    if exists is None:
        await onboard_sha(
            engine,
            settings,
            code,
            sha["name"],
            actor=actor,
            hosts=sha.get("hosts") or [],
            with_reference_data=False,
        )
        status = RolloutStatus(sha["status"])
        if status != RolloutStatus.PLANNED:
            async with owner_transaction(engine, settings) as conn:
                await conn.execute(
                    text(f"UPDATE {settings.db_schema}.shas SET status = :s WHERE code = :c"),
                    {"s": status.value, "c": code},
                )
                await conn.execute(
                    text(
                        f"INSERT INTO {settings.db_schema}.sha_status_history"
                        " (sha_code, status, changed_at, changed_by, note)"
                        " VALUES (:c, :s, now(), :actor, 'imported')"
                    ),
                    {"c": code, "s": status.value, "actor": actor},
                )
    elif exists == RolloutStatus.RETIRED:
        raise TransferError(f"SHA {code} is retired in the target database")
    else:
        await ensure_partitions(engine, settings, code)


async def import_sha(
    engine: AsyncEngine, settings: Settings, directory: Path, *, actor: str
) -> dict[str, int]:
    """Load an export into this database; returns the row count per table."""
    manifest = read_manifest(directory)
    code = validate_sha_code(manifest["sha"]["code"])
    await _prepare_region(engine, settings, manifest["sha"], actor)
    s = settings.db_schema
    counts: dict[str, int] = {}
    async with owner_transaction(engine, settings, restore=True) as conn:
        order = await tenant_tables_in_fk_order(conn, s)
        entries = {e["table"]: e for e in manifest["tables"]}
        unknown = set(entries) - set(order)
        if unknown:
            raise TransferError(f"the target database has no tenant table {sorted(unknown)}")
        for table in order:
            if await _count(conn, s, table, code):
                raise TransferError(f"{table} already holds rows of SHA {code}")
        for table in order:
            if table in entries:
                await _import_table(conn, s, entries[table], directory, code, manifest["format"])
                await _advance_sequences(conn, s, table)
        for table in order:
            counts[table] = await _count(conn, s, table, code)
        expected = {t: int(e["rows"]) for t, e in entries.items()}
        got = {t: counts.get(t, 0) for t in expected}
        if got != expected:
            raise TransferError(f"row counts differ after import: {got} != {expected}")
    return counts
