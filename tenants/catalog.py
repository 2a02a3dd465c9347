"""What the catalog says about tenant tables: which exist, in which foreign-key order,
with which columns. Derived at run time so tables added by later migrations are
onboarded, exported and imported without anyone listing them here."""

from __future__ import annotations

from graphlib import TopologicalSorter

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.partitions import TENANT_TABLES_SQL

FOREIGN_KEYS_SQL = """
SELECT child.relname AS child, parent.relname AS parent
FROM pg_constraint con
JOIN pg_class child ON child.oid = con.conrelid
JOIN pg_class parent ON parent.oid = con.confrelid
JOIN pg_namespace n ON n.oid = child.relnamespace
WHERE con.contype = 'f' AND n.nspname = :schema
  AND NOT child.relispartition AND NOT parent.relispartition
  AND con.conparentid = 0
"""

COLUMNS_SQL = """
SELECT a.attname
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND c.relname = :table
  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
ORDER BY a.attnum
"""

PARTITIONS_SQL = """
SELECT parent.relname AS parent, child.relname AS child
FROM pg_inherits i
JOIN pg_class parent ON parent.oid = i.inhparent
JOIN pg_class child ON child.oid = i.inhrelid
JOIN pg_namespace n ON n.oid = parent.relnamespace
WHERE n.nspname = :schema AND child.relname = ANY(:names)
"""


async def tenant_tables(conn: AsyncConnection, schema: str) -> list[str]:
    rows = await conn.execute(text(TENANT_TABLES_SQL), {"schema": schema})
    return [r[0] for r in rows]


async def tenant_tables_in_fk_order(conn: AsyncConnection, schema: str) -> list[str]:
    """Referenced tables before the tables that reference them (ties by name)."""
    tables = await tenant_tables(conn, schema)
    known = set(tables)
    graph: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in await conn.execute(text(FOREIGN_KEYS_SQL), {"schema": schema}):
        if child in known and parent in known and child != parent:
            graph[child].add(parent)
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    ordered: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        ordered.extend(ready)
        sorter.done(*ready)
    return ordered


async def insertable_columns(conn: AsyncConnection, schema: str, table: str) -> list[str]:
    rows = await conn.execute(text(COLUMNS_SQL), {"schema": schema, "table": table})
    return [r[0] for r in rows]


async def attached_partitions(
    conn: AsyncConnection, schema: str, names: list[str]
) -> dict[str, str]:
    """partition name -> parent, for those of `names` that are attached now."""
    rows = await conn.execute(text(PARTITIONS_SQL), {"schema": schema, "names": names})
    return {r.child: r.parent for r in rows}
