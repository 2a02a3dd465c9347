"""Partition DDL for tenant tables: one LIST partition per SHA, made by code, never by hand.

A tenant table is any table in the service schema that is ``PARTITION BY LIST
(sha_code)``; it is discovered from the catalog, so a migration that adds one
calls :func:`register_tenant_table` and onboarding an SHA later creates its
partition in every such table. The API role is granted the parent only: RLS on
a partitioned parent does not apply to queries that name a partition.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from foundation.settings import Settings
from tenants.codes import validate_sha_code
from tenants.distribution import distribute_tenant_table
from tenants.policy import policy_ddl

TENANT_TABLES_SQL = """
SELECT c.relname
FROM pg_partitioned_table p
JOIN pg_class c ON c.oid = p.partrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
WHERE n.nspname = :schema AND p.partstrat = 'l' AND a.attname = 'sha_code'
  AND NOT c.relispartition
ORDER BY c.relname
"""


def partition_name(table: str, sha_code: str) -> str:
    return f"{table}_{validate_sha_code(sha_code).lower()}"


def tenant_tables(conn: Connection, schema: str) -> list[str]:
    return [row[0] for row in conn.execute(text(TENANT_TABLES_SQL), {"schema": schema})]


def active_sha_codes(conn: Connection, schema: str) -> list[str]:
    rows = conn.execute(
        text(f"SELECT code FROM {schema}.shas WHERE status <> 'retired' ORDER BY code")
    )
    return [row[0] for row in rows]


def create_partition(conn: Connection, settings: Settings, table: str, sha_code: str) -> None:
    code = validate_sha_code(sha_code)
    schema = settings.db_schema
    part = partition_name(table, code)
    conn.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS {schema}.{part} "
            f"PARTITION OF {schema}.{table} FOR VALUES IN ('{code}')"
        )
    )
    conn.execute(text(f"REVOKE ALL ON {schema}.{part} FROM {settings.api_role}"))


def create_partitions_for_sha(conn: Connection, settings: Settings, sha_code: str) -> list[str]:
    """Give a newly registered SHA its partition in every tenant table."""
    tables = tenant_tables(conn, settings.db_schema)
    for table in tables:
        create_partition(conn, settings, table, sha_code)
    return [partition_name(t, sha_code) for t in tables]


def register_tenant_table(
    conn: Connection,
    settings: Settings,
    table: str,
    *,
    extra_read: str | None = None,
) -> None:
    """Distribute the table (citus mode), enable RLS with the tenant policies and create
    partitions for every active SHA.

    Call it right after the table's CREATE TABLE (and its indexes), before another
    table's foreign key points at it: Citus distributes a partitioned table with its
    keys to global tables and to other tenant tables, but not once partitions or
    keys from other tables exist. `extra_read` widens reads only (e.g.
    ``published_nationally``): writes stay limited to the caller's writable SHAs.
    """
    distribute_tenant_table(conn, settings, table)
    qualified = f"{settings.db_schema}.{table}"
    for statement in policy_ddl(
        qualified, settings.api_role, settings.tenancy_mode, extra_read=extra_read
    ):
        conn.execute(text(statement))
    for code in active_sha_codes(conn, settings.db_schema):
        create_partition(conn, settings, table, code)
