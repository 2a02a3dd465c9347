"""Leadership development, double helix and evaluation.

Reference data (not tenant-owned): the two competency frameworks and their
competencies. Tenant tables, partitioned by SHA with RLS: training providers and
programmes (readable across regions when published nationally), self-assessments
and their scores, clinician-manager partnerships, senior clinical leads and their
declarations of interest, impact measures.

Revision ID: 0400
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from foundation.settings import Settings
from tenants.distribution import distribute_tenant_table, register_global_table
from tenants.partitions import register_tenant_table

revision = "0400"
down_revision = "0002"
branch_labels = None
depends_on = None

FORMATS = "'WORKSHOP', 'COURSE', 'COACHING', 'MENTORING', 'ACTION_LEARNING', 'E_LEARNING', 'MASTERS', 'SECONDMENT'"
FUNDING = "'SHA', 'DEANERY', 'EMPLOYER', 'NHS_INSTITUTE', 'ROYAL_COLLEGE', 'CHARITY', 'SELF_FUNDED'"
INTERESTS = "'FINANCIAL', 'NON_FINANCIAL_PROFESSIONAL', 'NON_FINANCIAL_PERSONAL', 'INDIRECT'"
MEASURES = (
    "'CHOOSE_AND_BOOK_UPTAKE', 'EIGHTEEN_WEEK_RTT', 'MRSA_BACTERAEMIA_RATE',"
    " 'PATIENT_SATISFACTION', 'EMERGENCY_ADMISSIONS'"
)

# The frameworks and their competencies at this revision (frozen, not read from the
# code): (code, name, unit, levels, need_below)
FRAMEWORKS = [
    (
        "MLCF",
        "Medical Leadership Competency Framework",
        "element",
        ["RARELY", "SOMETIMES", "OFTEN", "CONSISTENTLY"],
        3,
    ),
    (
        "HLM",
        "NHS Healthcare Leadership Model",
        "dimension",
        ["ESSENTIAL", "PROFICIENT", "STRONG", "EXEMPLARY"],
        3,
    ),
]
# (code, framework_code, group_code, group_name, name, position)
COMPETENCIES = [
    (
        "MLCF.1.1",
        "MLCF",
        "MLCF.1",
        "Demonstrating Personal Qualities",
        "Developing self awareness",
        1,
    ),
    ("MLCF.1.2", "MLCF", "MLCF.1", "Demonstrating Personal Qualities", "Managing yourself", 2),
    (
        "MLCF.1.3",
        "MLCF",
        "MLCF.1",
        "Demonstrating Personal Qualities",
        "Continuing personal development",
        3,
    ),
    ("MLCF.1.4", "MLCF", "MLCF.1", "Demonstrating Personal Qualities", "Acting with integrity", 4),
    ("MLCF.2.1", "MLCF", "MLCF.2", "Working with Others", "Developing networks", 5),
    (
        "MLCF.2.2",
        "MLCF",
        "MLCF.2",
        "Working with Others",
        "Building and maintaining relationships",
        6,
    ),
    ("MLCF.2.3", "MLCF", "MLCF.2", "Working with Others", "Encouraging contribution", 7),
    ("MLCF.2.4", "MLCF", "MLCF.2", "Working with Others", "Working within teams", 8),
    ("MLCF.3.1", "MLCF", "MLCF.3", "Managing Services", "Planning", 9),
    ("MLCF.3.2", "MLCF", "MLCF.3", "Managing Services", "Managing resources", 10),
    ("MLCF.3.3", "MLCF", "MLCF.3", "Managing Services", "Managing people", 11),
    ("MLCF.3.4", "MLCF", "MLCF.3", "Managing Services", "Managing performance", 12),
    ("MLCF.4.1", "MLCF", "MLCF.4", "Improving Services", "Ensuring patient safety", 13),
    ("MLCF.4.2", "MLCF", "MLCF.4", "Improving Services", "Critically evaluating", 14),
    (
        "MLCF.4.3",
        "MLCF",
        "MLCF.4",
        "Improving Services",
        "Encouraging improvement and innovation",
        15,
    ),
    ("MLCF.4.4", "MLCF", "MLCF.4", "Improving Services", "Facilitating transformation", 16),
    ("MLCF.5.1", "MLCF", "MLCF.5", "Setting Direction", "Identifying the contexts for change", 17),
    ("MLCF.5.2", "MLCF", "MLCF.5", "Setting Direction", "Applying knowledge and evidence", 18),
    ("MLCF.5.3", "MLCF", "MLCF.5", "Setting Direction", "Making decisions", 19),
    ("MLCF.5.4", "MLCF", "MLCF.5", "Setting Direction", "Evaluating impact", 20),
    ("HLM.1", "HLM", "HLM.1", "Inspiring shared purpose", "Inspiring shared purpose", 1),
    ("HLM.2", "HLM", "HLM.2", "Leading with care", "Leading with care", 2),
    ("HLM.3", "HLM", "HLM.3", "Evaluating information", "Evaluating information", 3),
    ("HLM.4", "HLM", "HLM.4", "Connecting our service", "Connecting our service", 4),
    ("HLM.5", "HLM", "HLM.5", "Sharing the vision", "Sharing the vision", 5),
    ("HLM.6", "HLM", "HLM.6", "Engaging the team", "Engaging the team", 6),
    ("HLM.7", "HLM", "HLM.7", "Holding to account", "Holding to account", 7),
    ("HLM.8", "HLM", "HLM.8", "Developing capability", "Developing capability", 8),
    ("HLM.9", "HLM", "HLM.9", "Influencing for results", "Influencing for results", 9),
]

TENANT_TABLES = (
    "training_providers",
    "training_programmes",
    "self_assessments",
    "self_assessment_scores",
    "partnerships",
    "senior_clinical_leads",
    "declarations_of_interest",
    "impact_measures",
)
NATIONAL = {"training_providers", "training_programmes"}


def _reference(settings: Settings) -> None:
    s, api = settings.db_schema, settings.api_role
    op.execute(
        f"""
        CREATE TABLE {s}.competency_frameworks (
            code text PRIMARY KEY,
            name text NOT NULL,
            unit text NOT NULL CHECK (unit IN ('element', 'dimension')),
            levels text[] NOT NULL,
            need_below smallint NOT NULL
        )
        """
    )
    register_global_table(op.get_bind(), settings, "competency_frameworks", kind="reference")
    op.execute(
        f"""
        CREATE TABLE {s}.competencies (
            code text PRIMARY KEY,
            framework_code text NOT NULL REFERENCES {s}.competency_frameworks(code),
            group_code text NOT NULL,
            group_name text NOT NULL,
            name text NOT NULL,
            position smallint NOT NULL,
            UNIQUE (framework_code, position)
        )
        """
    )
    register_global_table(op.get_bind(), settings, "competencies", kind="reference")
    conn = op.get_bind()
    for code, name, unit, levels, need in FRAMEWORKS:
        conn.execute(
            text(
                f"INSERT INTO {s}.competency_frameworks VALUES (:code, :name, :unit, :levels, :need)"
            ),
            {"code": code, "name": name, "unit": unit, "levels": levels, "need": need},
        )
    for code, fw, group_code, group_name, name, position in COMPETENCIES:
        conn.execute(
            text(f"INSERT INTO {s}.competencies VALUES (:code, :fw, :gc, :gn, :name, :pos)"),
            {
                "code": code,
                "fw": fw,
                "gc": group_code,
                "gn": group_name,
                "name": name,
                "pos": position,
            },
        )
    op.execute(f"GRANT SELECT ON {s}.competency_frameworks, {s}.competencies TO {api}")


def _training(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.training_providers (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            website text CHECK (website IS NULL OR website ~ '^https?://'),
            published_nationally boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, name)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "training_providers")
    op.execute(
        f"""
        CREATE TABLE {s}.training_programmes (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            provider_id uuid NOT NULL,
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            format text NOT NULL CHECK (format IN ({FORMATS})),
            length_days numeric(6, 1) NOT NULL CHECK (length_days > 0),
            cost_pence integer NOT NULL CHECK (cost_pence >= 0),
            funding_sources text[] NOT NULL CHECK (funding_sources <@ ARRAY[{FUNDING}]),
            competency_codes text[] NOT NULL CHECK (cardinality(competency_codes) >= 1),
            published_nationally boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, provider_id) REFERENCES {s}.training_providers (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "training_programmes")
    op.execute(
        f"CREATE INDEX training_programmes_title ON {s}.training_programmes (sha_code, title, id)"
    )
    op.execute(
        f"CREATE INDEX training_programmes_competencies ON {s}.training_programmes"
        " USING gin (competency_codes)"
    )
    op.execute(
        f"CREATE INDEX training_programmes_national ON {s}.training_programmes (title, id)"
        " WHERE published_nationally"
    )


