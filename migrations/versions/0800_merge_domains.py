"""Join the domain branches (identity, networks and forums, learning sets and events,
development, escalator and knowledge, rollout, API contract) into one head, so later
migrations have one parent again.

Revision ID: 0800
Revises: 0100, 0200, 0300, 0400, 0500, 0600, 0700
Create Date: 2026-11-23
"""

from __future__ import annotations

from foundation.settings import Settings

revision = "0800"
down_revision = ("0100", "0200", "0300", "0400", "0500", "0600", "0700")
branch_labels = None
depends_on = None


def upgrade(settings: Settings) -> None:
    pass


def downgrade(settings: Settings) -> None:
    pass
