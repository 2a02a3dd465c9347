"""Rollup tables of the national dashboard, kept by the services.

Revision ID: 1300
Revises: 0820
Create Date: 2026-12-07

The dashboard used to aggregate 500,000 members and 96,000 assessments on every read
(~275 ms at scale 1). These tables hold the aggregates, per SHA, profession, status,
policy area and period, so the dashboard reads a few hundred rows. The services
update them in the same transaction as the writes that change them
(`resolvers/national/rollups.py`; no triggers, so the schema stays distributable on
Citus). `cln-graph rollups rebuild` recomputes them from the live tables.

Every table is a tenant table: `sha_code` first and leading the key, partitioned by
SHA, under the tenant RLS policies (a national lead reads the SHAs it may read, a
partner the SHAs its agreement grants).
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.partitions import register_tenant_table

revision = "1300"
down_revision = "1180"
branch_labels = None
depends_on = None

TABLES = (
    "rollup_members",
    "rollup_organisations",
    "rollup_escalator_areas",
    "rollup_escalator_levels",
    "rollup_learning_sets",
)


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    conn = op.get_bind()
    # Each table registered right after its CREATE TABLE, before a table points at it
    # (Citus distributes a table most easily before any foreign key reaches it).
    op.execute(
        f"""
        CREATE TABLE {s}.rollup_members (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            profession text NOT NULL,
            status text NOT NULL,
            members bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (sha_code, profession, status)
        ) PARTITION BY LIST (sha_code)
        """
    )
    register_tenant_table(conn, settings, "rollup_members")
    op.execute(
        f"""
        CREATE TABLE {s}.rollup_organisations (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            organisations bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (sha_code)
        ) PARTITION BY LIST (sha_code)
        """
    )
    register_tenant_table(conn, settings, "rollup_organisations")
    # One row per (SHA, policy area) assessed: the row a writer locks before it
    # recounts the area, so two assessments of one area are counted one after the other.
    op.execute(
        f"""
        CREATE TABLE {s}.rollup_escalator_areas (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            policy_area text NOT NULL,
            refreshed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, policy_area)
        ) PARTITION BY LIST (sha_code)
        """
    )
    register_tenant_table(conn, settings, "rollup_escalator_areas")
    # Organisations at each level per (SHA, policy area, period); period 'LATEST'
    # counts each organisation's latest assessment in the area. All four levels are
    # kept, zeros included.
    op.execute(
        f"""
        CREATE TABLE {s}.rollup_escalator_levels (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            policy_area text NOT NULL,
            period text NOT NULL CHECK (period = 'LATEST' OR period ~ '^[0-9]{{4}}Q[1-4]$'),
            level smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
            organisations bigint NOT NULL,
            PRIMARY KEY (sha_code, policy_area, period, level),
            FOREIGN KEY (sha_code, policy_area)
                REFERENCES {s}.rollup_escalator_areas (sha_code, policy_area) ON DELETE CASCADE
        ) PARTITION BY LIST (sha_code)
        """
    )
    register_tenant_table(conn, settings, "rollup_escalator_levels")
    op.execute(
        f"""
        CREATE TABLE {s}.rollup_learning_sets (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            set_id uuid NOT NULL,
            active boolean NOT NULL,
            meetings_held bigint NOT NULL DEFAULT 0,
            attendance_records bigint NOT NULL DEFAULT 0,
            attended bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (sha_code, set_id),
            FOREIGN KEY (sha_code, set_id)
                REFERENCES {s}.learning_sets (sha_code, id) ON DELETE CASCADE
        ) PARTITION BY LIST (sha_code)
        """
    )
    register_tenant_table(conn, settings, "rollup_learning_sets")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    for table in reversed(TABLES):
        op.execute(f"DROP TABLE {s}.{table}")
