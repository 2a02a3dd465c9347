"""Forums for one profession, and forums of a network.

Revision ID: 1170
Revises: 1160
Create Date: 2026-12-07

The 2009 launch article calls the CLN "a national, professional network": a forum may
be for one profession (midwives, pharmacists, ...) as well as for a role, and a forum
may belong to a clinical network of its SHA (the stroke network's forum).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from foundation.settings import Settings

revision = "1170"
down_revision = "1160"
branch_labels = None
depends_on = None


def _kind_checks(s: str) -> list[str]:
    rows = op.get_bind().execute(
        text(
            "SELECT c.conname FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace"
            " WHERE n.nspname = :schema AND t.relname = 'forums' AND c.contype = 'c'"
            " AND pg_get_constraintdef(c.oid) LIKE '%kind%'"
        ),
        {"schema": s},
    )
    return [r[0] for r in rows]


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    for name in _kind_checks(s):
        op.execute(f"ALTER TABLE {s}.forums DROP CONSTRAINT {name}")
    # One subcommand per statement, (Citus refuses some subcommands mixed in one
    # ALTER TABLE on a distributed table).
    for statement in (
        "ADD COLUMN audience_profession text",
        "ADD COLUMN network_id uuid",
        "ADD CONSTRAINT forums_kind CHECK (kind IN ('TOPIC', 'ROLE', 'PROFESSION'))",
        "ADD CONSTRAINT forums_audience CHECK ("
        "(kind = 'ROLE') = (audience_role IS NOT NULL)"
        " AND (kind = 'PROFESSION') = (audience_profession IS NOT NULL))",
        "ADD CONSTRAINT forums_network"
        f" FOREIGN KEY (sha_code, network_id) REFERENCES {s}.networks (sha_code, id)",
    ):
        op.execute(f"ALTER TABLE {s}.forums {statement}")
    op.execute(f"CREATE INDEX forums_network ON {s}.forums (sha_code, network_id)")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(f"DELETE FROM {s}.forums WHERE kind = 'PROFESSION'")
    op.execute(
        f"ALTER TABLE {s}.forums DROP CONSTRAINT forums_network,"
        " DROP CONSTRAINT forums_audience, DROP CONSTRAINT forums_kind,"
        " DROP COLUMN network_id, DROP COLUMN audience_profession,"
        " ADD CHECK (kind IN ('TOPIC', 'ROLE')),"
        " ADD CHECK ((kind = 'ROLE') = (audience_role IS NOT NULL))"
    )
