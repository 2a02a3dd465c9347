"""Where a table lives on a Citus cluster (CLN_TENANCY_MODE=citus); nothing on PostgreSQL.

Citus accepts a table most easily right after its CREATE TABLE, before partitions
and before any other table points at it:

* tenant tables are distributed by `sha_code`, all in one colocation group, so
  every foreign key between them (which leads with `sha_code`) stays on one node
  and a one-SHA statement goes to one shard;
* global tables are either *reference* tables (a copy on every node: the registry,
  frameworks, partners and keys, which tenant tables join or point at), or Citus
  *local* tables (kept on the coordinator: the write-hot global logs, which no
  tenant table joins).

The shard count is `CLN_CITUS_SHARD_COUNT` (docs/scale-out.md explains the choice):
each SHA has its own LIST partition, so of a partition's shards only the one its
SHA hashes to holds rows; more shards only add empty ones, and onboarding a region
creates (tables x shard count) of them.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Connection, text

from foundation.settings import Settings

GlobalKind = Literal["reference", "local"]

_DISTRIBUTED_SQL = """
SELECT c.relname
FROM pg_dist_partition d
JOIN pg_class c ON c.oid = d.logicalrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND d.partmethod = 'h' AND NOT c.relispartition
ORDER BY d.colocationid, c.oid
LIMIT 1
"""


def is_citus_table(conn: Connection, settings: Settings, table: str) -> bool:
    return bool(
        conn.execute(
            text("SELECT 1 FROM pg_dist_partition WHERE logicalrelid = CAST(:t AS regclass)"),
            {"t": f"{settings.db_schema}.{table}"},
        ).scalar()
    )


def distribute_tenant_table(conn: Connection, settings: Settings, table: str) -> None:
    """Distribute a tenant parent by `sha_code`, colocated with the other tenant tables
    (the first one fixes the shard count). Idempotent; a no-op on PostgreSQL."""
    if settings.tenancy_mode != "citus" or is_citus_table(conn, settings, table):
        return
    qualified = f"{settings.db_schema}.{table}"
    anchor = conn.execute(text(_DISTRIBUTED_SQL), {"schema": settings.db_schema}).scalar()
    if anchor is None:
        conn.execute(
            text(
                "SELECT create_distributed_table(CAST(:t AS regclass), 'sha_code',"
                " shard_count => :n, colocate_with => 'none')"
            ),
            {"t": qualified, "n": settings.citus_shard_count},
        )
    else:
        conn.execute(
            text(
                "SELECT create_distributed_table(CAST(:t AS regclass), 'sha_code',"
                " colocate_with => :anchor)"
            ),
            {"t": qualified, "anchor": f"{settings.db_schema}.{anchor}"},
        )


def register_global_table(
    conn: Connection, settings: Settings, table: str, *, kind: GlobalKind = "reference"
) -> None:
    """Call right after the CREATE TABLE of a table that is not per SHA.

    `reference` for tables that tenant tables point at or join (a copy on every
    node); `local` for write-hot logs only the coordinator reads. Idempotent; a no-op
    on PostgreSQL."""
    if settings.tenancy_mode != "citus" or is_citus_table(conn, settings, table):
        return
    call = (
        "create_reference_table(CAST(:t AS regclass))"
        if kind == "reference"
        # its foreign keys point at reference tables, which are in the metadata already
        else "citus_add_local_table_to_metadata(CAST(:t AS regclass),"
        " cascade_via_foreign_keys => true)"
    )
    conn.execute(text(f"SELECT {call}"), {"t": f"{settings.db_schema}.{table}"})
