"""Persisted operations registered per partner client (the allow-lists).

Not a tenant table: a partner client's allowed operations are the same in every
region. Written by operators (`cln-graph allow-operation`), read by the API role.

Revision ID: 0700
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.distribution import register_global_table

revision = "0700"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.persisted_operations (
            client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 200),
            sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{{64}}$'),
            operation_name text,
            document text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (client_id, sha256)
        )
        """
    )
    register_global_table(op.get_bind(), settings, "persisted_operations", kind="local")
    op.execute(f"GRANT SELECT ON {s}.persisted_operations TO {settings.api_role}")


def downgrade(settings: Settings) -> None:
    op.execute(f"DROP TABLE {settings.db_schema}.persisted_operations")
