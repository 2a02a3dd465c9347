"""Network map and forums: networks, their members and links; forums, threads, posts,
revisions, reactions, reports and removals. All partitioned by SHA with RLS.

Revision ID: 0200
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.distribution import distribute_tenant_table
from tenants.partitions import register_tenant_table

# Vocabularies as they were at this revision (frozen: the enums in the code may change).
NETWORK_KINDS = ", ".join(
    f"'{v}'"
    for v in (
        "FORMAL_MANAGED",
        "COMMUNITY_OF_INTEREST",
        "ROLE_NETWORK",
    )
)
CLINICAL_AREAS = ", ".join(
    f"'{v}'"
    for v in (
        "CARDIAC",
        "CANCER",
        "STROKE",
        "MATERNITY",
        "CHILDREN",
        "CRITICAL_CARE",
        "DIABETES",
        "RENAL",
        "RESPIRATORY",
        "MENTAL_HEALTH",
        "END_OF_LIFE",
        "PRIMARY_CARE",
        "CROSS_CUTTING",
    )
)
NETWORK_ROLES = ", ".join(
    f"'{v}'"
    for v in (
        "CHAIR",
        "CLINICAL_LEAD",
        "MANAGER",
        "MEMBER",
        "SECRETARIAT",
    )
)
OUTSIDE_BODY_KINDS = ", ".join(
    f"'{v}'"
    for v in (
        "REGULATOR",
        "ROYAL_COLLEGE",
        "LOCAL_AUTHORITY",
        "SOCIAL_SERVICES",
        "PATIENT_GROUP",
        "OTHER",
    )
)
FORUM_KINDS = ", ".join(
    f"'{v}'"
    for v in (
        "TOPIC",
        "ROLE",
    )
)
REACTION_KINDS = ", ".join(
    f"'{v}'"
    for v in (
        "ENDORSE",
        "AGREE",
        "THANKS",
        "INSIGHTFUL",
    )
)
REPORT_STATUSES = ", ".join(
    f"'{v}'"
    for v in (
        "OPEN",
        "RESOLVED",
    )
)

# The network policy-area enum as it was at this revision (migration 0820 replaces
# the CHECK with the Escalator's vocabulary and the enum is gone from the code).
POLICY_AREAS_0200 = ", ".join(
    f"'{code}'"
    for code in (
        "EIGHTEEN_WEEKS",
        "PRACTICE_BASED_COMMISSIONING",
        "HEALTHCARE_ACQUIRED_INFECTION",
        "PAY_FOR_QUALITY",
        "CHOOSE_AND_BOOK",
        "PATIENT_SAFETY",
        "MATERNITY_SERVICES",
        "YOUNG_PEOPLES_SERVICES",
        "LONG_TERM_CONDITIONS",
        "END_OF_LIFE_CARE",
        "URGENT_AND_EMERGENCY_CARE",
        "MENTAL_HEALTH_SERVICES",
    )
)

revision = "0200"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = (
    "networks",
    "network_members",
    "network_links",
    "forums",
    "forum_moderators",
    "forum_removals",
    "forum_threads",
    "forum_posts",
    "forum_post_revisions",
    "forum_post_reactions",
    "forum_post_reports",
)


def _member_fk(s: str, column: str) -> str:
    return f"FOREIGN KEY (sha_code, {column}) REFERENCES {s}.members (sha_code, id)"


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.networks (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            kind text NOT NULL CHECK (kind IN ({NETWORK_KINDS})),
            clinical_area text CHECK (clinical_area IN ({CLINICAL_AREAS})),
            description text CHECK (length(description) <= 4000),
            policy_areas text[] NOT NULL DEFAULT '{{}}'
                CHECK (policy_areas <@ ARRAY[{POLICY_AREAS_0200}]::text[]),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, name)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "networks")
    op.execute(f"CREATE INDEX networks_name ON {s}.networks (sha_code, name, id)")
    op.execute(f"CREATE INDEX networks_policy_areas ON {s}.networks USING gin (policy_areas)")
    op.execute(
        f"""
        CREATE TABLE {s}.network_members (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            network_id uuid NOT NULL,
            member_id uuid NOT NULL,
            role text NOT NULL CHECK (role IN ({NETWORK_ROLES})),
            joined_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, network_id, member_id),
            FOREIGN KEY (sha_code, network_id) REFERENCES {s}.networks (sha_code, id)
                ON DELETE CASCADE,
            {_member_fk(s, "member_id")}
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "network_members")
    op.execute(f"CREATE INDEX network_members_member ON {s}.network_members (sha_code, member_id)")
    op.execute(
        f"""
        CREATE TABLE {s}.network_links (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            network_id uuid NOT NULL,
            organisation_id uuid,
            body_name text CHECK (length(body_name) BETWEEN 1 AND 200),
            body_kind text CHECK (body_kind IN ({OUTSIDE_BODY_KINDS})),
            note text CHECK (length(note) <= 1000),
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, network_id) REFERENCES {s}.networks (sha_code, id)
                ON DELETE CASCADE,
            FOREIGN KEY (sha_code, organisation_id) REFERENCES {s}.organisations (sha_code, id),
            CHECK ((organisation_id IS NULL) <> (body_name IS NULL)),
            CHECK ((body_name IS NULL) = (body_kind IS NULL))
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "network_links")
    op.execute(f"CREATE INDEX network_links_network ON {s}.network_links (sha_code, network_id)")
    op.execute(
        f"""
        CREATE TABLE {s}.forums (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            kind text NOT NULL CHECK (kind IN ({FORUM_KINDS})),
            topic text CHECK (length(topic) BETWEEN 1 AND 200),
            audience_role text,
            description text CHECK (length(description) <= 4000),
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, title),
            CHECK ((kind = 'ROLE') = (audience_role IS NOT NULL))
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "forums")
    op.execute(f"CREATE INDEX forums_title ON {s}.forums (sha_code, title, id)")
    op.execute(
        f"""
        CREATE TABLE {s}.forum_moderators (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            forum_id uuid NOT NULL,
            member_id uuid NOT NULL,
            appointed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, forum_id, member_id),
            FOREIGN KEY (sha_code, forum_id) REFERENCES {s}.forums (sha_code, id),
            {_member_fk(s, "member_id")}
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "forum_moderators")
    op.execute(
        f"""
        CREATE TABLE {s}.forum_removals (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            forum_id uuid NOT NULL,
            member_id uuid NOT NULL,
            reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
            removed_by text NOT NULL,
            removed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, forum_id, member_id),
            FOREIGN KEY (sha_code, forum_id) REFERENCES {s}.forums (sha_code, id),
            {_member_fk(s, "member_id")}
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "forum_removals")
    op.execute(
        f"""
        CREATE TABLE {s}.forum_threads (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            forum_id uuid NOT NULL,
            author_id uuid NOT NULL,
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            locked boolean NOT NULL DEFAULT false,
            lock_reason text CHECK (length(lock_reason) <= 1000),
            created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            last_post_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, forum_id) REFERENCES {s}.forums (sha_code, id),
            {_member_fk(s, "author_id")}
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "forum_threads")
    op.execute(
        f"CREATE INDEX forum_threads_forum ON {s}.forum_threads (sha_code, forum_id, last_post_at)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.forum_posts (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            thread_id uuid NOT NULL,
            forum_id uuid NOT NULL,
            author_id uuid NOT NULL,
            body_markdown text NOT NULL CHECK (length(body_markdown) BETWEEN 1 AND 20000),
            created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            edited_at timestamptz,
            hidden boolean NOT NULL DEFAULT false,
            hidden_reason text CHECK (length(hidden_reason) <= 1000),
            hidden_by text,
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, thread_id) REFERENCES {s}.forum_threads (sha_code, id),
            FOREIGN KEY (sha_code, forum_id) REFERENCES {s}.forums (sha_code, id),
            {_member_fk(s, "author_id")},
            CHECK (hidden = (hidden_reason IS NOT NULL))
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "forum_posts")
    op.execute(
        f"CREATE INDEX forum_posts_thread ON {s}.forum_posts (sha_code, thread_id, created_at, id)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.forum_post_revisions (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            post_id uuid NOT NULL,
            body_markdown text NOT NULL,
            written_at timestamptz NOT NULL,
            replaced_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            replaced_by text NOT NULL,
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, post_id) REFERENCES {s}.forum_posts (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "forum_post_revisions")
    op.execute(
        f"CREATE INDEX forum_post_revisions_post ON {s}.forum_post_revisions"
        f" (sha_code, post_id, replaced_at)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.forum_post_reactions (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            post_id uuid NOT NULL,
            member_id uuid NOT NULL,
            kind text NOT NULL CHECK (kind IN ({REACTION_KINDS})),
            reacted_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, post_id, member_id, kind),
            FOREIGN KEY (sha_code, post_id) REFERENCES {s}.forum_posts (sha_code, id),
            {_member_fk(s, "member_id")}
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "forum_post_reactions")
    op.execute(
        f"""
        CREATE TABLE {s}.forum_post_reports (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            post_id uuid NOT NULL,
            reporter_id uuid NOT NULL,
            reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
            status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ({REPORT_STATUSES})),
            created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, post_id, reporter_id),
            FOREIGN KEY (sha_code, post_id) REFERENCES {s}.forum_posts (sha_code, id),
            {_member_fk(s, "reporter_id")}
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "forum_post_reports")
    conn = op.get_bind()
    for table in TABLES:
        register_tenant_table(conn, settings, table)
    # History is append-only through the API.
    op.execute(f"REVOKE UPDATE, DELETE ON {s}.forum_post_revisions FROM {settings.api_role}")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    for table in reversed(TABLES):
        op.execute(f"DROP TABLE {s}.{table}")
