"""The promotion notice compares the promotion time with a value, not with now().

Revision ID: 1500
Revises: 1451
Create Date: 2026-12-07

`notify_waitlist_promoted` (1450) writes a notice only for a registration promoted in
the calling transaction: `promoted_at = now()`. On Citus that comparison runs on the
worker, whose transaction began at another instant than the coordinator's, which
stamped `promoted_at` (Citus evaluates now() of an UPDATE on the coordinator): no
row matched and no notice was written. The function now takes now() once, in its
own variable, and compares the column with that value, which Citus sends as a
parameter. On PostgreSQL both read the same transaction time.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from foundation.settings import Settings

revision = "1500"
down_revision = "1451"
branch_labels = None
depends_on = None

SIGNATURE = "notify_waitlist_promoted(text, uuid)"
EDITS = (
    ("v_id uuid;", "v_id uuid; v_now timestamptz := now();"),
    (
        "AND r.status = 'CONFIRMED' AND r.promoted_at = now();",
        "AND r.status = 'CONFIRMED' AND r.promoted_at = v_now;",
    ),
)


def _replace(settings: Settings, edits: tuple[tuple[str, str], ...]) -> None:
    definition = (
        op.get_bind()
        .execute(
            text("SELECT pg_get_functiondef(CAST(:f AS regprocedure))"),
            {"f": f"{settings.db_schema}.{SIGNATURE}"},
        )
        .scalar_one()
    )
    for old, new in edits:
        assert definition.count(old) == 1, f"{SIGNATURE}: {old!r} not found once"
        definition = definition.replace(old, new)
    op.execute(definition)


def upgrade(settings: Settings) -> None:
    _replace(settings, EDITS)


def downgrade(settings: Settings) -> None:
    _replace(settings, tuple((new, old) for old, new in reversed(EDITS)))
