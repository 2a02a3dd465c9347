"""Per-SHA rules (sha_rules): the caps and targets one SHA chose, where the network used to hard-code them.

Revision ID: 1120
Revises: 1110
Create Date: 2026-12-07

Yorkshire and the Humber capped its senior clinical leads at 30 (Healthy Ambitions,
aim A); other SHAs had no such cap. The 2009 launch article reads 60-120 clinicians
per SHA working in learning sets, not 60-120 per set. Each SHA's row overrides the
service-wide defaults (README, configuration); a NULL column keeps the default.
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.partitions import register_tenant_table

revision = "1120"
down_revision = "1110"
branch_labels = None
depends_on = None


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.sha_rules (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            set_min_members integer CHECK (set_min_members BETWEEN 1 AND 1000),
            set_max_members integer CHECK (set_max_members BETWEEN 1 AND 1000),
            participation_target_min integer CHECK (participation_target_min BETWEEN 0 AND 100000),
            participation_target_max integer CHECK (participation_target_max BETWEEN 1 AND 100000),
            senior_lead_cap integer CHECK (senior_lead_cap BETWEEN 0 AND 10000),
            senior_leads_per_pathway integer CHECK (senior_leads_per_pathway BETWEEN 1 AND 100),
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL,
            PRIMARY KEY (sha_code),
            CHECK (set_min_members <= set_max_members),
            CHECK (participation_target_min <= participation_target_max)
        ) PARTITION BY LIST (sha_code)
        """
    )
    register_tenant_table(op.get_bind(), settings, "sha_rules")


def downgrade(settings: Settings) -> None:
    op.execute(f"DROP TABLE {settings.db_schema}.sha_rules")
