"""Networks use the Engagement Escalator's policy-area vocabulary.

Revision ID: 0820
Revises: 0800
Create Date: 2026-11-23

Before: `networks.policy_areas` was checked against a fixed enum (NetworkPolicyArea),
while the Escalator kept its own list (`escalator_national_policy_areas`, plus the
areas each SHA adds in `escalator_policy_areas`). Now there is one vocabulary:

* the national areas the network enum had and the Escalator lacked are added to the
  national table (maternity, young people's services, long-term conditions, end of
  life care, urgent and emergency care, mental health services), keeping the codes
  networks already stored;
* the one code that differed is mapped (EIGHTEEN_WEEKS -> RTT_18_WEEKS);
* the CHECK is dropped: a national area or one the network's own SHA added is
  checked by the service (resolvers/networks/policy_areas.py) in the writing
  transaction. No trigger: a trigger that reads another table sees nothing from a
  Citus shard, and tables with triggers cannot be distributed.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from foundation.settings import Settings

revision = "0820"
down_revision = "0800"
branch_labels = None
depends_on = None

ADDED_NATIONAL_AREAS = [
    ("MATERNITY_SERVICES", "Maternity services"),
    ("YOUNG_PEOPLES_SERVICES", "Young people's services"),
    ("LONG_TERM_CONDITIONS", "Long-term conditions"),
    ("END_OF_LIFE_CARE", "End of life care"),
    ("URGENT_AND_EMERGENCY_CARE", "Urgent and emergency care"),
    ("MENTAL_HEALTH_SERVICES", "Mental health services"),
]
RENAMED = {"EIGHTEEN_WEEKS": "RTT_18_WEEKS"}
# The enum of 0200, for the downgrade's CHECK.
OLD_ENUM = [
    "EIGHTEEN_WEEKS",
    "PRACTICE_BASED_COMMISSIONING",
    "HEALTHCARE_ACQUIRED_INFECTION",
    "PAY_FOR_QUALITY",
    "CHOOSE_AND_BOOK",
    "PATIENT_SAFETY",
    *(code for code, _ in ADDED_NATIONAL_AREAS),
]


def _check_constraint_names(s: str) -> list[str]:
    """The CHECK of 0200 on policy_areas was named by PostgreSQL; find it in the catalog."""
    rows = op.get_bind().execute(
        text(
            "SELECT c.conname FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace"
            " WHERE n.nspname = :schema AND t.relname = 'networks' AND c.contype = 'c'"
            " AND pg_get_constraintdef(c.oid) LIKE '%policy_areas%'"
        ),
        {"schema": s},
    )
    return [r[0] for r in rows]


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    values = ", ".join(
        f"('{code}', '{name.replace(chr(39), chr(39) * 2)}')" for code, name in ADDED_NATIONAL_AREAS
    )
    op.execute(
        f"INSERT INTO {s}.escalator_national_policy_areas (code, name) VALUES {values}"
        " ON CONFLICT (code) DO NOTHING"
    )
    for name in _check_constraint_names(s):
        op.execute(f'ALTER TABLE {s}.networks DROP CONSTRAINT "{name}"')
    for old, new in RENAMED.items():
        op.execute(
            f"UPDATE {s}.networks SET policy_areas = array_replace(policy_areas, '{old}', '{new}')"
            f" WHERE '{old}' = ANY (policy_areas)"
        )


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    for old, new in RENAMED.items():
        op.execute(
            f"UPDATE {s}.networks SET policy_areas = array_replace(policy_areas, '{new}', '{old}')"
            f" WHERE '{new}' = ANY (policy_areas)"
        )
    allowed = ", ".join(f"'{code}'" for code in OLD_ENUM)
    # SHA-added areas have no place in the old enum: they are dropped from networks.
    op.execute(
        f"UPDATE {s}.networks SET policy_areas = ARRAY(SELECT a FROM unnest(policy_areas) a"
        f" WHERE a IN ({allowed})) WHERE NOT policy_areas <@ ARRAY[{allowed}]::text[]"
    )
    op.execute(
        f"ALTER TABLE {s}.networks ADD CONSTRAINT networks_policy_areas_check"
        f" CHECK (policy_areas <@ ARRAY[{allowed}]::text[])"
    )
    codes = ", ".join(f"'{code}'" for code, _ in ADDED_NATIONAL_AREAS)
    op.execute(
        f"DELETE FROM {s}.escalator_national_policy_areas n WHERE code IN ({codes})"
        f" AND NOT EXISTS (SELECT 1 FROM {s}.escalator_assessments a"
        f" WHERE a.policy_area = n.code)"
    )
