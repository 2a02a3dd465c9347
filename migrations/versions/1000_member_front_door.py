"""The member's front door: profile and privacy, identity links, self-service requests,
notifications (an outbox) and their preferences, full-text search vectors, GDPR
exports and leave requests, the read audit of personal data.

* `members` gains the profile a member edits herself (phone, job title, biography,
  interests) and `contact_visible` (whether other members see her contact details;
  default off).
* `member_identities` links identity-provider subjects to members, so `viewer`
  finds the caller's own record.
* `notifications` is the outbox: written in the same transaction as the event it
  tells of; the e-mail columns are the delivery worker's state (claimed with
  `FOR UPDATE SKIP LOCKED`, marked SENDING before the SMTP exchange, so a message
  is never sent twice).
* Search vectors are GENERATED columns (no triggers: the schema must run on Citus)
  with GIN indexes. Names are indexed with the `simple` configuration as well, so a
  prefix query (`smi:*`) matches names as they are typed.
* `personal_data_reads` is not a tenant table (like `cross_region_reads`): the
  API inserts, only platform admins read.

Revision ID: 1000
Revises: 0820
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.distribution import register_global_table
from tenants.partitions import register_tenant_table

revision = "1000"
down_revision = "0820"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "member_identities",
    "forum_thread_follows",
    "organisation_move_requests",
    "network_join_requests",
    "learning_set_join_requests",
    "notifications",
    "notification_preferences",
    "data_exports",
    "leave_requests",
)

# (table, expression): the weighted vector of each searchable table; `{j}` is the
# immutable array join below.
SEARCH_VECTORS = {
    "members": (
        "setweight(to_tsvector('simple'::regconfig, given_name || ' ' || family_name), 'A')"
        " || setweight(to_tsvector('english'::regconfig, given_name || ' ' || family_name), 'A')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(job_title, '') || ' '"
        " || replace(lower(profession), '_', ' ')), 'B')"
        " || setweight(to_tsvector('english'::regconfig, {j}(interests)), 'B')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(biography, '')), 'D')"
    ),
    "organisations": (
        "setweight(to_tsvector('simple'::regconfig, name || ' ' || code), 'A')"
        " || setweight(to_tsvector('english'::regconfig, name), 'A')"
    ),
    "networks": (
        "setweight(to_tsvector('english'::regconfig, name), 'A')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(clinical_area, '')), 'B')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')"
    ),
    "forums": (
        "setweight(to_tsvector('english'::regconfig, title), 'A')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(topic, '')), 'B')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')"
    ),
    "forum_threads": "setweight(to_tsvector('english'::regconfig, title), 'A')",
    "forum_posts": "setweight(to_tsvector('english'::regconfig, body_markdown), 'C')",
    "events": (
        "setweight(to_tsvector('english'::regconfig, title), 'A')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(venue, '')), 'C')"
    ),
    "training_programmes": (
        "setweight(to_tsvector('english'::regconfig, title), 'A')"
        " || setweight(to_tsvector('english'::regconfig, {j}(funding_sources)), 'C')"
    ),
    "consultations": (
        "setweight(to_tsvector('english'::regconfig, title), 'A')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(policy_area, '')), 'B')"
        " || setweight(to_tsvector('english'::regconfig, description), 'C')"
    ),
}


def _profile(s: str) -> None:
    # one column or constraint a statement, each constraint named (as PostgreSQL would):
    # Citus refuses ADD COLUMN with an inline constraint
    columns = (
        ("members", "phone text", r"phone ~ '^\+?[0-9 ()-]{6,20}$'"),
        ("members", "job_title text", "length(job_title) <= 200"),
        ("members", "biography text", "length(biography) <= 2000"),
        ("members", "interests text[] NOT NULL DEFAULT '{}'", "cardinality(interests) <= 20"),
        ("members", "contact_visible boolean NOT NULL DEFAULT false", None),
        ("members", "erased_at timestamptz", None),
        (
            "networks",
            "join_policy text NOT NULL DEFAULT 'OPEN'",
            "join_policy IN ('OPEN', 'BY_REQUEST')",
        ),
        ("learning_sets", "capacity integer NOT NULL DEFAULT 120", "capacity BETWEEN 1 AND 500"),
    )
    for table, column, check in columns:
        op.execute(f"ALTER TABLE {s}.{table} ADD COLUMN {column}")
        if check is not None:
            name = f"{table}_{column.split()[0]}_check"
            op.execute(f"ALTER TABLE {s}.{table} ADD CONSTRAINT {name} CHECK ({check})")


def _identities(s: str) -> None:
    op.execute(
        f"""
        CREATE TABLE {s}.member_identities (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 400),
            member_id uuid NOT NULL,
            linked_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, subject),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
                ON DELETE CASCADE
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(
        f"CREATE INDEX member_identities_member ON {s}.member_identities (sha_code, member_id)"
    )
    # A staff token names its subject and (through its organisations) its SHA before
    # any tenant context exists; this definer function (owned by the owner, who is not
    # subject to RLS) answers only "which member of this SHA is this subject".
    op.execute(
        f"""
        CREATE FUNCTION {s}.member_for_subject(sha text, subject_value text) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
            SELECT i.member_id FROM {s}.member_identities i
            JOIN {s}.members m ON m.sha_code = i.sha_code AND m.id = i.member_id
            WHERE i.sha_code = sha AND i.subject = subject_value AND m.erased_at IS NULL
        $$
        """
    )


