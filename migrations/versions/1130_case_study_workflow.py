"""Case studies as the network ran them: authors and contributors, member drafts, SHA
review, national editorial approval, versions kept after publication.

Revision ID: 1130
Revises: 1120
Create Date: 2026-12-07

* `case_studies.status` gains SUBMITTED (awaiting the SHA's review) and
  NATIONAL_REVIEW (proposed by the SHA, awaiting the national editors); it gains
  `author_id` (a member of the SHA), `version` and `review_note` (why it was sent back).
* `case_study_contributors`: members who wrote it with the author.
* `case_study_versions`: the text as it was before each change made after
  publication, with the change note; a version that was nationally published stays
  readable nationally (`published_nationally`, widened by RLS like the case study).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from foundation.settings import Settings
from tenants.partitions import register_tenant_table

revision = "1130"
down_revision = "1120"
branch_labels = None
depends_on = None

STATUSES = ("DRAFT", "SUBMITTED", "REGIONAL", "NATIONAL_REVIEW", "NATIONAL")


def _status_checks(s: str) -> list[str]:
    rows = op.get_bind().execute(
        text(
            "SELECT c.conname FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace"
            " WHERE n.nspname = :schema AND t.relname = 'case_studies' AND c.contype = 'c'"
            " AND pg_get_constraintdef(c.oid) LIKE '%status%'"
        ),
        {"schema": s},
    )
    return [r[0] for r in rows]


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    for name in _status_checks(s):
        op.execute(f"ALTER TABLE {s}.case_studies DROP CONSTRAINT {name}")
    allowed = ", ".join(f"'{v}'" for v in STATUSES)
    # One subcommand per statement, constraints added by name after their column:
    # Citus refuses ADD COLUMN with an inline constraint on a distributed table.
    for statement in (
        f"ADD CONSTRAINT case_studies_status CHECK (status IN ({allowed}))",
        "ADD COLUMN author_id uuid",
        "ADD COLUMN version integer NOT NULL DEFAULT 1",
        "ADD COLUMN review_note text",
        "ADD CONSTRAINT case_studies_version_check CHECK (version >= 1)",
        "ADD CONSTRAINT case_studies_review_note_check"
        " CHECK (length(review_note) BETWEEN 1 AND 2000)",
        "ADD CONSTRAINT case_studies_author"
        f" FOREIGN KEY (sha_code, author_id) REFERENCES {s}.members (sha_code, id)",
    ):
        op.execute(f"ALTER TABLE {s}.case_studies {statement}")
    op.execute(
        f"""
        CREATE TABLE {s}.case_study_contributors (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            case_study_id uuid NOT NULL,
            member_id uuid NOT NULL,
            added_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, case_study_id, member_id),
            FOREIGN KEY (sha_code, case_study_id) REFERENCES {s}.case_studies (sha_code, id)
                ON DELETE CASCADE,
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(
        f"CREATE INDEX case_study_contributors_member"
        f" ON {s}.case_study_contributors (sha_code, member_id)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.case_study_versions (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            case_study_id uuid NOT NULL,
            version integer NOT NULL CHECK (version >= 1),
            title text NOT NULL,
            topic text NOT NULL,
            pathway text,
            summary text NOT NULL,
            outcomes text NOT NULL,
            attachments jsonb NOT NULL,
            status text NOT NULL,
            published_nationally boolean NOT NULL,
            change_note text NOT NULL CHECK (length(change_note) BETWEEN 1 AND 2000),
            changed_by text NOT NULL,
            changed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, case_study_id, version),
            FOREIGN KEY (sha_code, case_study_id) REFERENCES {s}.case_studies (sha_code, id)
                ON DELETE CASCADE
        ) PARTITION BY LIST (sha_code)
        """
    )
    conn = op.get_bind()
    register_tenant_table(conn, settings, "case_study_contributors")
    register_tenant_table(conn, settings, "case_study_versions", extra_read="published_nationally")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(f"DROP TABLE {s}.case_study_versions")
    op.execute(f"DROP TABLE {s}.case_study_contributors")
    op.execute(
        f"UPDATE {s}.case_studies SET status = CASE status WHEN 'SUBMITTED' THEN 'DRAFT'"
        " WHEN 'NATIONAL_REVIEW' THEN 'REGIONAL' ELSE status END"
    )
    op.execute(
        f"ALTER TABLE {s}.case_studies DROP CONSTRAINT case_studies_author,"
        " DROP COLUMN review_note, DROP COLUMN version, DROP COLUMN author_id,"
        " DROP CONSTRAINT case_studies_status,"
        " ADD CHECK (status IN ('DRAFT', 'REGIONAL', 'NATIONAL'))"
    )
