"""Engagement Escalator, medical engagement, case studies and policy consultations.

Revision ID: 0500
Revises: 0002
Create Date: 2026-11-23

Every table but the national policy-area list is a tenant table (partitioned by
SHA, RLS). Case studies and consultations published nationally widen reads through
`published_nationally`; writes stay with the owning SHA. A consultation response
lives in the responding member's SHA, so it names its consultation by
(consultation_sha, consultation_id) without a cross-tenant foreign key; a trigger
checks that the consultation exists, is visible and still open.
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.distribution import distribute_tenant_table, register_global_table
from tenants.partitions import register_tenant_table

revision = "0500"
down_revision = "0002"
branch_labels = None
depends_on = None

PERIOD = "'^[0-9]{4}Q[1-4]$'"
NATIONAL_AREAS = [
    ("RTT_18_WEEKS", "18 weeks referral to treatment"),
    ("PRACTICE_BASED_COMMISSIONING", "Practice Based Commissioning"),
    ("HEALTHCARE_ACQUIRED_INFECTION", "Healthcare acquired infection"),
    ("PAY_FOR_QUALITY", "Pay for Quality"),
    ("CHOOSE_AND_BOOK", "Choose and Book"),
    ("PATIENT_SAFETY", "Patient safety"),
]
TENANT_TABLES = (
    "escalator_policy_areas",
    "escalator_assessments",
    "engagement_plans",
    "medical_engagement_scores",
)
TABLES_DROP_ORDER = (
    "consultation_responses",
    "consultations",
    "case_studies",
    "medical_engagement_scores",
    "engagement_plans",
    "escalator_assessments",
    "escalator_policy_areas",
    "escalator_national_policy_areas",
)


def _escalator(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.escalator_national_policy_areas (
            code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{{1,39}}$'),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120)
        )
        """
    )
    register_global_table(
        op.get_bind(), settings, "escalator_national_policy_areas", kind="reference"
    )
    values = ", ".join(f"('{code}', '{name}')" for code, name in NATIONAL_AREAS)
    op.execute(f"INSERT INTO {s}.escalator_national_policy_areas VALUES {values}")
    op.execute(
        f"""
        CREATE TABLE {s}.escalator_policy_areas (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            code text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9_]{{1,39}}$'),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, code)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "escalator_policy_areas")
    op.execute(
        f"""
        CREATE TABLE {s}.escalator_assessments (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            organisation_id uuid NOT NULL,
            policy_area text NOT NULL,
            period text NOT NULL CHECK (period ~ {PERIOD}),
            level smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
            evidence text NOT NULL CHECK (length(evidence) BETWEEN 1 AND 4000),
            earlier_evidence jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(earlier_evidence) = 'array'),
            assessor_id uuid NOT NULL,
            assessed_on date NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, organisation_id, policy_area, period),
            FOREIGN KEY (sha_code, organisation_id) REFERENCES {s}.organisations (sha_code, id),
            FOREIGN KEY (sha_code, assessor_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "escalator_assessments")
    op.execute(
        f"CREATE INDEX escalator_assessments_area_period"
        f" ON {s}.escalator_assessments (sha_code, policy_area, period)"
    )
    # A policy area is a national one or one the assessment's SHA added: checked by
    # the service (resolvers/escalator/service.py) in the writing transaction; no
    # trigger, since a trigger that reads another table sees nothing from a Citus shard.
    op.execute(
        f"""
        CREATE TABLE {s}.engagement_plans (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            organisation_id uuid NOT NULL,
            service_change text NOT NULL CHECK (length(service_change) BETWEEN 1 AND 300),
            engagement_approach text NOT NULL CHECK (length(engagement_approach) BETWEEN 1 AND 4000),
            monitoring_arrangements text NOT NULL
                CHECK (length(monitoring_arrangements) BETWEEN 1 AND 4000),
            lead_id uuid,
            next_review_on date NOT NULL,
            last_reviewed_on date,
            status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CLOSED')),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, organisation_id) REFERENCES {s}.organisations (sha_code, id),
            FOREIGN KEY (sha_code, lead_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "engagement_plans")
    op.execute(
        f"CREATE INDEX engagement_plans_review ON {s}.engagement_plans"
        f" (sha_code, status, next_review_on)"
    )


def _medical(settings: Settings) -> None:
    s = settings.db_schema
    score = "numeric(5,2) CHECK ({c} BETWEEN 0 AND 100)"
    op.execute(
        f"""
        CREATE TABLE {s}.medical_engagement_scores (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            organisation_id uuid NOT NULL,
            period text NOT NULL CHECK (period ~ {PERIOD}),
            doctors_engaged_pct numeric(5,2) NOT NULL CHECK (doctors_engaged_pct BETWEEN 0 AND 100),
            rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
            mes_index {score.format(c="mes_index")},
            mes_open_culture {score.format(c="mes_open_culture")},
            mes_purpose_direction {score.format(c="mes_purpose_direction")},
            mes_valued_empowered {score.format(c="mes_valued_empowered")},
            source text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, organisation_id, period),
            FOREIGN KEY (sha_code, organisation_id) REFERENCES {s}.organisations (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "medical_engagement_scores")
    op.execute(
        f"CREATE INDEX medical_engagement_period ON {s}.medical_engagement_scores (sha_code, period)"
    )


def _knowledge(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.case_studies (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            topic text NOT NULL CHECK (length(topic) BETWEEN 1 AND 100),
            pathway text CHECK (pathway IS NULL OR length(pathway) BETWEEN 1 AND 100),
            summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 4000),
            outcomes text NOT NULL CHECK (length(outcomes) BETWEEN 1 AND 4000),
            attachments jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(attachments) = 'array'),
            status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'REGIONAL', 'NATIONAL')),
            published_nationally boolean GENERATED ALWAYS AS (status = 'NATIONAL') STORED,
            search tsvector GENERATED ALWAYS AS (
                to_tsvector('english', title || ' ' || topic || ' ' || coalesce(pathway, '')
                            || ' ' || summary || ' ' || outcomes)) STORED,
            published_at timestamptz,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "case_studies")
    op.execute(f"CREATE INDEX case_studies_search ON {s}.case_studies USING gin (search)")
    op.execute(
        f"CREATE INDEX case_studies_topic ON {s}.case_studies USING gin"
        f" (lower(topic) public.gin_trgm_ops)"
    )
    op.execute(
        f"CREATE INDEX case_studies_national ON {s}.case_studies (updated_at)"
        f" WHERE published_nationally"
    )


