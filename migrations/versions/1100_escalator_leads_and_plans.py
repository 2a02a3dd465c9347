"""Escalator leads, and engagement plans with a policy area and a target level.

Revision ID: 1100
Revises: 0820
Create Date: 2026-12-07

* `escalator_leads`: the member each organisation names as its Escalator lead (para 37
  of the North West board paper: communities identify clinical leaders to champion
  policies). The lead records the organisation's self-assessments; SHA admins may too.
* `engagement_plans` gains `policy_area` and `target_level` (para 35: local delivery
  plans describe how the levels of the escalator will be achieved, policy by policy).
  Existing plans keep NULL in both: the service requires them for new plans.
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.partitions import register_tenant_table

revision = "1100"
down_revision = "1000"
branch_labels = None
depends_on = None


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.escalator_leads (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            organisation_id uuid NOT NULL,
            member_id uuid NOT NULL,
            appointed_at timestamptz NOT NULL DEFAULT now(),
            appointed_by text NOT NULL,
            PRIMARY KEY (sha_code, organisation_id, member_id),
            FOREIGN KEY (sha_code, organisation_id) REFERENCES {s}.organisations (sha_code, id),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(f"CREATE INDEX escalator_leads_member ON {s}.escalator_leads (sha_code, member_id)")
    register_tenant_table(op.get_bind(), settings, "escalator_leads")
    # One subcommand per statement, constraints added by name after their column:
    # Citus refuses ADD COLUMN with an inline constraint on a distributed table.
    for statement in (
        "ADD COLUMN policy_area text",
        "ADD COLUMN target_level smallint",
        "ADD CONSTRAINT engagement_plans_policy_area_check"
        " CHECK (policy_area ~ '^[A-Z][A-Z0-9_]{1,39}$')",
        "ADD CONSTRAINT engagement_plans_target_level_check CHECK (target_level BETWEEN 1 AND 4)",
    ):
        op.execute(f"ALTER TABLE {s}.engagement_plans {statement}")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"ALTER TABLE {s}.engagement_plans DROP COLUMN target_level, DROP COLUMN policy_area"
    )
    op.execute(f"DROP TABLE {s}.escalator_leads")
