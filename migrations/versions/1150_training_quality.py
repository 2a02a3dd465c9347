"""Training directory: full details, participants' ratings, commissioning requests.

Revision ID: 1150
Revises: 1140
Create Date: 2026-12-07

North West board paper, paras 19-21: the directory tells clinicians what is available
(description, dates, venue, booking link, eligibility, cost); the quality of
providers is not benchmarked, so participants rate a programme after completing it
(`training_ratings`, in the rater's SHA); and the collective knowledge of gaps is
used to commission new training (`commissioning_requests`, raised from a
competency no programme covers, with a status and a decision).
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.partitions import register_tenant_table

revision = "1150"
down_revision = "1140"
branch_labels = None
depends_on = None


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    # One subcommand per statement, constraints added by name after their column:
    # Citus refuses ADD COLUMN with an inline constraint on a distributed table.
    t = "training_programmes"
    for statement in (
        "ADD COLUMN description text",
        "ADD COLUMN starts_on date",
        "ADD COLUMN ends_on date",
        "ADD COLUMN venue text",
        "ADD COLUMN booking_url text",
        "ADD COLUMN eligibility text",
        f"ADD CONSTRAINT {t}_description_check CHECK (length(description) BETWEEN 1 AND 8000)",
        f"ADD CONSTRAINT {t}_venue_check CHECK (length(venue) BETWEEN 1 AND 200)",
        f"ADD CONSTRAINT {t}_booking_url_check CHECK (booking_url ~ '^https://')",
        f"ADD CONSTRAINT {t}_eligibility_check CHECK (length(eligibility) BETWEEN 1 AND 2000)",
        f"ADD CONSTRAINT {t}_dates"
        " CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)",
    ):
        op.execute(f"ALTER TABLE {s}.{t} {statement}")
    op.execute(
        f"""
        CREATE TABLE {s}.training_ratings (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            member_id uuid NOT NULL,
            programme_sha_code text NOT NULL,
            programme_id uuid NOT NULL,
            provider_id uuid NOT NULL,
            rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
            comment text CHECK (length(comment) BETWEEN 1 AND 2000),
            completed_on date NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, programme_sha_code, programme_id, member_id),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(
        f"CREATE INDEX training_ratings_provider ON {s}.training_ratings"
        f" (programme_sha_code, provider_id)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.commissioning_requests (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            framework_code text NOT NULL,
            competency_code text NOT NULL,
            members_in_need integer NOT NULL CHECK (members_in_need >= 0),
            rationale text NOT NULL CHECK (length(rationale) BETWEEN 1 AND 4000),
            status text NOT NULL DEFAULT 'REQUESTED'
                CHECK (status IN ('REQUESTED', 'APPROVED', 'DECLINED', 'COMMISSIONED')),
            decision_note text CHECK (length(decision_note) BETWEEN 1 AND 2000),
            decided_by text,
            decided_at timestamptz,
            training_programme_id uuid,
            raised_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, training_programme_id)
                REFERENCES {s}.training_programmes (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(
        f"CREATE UNIQUE INDEX commissioning_requests_open ON {s}.commissioning_requests"
        f" (sha_code, competency_code) WHERE status IN ('REQUESTED', 'APPROVED')"
    )
    conn = op.get_bind()
    register_tenant_table(conn, settings, "training_ratings")
    register_tenant_table(conn, settings, "commissioning_requests")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(f"DROP TABLE {s}.commissioning_requests")
    op.execute(f"DROP TABLE {s}.training_ratings")
    op.execute(
        f"ALTER TABLE {s}.training_programmes DROP CONSTRAINT training_programmes_dates,"
        " DROP COLUMN eligibility, DROP COLUMN booking_url, DROP COLUMN venue,"
        " DROP COLUMN ends_on, DROP COLUMN starts_on, DROP COLUMN description"
    )
