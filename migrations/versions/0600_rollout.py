"""Rollout: per-SHA front-end settings, host names, and the audit of cross-region reads.

These are registry tables (not partitioned): they describe regions, or record
reads that span regions, so they never belong to one SHA's partition.

Revision ID: 0600
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import json

from alembic import op

from foundation.settings import Settings
from tenants.distribution import register_global_table
from tenants.policy import write_predicate

revision = "0600"
down_revision = "0002"
branch_labels = None
depends_on = None

DEFAULT_FEATURES = ["directory", "forums", "learning_sets", "events", "knowledge"]


# The ten SHAs at this revision (frozen, not read from the code)
SEEDED_SHAS = {
    "Q30": "North East",
    "Q31": "North West",
    "Q32": "Yorkshire and the Humber",
    "Q33": "East Midlands",
    "Q34": "West Midlands",
    "Q35": "East of England",
    "Q36": "London",
    "Q37": "South East Coast",
    "Q38": "South Central",
    "Q39": "South West",
}


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def upgrade(settings: Settings) -> None:
    s, api = settings.db_schema, settings.api_role
    write = write_predicate(settings.tenancy_mode)
    op.execute(
        f"""
        CREATE TABLE {s}.sha_settings (
            sha_code text PRIMARY KEY REFERENCES {s}.shas(code),
            display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
            contact_email text CHECK (contact_email IS NULL OR contact_email ~ '^[^@\\s]+@[^@\\s]+$'),
            contact_phone text CHECK (contact_phone IS NULL OR length(contact_phone) <= 40),
            features text[] NOT NULL DEFAULT '{{}}',
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL DEFAULT 'system'
        )
        """
    )
    register_global_table(op.get_bind(), settings, "sha_settings", kind="reference")
    op.execute(
        f"""
        CREATE TABLE {s}.sha_hosts (
            host text PRIMARY KEY CHECK (host ~ '^[a-z0-9]([a-z0-9.-]{{0,251}}[a-z0-9])?$'),
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    register_global_table(op.get_bind(), settings, "sha_hosts", kind="reference")
    op.execute(f"CREATE INDEX sha_hosts_sha ON {s}.sha_hosts (sha_code)")
    # Public read; changes only for SHAs the request may write (its admins, platform admins).
    for table in ("sha_settings", "sha_hosts"):
        op.execute(f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY public_read ON {s}.{table} FOR SELECT TO {api} USING (true)")
        op.execute(
            f"CREATE POLICY sha_write ON {s}.{table} FOR UPDATE TO {api}"
            f" USING ({write}) WITH CHECK ({write})"
        )
    op.execute(
        f"CREATE POLICY sha_insert ON {s}.sha_hosts FOR INSERT TO {api} WITH CHECK ({write})"
    )
    op.execute(f"CREATE POLICY sha_delete ON {s}.sha_hosts FOR DELETE TO {api} USING ({write})")
    op.execute(f"GRANT SELECT, UPDATE ON {s}.sha_settings TO {api}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {s}.sha_hosts TO {api}")

    op.execute(
        f"""
        CREATE TABLE {s}.cross_region_reads (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            actor text NOT NULL,
            principal_kind text NOT NULL,
            home_sha text,
            shas text[] NOT NULL,
            operation_name text,
            root_fields text[] NOT NULL DEFAULT '{{}}',
            request_id text
        )
        """
    )
    register_global_table(op.get_bind(), settings, "cross_region_reads", kind="local")
    op.execute(
        f"CREATE INDEX cross_region_reads_time ON {s}.cross_region_reads (occurred_at DESC, id)"
    )
    # Written by every national request, read only by the platform-admin query;
    # never altered through the API.
    op.execute(f"GRANT SELECT, INSERT ON {s}.cross_region_reads TO {api}")

    for code, name in SEEDED_SHAS.items():
        features = json.dumps(DEFAULT_FEATURES).replace("[", "{").replace("]", "}")
        op.execute(
            f"INSERT INTO {s}.sha_settings (sha_code, display_name, contact_email, features)"
            f" VALUES ('{code}', 'CLN {name}', 'cln.{code.lower()}@nhs.example', '{features}')"
        )
        op.execute(
            f"INSERT INTO {s}.sha_hosts (sha_code, host)"
            f" VALUES ('{code}', '{_slug(name)}.cln.nhs.example')"
        )


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    for table in ("cross_region_reads", "sha_hosts", "sha_settings"):
        op.execute(f"DROP TABLE {s}.{table}")