def _assessments(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.self_assessments (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            member_id uuid NOT NULL,
            framework_code text NOT NULL REFERENCES {s}.competency_frameworks(code),
            assessed_on date NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, member_id, framework_code, assessed_on),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "self_assessments")
    op.execute(
        f"CREATE INDEX self_assessments_date ON {s}.self_assessments (sha_code, assessed_on, id)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.self_assessment_scores (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            assessment_id uuid NOT NULL,
            competency_code text NOT NULL REFERENCES {s}.competencies(code),
            score smallint NOT NULL CHECK (score BETWEEN 1 AND 4),
            PRIMARY KEY (sha_code, assessment_id, competency_code),
            FOREIGN KEY (sha_code, assessment_id)
                REFERENCES {s}.self_assessments (sha_code, id) ON DELETE CASCADE
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "self_assessment_scores")


def _partnerships(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.partnerships (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            level text NOT NULL CHECK (level IN ('ORGANISATION', 'DIRECTORATE')),
            organisation_id uuid NOT NULL,
            clinician_id uuid NOT NULL,
            manager_id uuid,
            focus text CHECK (focus IS NULL OR length(focus) BETWEEN 1 AND 200),
            starts_on date NOT NULL,
            ends_on date,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            CHECK (ends_on IS NULL OR ends_on >= starts_on),
            CHECK (manager_id IS NULL OR manager_id <> clinician_id),
            CHECK (level = 'DIRECTORATE' OR manager_id IS NOT NULL),
            FOREIGN KEY (sha_code, organisation_id) REFERENCES {s}.organisations (sha_code, id),
            FOREIGN KEY (sha_code, clinician_id) REFERENCES {s}.members (sha_code, id),
            FOREIGN KEY (sha_code, manager_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "partnerships")
    op.execute(
        f"CREATE INDEX partnerships_organisation ON {s}.partnerships"
        " (sha_code, organisation_id, starts_on)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.senior_clinical_leads (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            member_id uuid NOT NULL,
            pathway text NOT NULL CHECK (pathway ~ '^[a-z0-9][a-z0-9 -]{{1,78}}[a-z0-9]$'),
            appointed_on date NOT NULL,
            ends_on date,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            CHECK (ends_on IS NULL OR ends_on >= appointed_on),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "senior_clinical_leads")
    op.execute(
        f"CREATE UNIQUE INDEX senior_clinical_leads_active_member ON {s}.senior_clinical_leads"
        " (sha_code, member_id) WHERE ends_on IS NULL"
    )
    op.execute(
        f"CREATE INDEX senior_clinical_leads_pathway ON {s}.senior_clinical_leads"
        " (sha_code, pathway, id)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.declarations_of_interest (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            lead_id uuid NOT NULL,
            declared_on date NOT NULL,
            interest_type text NOT NULL CHECK (interest_type IN ({INTERESTS})),
            description text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, lead_id) REFERENCES {s}.senior_clinical_leads (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "declarations_of_interest")
    op.execute(
        f"CREATE INDEX declarations_lead ON {s}.declarations_of_interest"
        " (sha_code, lead_id, declared_on)"
    )


def _evaluation(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.impact_measures (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            organisation_id uuid NOT NULL,
            measure text NOT NULL CHECK (measure IN ({MEASURES})),
            period_start date NOT NULL CHECK (extract(day FROM period_start) = 1),
            value numeric(12, 3) NOT NULL,
            source text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, organisation_id, measure, period_start),
            FOREIGN KEY (sha_code, organisation_id) REFERENCES {s}.organisations (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "impact_measures")
    op.execute(
        f"CREATE INDEX impact_measures_period ON {s}.impact_measures"
        " (sha_code, measure, period_start, id)"
    )


def upgrade(settings: Settings) -> None:
    _reference(settings)
    _training(settings)
    _assessments(settings)
    _partnerships(settings)
    _evaluation(settings)
    conn = op.get_bind()
    for table in TENANT_TABLES:
        extra = "published_nationally" if table in NATIONAL else None
        register_tenant_table(conn, settings, table, extra_read=extra)


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE {s}.{table}")
    op.execute(f"DROP TABLE {s}.competencies")
    op.execute(f"DROP TABLE {s}.competency_frameworks")
