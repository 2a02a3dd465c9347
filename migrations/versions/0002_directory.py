"""Directory: organisations, members and the audit log, partitioned by SHA with RLS.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.distribution import distribute_tenant_table
from tenants.partitions import register_tenant_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ORG_TYPES = (
    "'PCT', 'ACUTE_TRUST', 'MENTAL_HEALTH_TRUST', 'AMBULANCE_TRUST', 'FOUNDATION_TRUST',"
    " 'CARE_TRUST', 'GP_PRACTICE', 'CCG', 'SHA_DIRECTORATE', 'DEANERY', 'ACADEMY',"
    " 'LOCAL_AUTHORITY', 'INDEPENDENT_PROVIDER'"
)


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.organisations (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            code text NOT NULL CHECK (code ~ '^[A-Z0-9]{{3,8}}$'),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            type text NOT NULL CHECK (type IN ({ORG_TYPES})),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, code)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "organisations")
    op.execute(f"CREATE INDEX organisations_name ON {s}.organisations (sha_code, name, id)")
    op.execute(f"CREATE INDEX organisations_type ON {s}.organisations (sha_code, type)")
    op.execute(
        f"""
        CREATE TABLE {s}.members (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            organisation_id uuid NOT NULL,
            given_name text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
            family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
            email text CHECK (email IS NULL OR email ~ '^[^@\\s]+@[^@\\s]+$'),
            profession text NOT NULL,
            registration_body text CHECK (registration_body IN ('GMC', 'NMC', 'HCPC', 'GPHC')),
            registration_number text,
            roles text[] NOT NULL DEFAULT '{{}}',
            joined_on date NOT NULL DEFAULT current_date,
            status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE', 'LEFT')),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, organisation_id) REFERENCES {s}.organisations (sha_code, id),
            UNIQUE (sha_code, registration_body, registration_number),
            CHECK ((registration_body IS NULL) = (registration_number IS NULL))
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "members")
    op.execute(f"CREATE INDEX members_name ON {s}.members (sha_code, family_name, given_name, id)")
    op.execute(f"CREATE INDEX members_joined ON {s}.members (sha_code, joined_on, id)")
    op.execute(f"CREATE INDEX members_organisation ON {s}.members (sha_code, organisation_id)")
    op.execute(
        f"CREATE INDEX members_profession ON {s}.members (sha_code, profession, family_name)"
    )
    op.execute(f"CREATE INDEX members_roles ON {s}.members USING gin (roles)")
    op.execute(
        f"CREATE INDEX members_search ON {s}.members USING gin "
        f"((lower(given_name || ' ' || family_name)) public.gin_trgm_ops)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.audit_log (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            actor text NOT NULL,
            action text NOT NULL,
            entity_type text NOT NULL,
            entity_id text NOT NULL,
            request_id text,
            detail jsonb NOT NULL DEFAULT '{{}}',
            PRIMARY KEY (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "audit_log")
    op.execute(f"CREATE INDEX audit_log_time ON {s}.audit_log (sha_code, occurred_at)")
    op.execute(f"CREATE INDEX audit_log_entity ON {s}.audit_log (sha_code, entity_type, entity_id)")
    conn = op.get_bind()
    for table in ("organisations", "members", "audit_log"):
        register_tenant_table(conn, settings, table)
    # Audit rows are written with the change and never altered through the API.
    op.execute(f"REVOKE UPDATE, DELETE ON {s}.audit_log FROM {settings.api_role}")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    for table in ("audit_log", "members", "organisations"):
        op.execute(f"DROP TABLE {s}.{table}")
