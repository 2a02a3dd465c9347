"""The directory's order within a profession, whole in one index.

Revision ID: 1510
Revises: 1501
Create Date: 2026-12-07

A directory page filtered by profession reads one SHA's members of that profession
in name order (family name, given name, id) and stops at the page size. The index
`members_profession` (0002) held `(sha_code, profession, family_name)` only, so
the plan could not take the order from it: under `force_generic_plan` (the
service's setting, which does not know the page size when it plans) PostgreSQL read
every member of the profession and sorted them. At 200,000 members a SHA that was
16,000 rows and 24-30 ms a page, against 3.6 ms for the ordered index scan
(docs/benchmarks.md, issue 27, growth). The index now carries the whole order.
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings

revision = "1510"
down_revision = "1501"
branch_labels = None
depends_on = None


def _index(settings: Settings, columns: str) -> None:
    s = settings.db_schema
    op.execute(f"DROP INDEX {s}.members_profession")
    op.execute(f"CREATE INDEX members_profession ON {s}.members ({columns})")


def upgrade(settings: Settings) -> None:
    _index(settings, "sha_code, profession, family_name, given_name, id")


def downgrade(settings: Settings) -> None:
    _index(settings, "sha_code, profession, family_name")
