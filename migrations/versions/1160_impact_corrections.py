"""Corrections of impact measures, with their history.

Revision ID: 1160
Revises: 1150
Create Date: 2026-12-07

An impact measure recorded wrongly (a PCT's Choose and Book uptake keyed as 7.5
instead of 75) is corrected, never overwritten silently: each correction keeps the
old and new value and source, the reason, who and when.
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.partitions import register_tenant_table

revision = "1160"
down_revision = "1150"
branch_labels = None
depends_on = None


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.impact_measure_corrections (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            measure_id uuid NOT NULL,
            old_value numeric(12, 3) NOT NULL,
            new_value numeric(12, 3) NOT NULL,
            old_source text NOT NULL,
            new_source text NOT NULL,
            reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
            corrected_by text NOT NULL,
            corrected_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, measure_id) REFERENCES {s}.impact_measures (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(
        f"CREATE INDEX impact_measure_corrections_measure"
        f" ON {s}.impact_measure_corrections (sha_code, measure_id, corrected_at)"
    )
    register_tenant_table(op.get_bind(), settings, "impact_measure_corrections")


def downgrade(settings: Settings) -> None:
    op.execute(f"DROP TABLE {settings.db_schema}.impact_measure_corrections")
