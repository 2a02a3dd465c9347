"""SHA registry: the ten Strategic Health Authorities and their rollout history.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.distribution import register_global_table

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# (code, name, [(status, date)]): the North West ran the two-year pilot; four SHAs
# were live by the February 2009 launch; the rest followed by spring 2009.
ROLLOUT = [
    ("Q30", "North East", [("planned", "2008-09-01"), ("live", "2009-04-20")]),
    (
        "Q31",
        "North West",
        [("planned", "2007-01-15"), ("pilot", "2007-05-01"), ("live", "2009-02-02")],
    ),
    ("Q32", "Yorkshire and the Humber", [("planned", "2008-03-01"), ("live", "2009-02-02")]),
    ("Q33", "East Midlands", [("planned", "2008-09-01"), ("live", "2009-04-06")]),
    ("Q34", "West Midlands", [("planned", "2008-06-01"), ("live", "2009-02-02")]),
    ("Q35", "East of England", [("planned", "2008-09-01"), ("live", "2009-05-05")]),
    ("Q36", "London", [("planned", "2008-04-01"), ("live", "2009-02-02")]),
    ("Q37", "South East Coast", [("planned", "2008-09-01"), ("live", "2009-04-27")]),
    ("Q38", "South Central", [("planned", "2008-09-01"), ("live", "2009-05-11")]),
    ("Q39", "South West", [("planned", "2008-09-01"), ("live", "2009-05-18")]),
]

STATUSES = "('planned', 'pilot', 'live', 'suspended', 'retired')"


def upgrade(settings: Settings) -> None:
    s, api = settings.db_schema, settings.api_role
    op.execute(
        f"""
        CREATE TABLE {s}.shas (
            code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9]{{2}}$'),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            status text NOT NULL CHECK (status IN {STATUSES}),
            status_changed_at timestamptz NOT NULL DEFAULT now(),
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    register_global_table(op.get_bind(), settings, "shas", kind="reference")
    op.execute(
        f"""
        CREATE TABLE {s}.sha_status_history (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            status text NOT NULL CHECK (status IN {STATUSES}),
            changed_at timestamptz NOT NULL,
            changed_by text NOT NULL,
            note text
        )
        """
    )
    register_global_table(op.get_bind(), settings, "sha_status_history", kind="local")
    op.execute(
        f"CREATE INDEX sha_status_history_sha ON {s}.sha_status_history (sha_code, changed_at)"
    )
    for code, name, history in ROLLOUT:
        status, changed = history[-1]
        op.execute(
            f"INSERT INTO {s}.shas (code, name, status, status_changed_at, created_at) "
            f"VALUES ('{code}', '{name}', '{status}', '{changed}', '{history[0][1]}')"
        )
        for step, when in history:
            op.execute(
                f"INSERT INTO {s}.sha_status_history (sha_code, status, changed_at, changed_by, note)"
                f" VALUES ('{code}', '{step}', '{when}', 'system:seed', 'CLN rollout')"
            )
    op.execute(f"GRANT SELECT ON {s}.shas, {s}.sha_status_history TO {api}")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(f"DROP TABLE {s}.sha_status_history")
    op.execute(f"DROP TABLE {s}.shas")