def _policy(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.consultations (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            reach text NOT NULL CHECK (reach IN ('REGIONAL', 'NATIONAL')),
            published_nationally boolean GENERATED ALWAYS AS (reach = 'NATIONAL') STORED,
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            description text NOT NULL CHECK (length(description) BETWEEN 1 AND 8000),
            policy_area text,
            opened_by text NOT NULL,
            opens_at timestamptz NOT NULL DEFAULT now(),
            closes_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            CHECK (closes_at > opens_at OR closes_at = opens_at)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "consultations")
    op.execute(f"CREATE INDEX consultations_closing ON {s}.consultations (sha_code, closes_at, id)")
    op.execute(
        f"""
        CREATE TABLE {s}.consultation_responses (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            consultation_sha text NOT NULL REFERENCES {s}.shas(code),
            consultation_id uuid NOT NULL,
            member_id uuid NOT NULL,
            position text NOT NULL CHECK (position IN ('SUPPORT', 'OPPOSE', 'MIXED', 'NO_VIEW')),
            body text NOT NULL CHECK (length(body) BETWEEN 1 AND 8000),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, consultation_sha, consultation_id, member_id),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "consultation_responses")
    op.execute(
        f"CREATE INDEX consultation_responses_consultation ON {s}.consultation_responses"
        f" (consultation_sha, consultation_id)"
    )
    # The consultation lives in another partition, maybe another SHA: no foreign key
    # (tenant keys lead every foreign key). The service (resolvers/policy/service.py)
    # checks in the writing transaction that it exists, is visible and is open.


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    _escalator(settings)
    _medical(settings)
    _knowledge(settings)
    _policy(settings)
    op.execute(f"GRANT SELECT ON {s}.escalator_national_policy_areas TO {settings.api_role}")
    conn = op.get_bind()
    for table in (*TENANT_TABLES, "consultation_responses"):
        register_tenant_table(conn, settings, table)
    for table in ("case_studies", "consultations"):
        register_tenant_table(conn, settings, table, extra_read="published_nationally")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    for table in TABLES_DROP_ORDER:
        op.execute(f"DROP TABLE {s}.{table}")