def _follows(s: str) -> None:
    op.execute(
        f"""
        CREATE TABLE {s}.forum_thread_follows (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            thread_id uuid NOT NULL,
            member_id uuid NOT NULL,
            followed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, thread_id, member_id),
            FOREIGN KEY (sha_code, thread_id) REFERENCES {s}.forum_threads (sha_code, id),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
                ON DELETE CASCADE
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(
        f"CREATE INDEX forum_thread_follows_member ON {s}.forum_thread_follows"
        " (sha_code, member_id, followed_at DESC)"
    )


def _requests(s: str) -> None:
    common = """
            status text NOT NULL DEFAULT 'PENDING'
                CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN')),
            requested_at timestamptz NOT NULL DEFAULT now(),
            decided_at timestamptz,
            decided_by text,
            note text CHECK (length(note) <= 1000),
    """
    op.execute(
        f"""
        CREATE TABLE {s}.organisation_move_requests (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            member_id uuid NOT NULL,
            organisation_id uuid NOT NULL,
            {common}
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id),
            FOREIGN KEY (sha_code, organisation_id) REFERENCES {s}.organisations (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(
        f"CREATE UNIQUE INDEX organisation_move_requests_pending"
        f" ON {s}.organisation_move_requests (sha_code, member_id) WHERE status = 'PENDING'"
    )
    for table, target, parent in (
        ("network_join_requests", "network_id", "networks"),
        ("learning_set_join_requests", "set_id", "learning_sets"),
    ):
        op.execute(
            f"""
            CREATE TABLE {s}.{table} (
                sha_code text NOT NULL REFERENCES {s}.shas(code),
                id uuid NOT NULL DEFAULT gen_random_uuid(),
                {target} uuid NOT NULL,
                member_id uuid NOT NULL,
                {common}
                PRIMARY KEY (sha_code, id),
                FOREIGN KEY (sha_code, {target}) REFERENCES {s}.{parent} (sha_code, id),
                FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
            ) PARTITION BY LIST (sha_code)
            """
        )
        op.execute(
            f"CREATE UNIQUE INDEX {table}_pending ON {s}.{table} (sha_code, {target}, member_id)"
            " WHERE status = 'PENDING'"
        )
        op.execute(f"CREATE INDEX {table}_member ON {s}.{table} (sha_code, member_id)")


def _notifications(s: str) -> None:
    op.execute(
        f"""
        CREATE TABLE {s}.notifications (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            member_id uuid NOT NULL,
            kind text NOT NULL CHECK (kind ~ '^[A-Z_]{{3,40}}$'),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            body text NOT NULL CHECK (length(body) <= 2000),
            subject_id text CHECK (length(subject_id) <= 200),
            dedupe_key text CHECK (length(dedupe_key) <= 200),
            in_app boolean NOT NULL DEFAULT true,
            created_at timestamptz NOT NULL DEFAULT now(),
            read_at timestamptz,
            email_status text NOT NULL DEFAULT 'NONE'
                CHECK (email_status IN ('NONE', 'PENDING', 'SENDING', 'SENT', 'FAILED')),
            email_to text,
            email_attempts integer NOT NULL DEFAULT 0,
            email_next_at timestamptz,
            email_sent_at timestamptz,
            email_error text,
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
                ON DELETE CASCADE
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(
        f"CREATE INDEX notifications_feed ON {s}.notifications"
        " (sha_code, member_id, created_at DESC, id DESC) WHERE in_app"
    )
    op.execute(
        f"CREATE INDEX notifications_unread ON {s}.notifications (sha_code, member_id)"
        " WHERE in_app AND read_at IS NULL"
    )
    op.execute(
        f"CREATE INDEX notifications_email_due ON {s}.notifications (email_next_at)"
        " WHERE email_status = 'PENDING'"
    )
    op.execute(
        f"CREATE UNIQUE INDEX notifications_dedupe ON {s}.notifications"
        " (sha_code, member_id, dedupe_key) WHERE dedupe_key IS NOT NULL"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.notification_preferences (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            member_id uuid NOT NULL,
            kind text NOT NULL CHECK (kind ~ '^[A-Z_]{{3,40}}$'),
            channel text NOT NULL CHECK (channel IN ('IN_APP', 'EMAIL', 'OFF')),
            PRIMARY KEY (sha_code, member_id, kind),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
                ON DELETE CASCADE
        ) PARTITION BY LIST (sha_code)
        """
    )


def _gdpr(s: str, settings: Settings) -> None:
    op.execute(
        f"""
        CREATE TABLE {s}.data_exports (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            member_id uuid NOT NULL,
            status text NOT NULL DEFAULT 'PENDING'
                CHECK (status IN ('PENDING', 'READY', 'FAILED', 'EXPIRED')),
            token_hash text,
            document jsonb,
            requested_at timestamptz NOT NULL DEFAULT now(),
            ready_at timestamptz,
            expires_at timestamptz,
            error text,
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
                ON DELETE CASCADE
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(f"CREATE INDEX data_exports_member ON {s}.data_exports (sha_code, member_id)")
    op.execute(
        f"""
        CREATE TABLE {s}.leave_requests (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            member_id uuid NOT NULL,
            reason text CHECK (length(reason) <= 1000),
            status text NOT NULL DEFAULT 'PENDING'
                CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED')),
            requested_at timestamptz NOT NULL DEFAULT now(),
            decided_at timestamptz,
            decided_by text,
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    op.execute(
        f"CREATE UNIQUE INDEX leave_requests_pending ON {s}.leave_requests (sha_code, member_id)"
        " WHERE status = 'PENDING'"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.personal_data_reads (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            actor text NOT NULL,
            actor_roles text[] NOT NULL,
            member_sha text NOT NULL,
            member_ids uuid[] NOT NULL,
            fields text[] NOT NULL,
            request_id text
        )
        """
    )
    op.execute(
        f"CREATE INDEX personal_data_reads_time ON {s}.personal_data_reads (occurred_at DESC, id)"
    )
    # a write-hot global log, like cross_region_reads: a Citus local table in citus mode
    register_global_table(op.get_bind(), settings, "personal_data_reads", kind="local")
    # The read audit is never altered through the API; only the retention job removes
    # rows past their period, through this function.
    op.execute(
        f"""
        CREATE FUNCTION {s}.purge_personal_data_reads(keep_days integer) RETURNS integer
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
            WITH gone AS (
                DELETE FROM {s}.personal_data_reads
                WHERE occurred_at < now() - make_interval(days => greatest(keep_days, 1))
                RETURNING 1
            )
            SELECT count(*)::integer FROM gone
        $$
        """
    )


# Keys of audit details that hold personal data, redacted when a member is erased.
PERSONAL_AUDIT_KEYS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "registration_number",
    "biography",
    "job_title",
    "interests",
)


def _erasure(s: str) -> None:
    # Audit rows are never altered through the API (0002 revokes UPDATE). Erasing a
    # member redacts the personal values in the details of the rows about her, through
    # this definer function, and only in an SHA the calling transaction may write.
    keys = "ARRAY[" + ", ".join(f"'{k}'" for k in PERSONAL_AUDIT_KEYS) + "]"
    op.execute(
        f"""
        CREATE FUNCTION {s}.audit_erase_member(sha text, member uuid) RETURNS integer
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
        DECLARE
            changed integer;
        BEGIN
            IF NOT sha = ANY(string_to_array(current_setting('app.write_shas', true), ',')) THEN
                RAISE EXCEPTION 'SHA % is not writable in this transaction', sha
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            UPDATE {s}.audit_log a
               SET detail = (
                   SELECT coalesce(jsonb_object_agg(
                       e.key, CASE WHEN e.key = ANY({keys}) THEN '"[erased]"'::jsonb
                                   ELSE e.value END), '{{}}'::jsonb)
                   FROM jsonb_each(a.detail) e)
             WHERE a.sha_code = sha
               AND ((a.entity_type = 'Member' AND a.entity_id = member::text)
                    OR a.detail->>'member_id' = member::text)
               AND a.detail ?| {keys};
            GET DIAGNOSTICS changed = ROW_COUNT;
            RETURN changed;
        END
        $$
        """
    )


def _search(s: str) -> None:
    # array_to_string is STABLE (it calls the element type's output function); on
    # text[] it is immutable in fact, which a generated column needs declared.
    op.execute(
        f"CREATE FUNCTION {s}.search_join(text[]) RETURNS text LANGUAGE sql IMMUTABLE"
        " PARALLEL SAFE RETURN array_to_string($1, ' ')"
    )
    for table, expression in SEARCH_VECTORS.items():
        vector = expression.format(j=f"{s}.search_join")
        op.execute(
            f"ALTER TABLE {s}.{table} ADD COLUMN search tsvector"
            f" GENERATED ALWAYS AS ({vector}) STORED"
        )
        op.execute(f"CREATE INDEX {table}_fts ON {s}.{table} USING gin (search)")


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    _profile(s)
    _identities(s)
    _follows(s)
    _requests(s)
    _notifications(s)
    _gdpr(s, settings)
    _erasure(s)
    _search(s)
    for table in TENANT_TABLES:
        register_tenant_table(op.get_bind(), settings, table)
    api = settings.api_role
    op.execute(f"GRANT SELECT, INSERT ON {s}.personal_data_reads TO {api}")
    op.execute(f"GRANT EXECUTE ON FUNCTION {s}.search_join(text[]) TO {api}")
    op.execute(f"REVOKE ALL ON FUNCTION {s}.member_for_subject(text, text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {s}.member_for_subject(text, text) TO {api}")
    op.execute(f"REVOKE ALL ON FUNCTION {s}.purge_personal_data_reads(integer) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {s}.purge_personal_data_reads(integer) TO {api}")
    op.execute(f"REVOKE ALL ON FUNCTION {s}.audit_erase_member(text, uuid) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {s}.audit_erase_member(text, uuid) TO {api}")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    for table in SEARCH_VECTORS:
        op.execute(f"ALTER TABLE {s}.{table} DROP COLUMN search")
    op.execute(f"DROP FUNCTION {s}.search_join(text[])")
    op.execute(f"DROP FUNCTION {s}.purge_personal_data_reads(integer)")
    op.execute(f"DROP TABLE {s}.personal_data_reads")
    op.execute(f"DROP FUNCTION {s}.member_for_subject(text, text)")
    op.execute(f"DROP FUNCTION {s}.audit_erase_member(text, uuid)")
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE {s}.{table}")
    op.execute(f"ALTER TABLE {s}.learning_sets DROP COLUMN capacity")
    op.execute(f"ALTER TABLE {s}.networks DROP COLUMN join_policy")
    op.execute(
        f"ALTER TABLE {s}.members DROP COLUMN phone, DROP COLUMN job_title,"
        " DROP COLUMN biography, DROP COLUMN interests, DROP COLUMN contact_visible,"
        " DROP COLUMN erased_at"
    )
