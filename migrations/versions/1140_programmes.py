"""Leadership programmes: aspiring clinical leaders and others, per SHA or national.

Revision ID: 1140
Revises: 1130
Create Date: 2026-12-07

Healthy Ambitions, aim B: Yorkshire and the Humber funds 120 places on its aspiring
clinical leaders programme. A programme has funded places and an application window;
members apply with a statement and a sponsor; the SHA (or, for a national programme,
the national team) selects into cohorts; attendance and completion are recorded.

* `programmes` (the host SHA; `is_national` widens reads to every SHA),
* `programme_cohorts` (in the host SHA; national ones read everywhere),
* `programme_applications` (in the applicant's SHA, like event registrations; the
  programme is named by (programme_sha_code, programme_id), checked by the service:
  no foreign key crosses regions).
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.partitions import register_tenant_table

revision = "1140"
down_revision = "1130"
branch_labels = None
depends_on = None


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    conn = op.get_bind()
    # Each table registered right after its CREATE TABLE, before a table points at it.
    op.execute(
        f"""
        CREATE TABLE {s}.programmes (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            kind text NOT NULL CHECK (kind IN ('ASPIRING_LEADERS', 'LEADERSHIP_DEVELOPMENT',
                                               'SENIOR_LEADS', 'OTHER')),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            description text CHECK (length(description) BETWEEN 1 AND 8000),
            is_national boolean NOT NULL DEFAULT false,
            funded_places integer NOT NULL CHECK (funded_places BETWEEN 0 AND 100000),
            applications_open_on date NOT NULL,
            applications_close_on date NOT NULL,
            starts_on date,
            ends_on date,
            sessions_planned integer NOT NULL DEFAULT 0 CHECK (sessions_planned BETWEEN 0 AND 1000),
            created_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            CHECK (applications_close_on >= applications_open_on),
            CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
        ) PARTITION BY LIST (sha_code)
        """
    )
    register_tenant_table(conn, settings, "programmes", extra_read="is_national")
    op.execute(
        f"""
        CREATE TABLE {s}.programme_cohorts (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            programme_id uuid NOT NULL,
            is_national boolean NOT NULL,
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
            starts_on date NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, programme_id, name),
            FOREIGN KEY (sha_code, programme_id) REFERENCES {s}.programmes (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    register_tenant_table(conn, settings, "programme_cohorts", extra_read="is_national")
    op.execute(
        f"""
        CREATE TABLE {s}.programme_applications (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            member_id uuid NOT NULL,
            programme_sha_code text NOT NULL,
            programme_id uuid NOT NULL,
            statement text NOT NULL CHECK (length(statement) BETWEEN 1 AND 4000),
            sponsor_id uuid,
            status text NOT NULL DEFAULT 'SUBMITTED'
                CHECK (status IN ('SUBMITTED', 'SELECTED', 'RESERVE', 'DECLINED', 'WITHDRAWN')),
            cohort_id uuid,
            decision_note text CHECK (length(decision_note) BETWEEN 1 AND 2000),
            decided_by text,
            decided_at timestamptz,
            sessions_attended integer NOT NULL DEFAULT 0 CHECK (sessions_attended >= 0),
            outcome text CHECK (outcome IN ('COMPLETED', 'DID_NOT_COMPLETE')),
            completed_on date,
            submitted_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, programme_sha_code, programme_id, member_id),
            CHECK (sha_code = programme_sha_code OR programme_sha_code IS NOT NULL),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id),
            FOREIGN KEY (sha_code, sponsor_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(
        f"CREATE INDEX programme_applications_programme ON {s}.programme_applications"
        f" (programme_sha_code, programme_id, status)"
    )
    register_tenant_table(conn, settings, "programme_applications")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    for table in ("programme_applications", "programme_cohorts", "programmes"):
        op.execute(f"DROP TABLE {s}.{table}")
