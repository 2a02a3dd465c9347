"""Action learning sets and events (the Clinical Congress), partitioned by SHA with RLS.

Events may be national: readable by every SHA (`extra_read="is_national"`), while a
registration lives in the member's SHA and names the event by (event_sha_code,
event_id). No foreign key: it would lead with the *event's* SHA code, a key across
regions that Citus cannot keep between colocated shards. `event_register` checks the
event exists (under its row lock) and a CHECK allows a registration outside its own
SHA only when the event is national; the flag is carried on sessions and
registrations and kept in step by `event_set_national`, which the service calls in
the same transaction when an event's flag changes (no ON UPDATE CASCADE, which Citus
refuses between distributed tables).

Registrations are written only by SECURITY DEFINER functions owned by the owner
role: they lock the event row, keep the capacity counters on it, and promote the
head of the waiting list across every SHA, which RLS hides from the caller.
See docs/connect-sets-events.md.

Revision ID: 0300
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.distribution import distribute_tenant_table
from tenants.partitions import register_tenant_table

revision = "0300"
down_revision = "0002"
branch_labels = None
depends_on = None

SETS = ("learning_sets", "learning_set_members", "learning_set_meetings")
SET_CHILDREN = ("learning_set_attendance", "learning_set_actions")
EVENTS = ("events", "event_sessions", "event_registrations")


def _learning_sets(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.learning_sets (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            focus_kind text NOT NULL CHECK (focus_kind IN ('CARE_PATHWAY', 'PRIORITY')),
            focus text NOT NULL CHECK (length(focus) BETWEEN 1 AND 200),
            description text CHECK (length(description) <= 4000),
            status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CLOSED')),
            started_on date NOT NULL DEFAULT current_date,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "learning_sets")
    op.execute(f"CREATE INDEX learning_sets_name ON {s}.learning_sets (sha_code, name, id)")
    op.execute(
        f"""
        CREATE TABLE {s}.learning_set_members (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            set_id uuid NOT NULL,
            member_id uuid NOT NULL,
            role text NOT NULL DEFAULT 'PARTICIPANT'
                CHECK (role IN ('PARTICIPANT', 'FACILITATOR')),
            joined_on date NOT NULL DEFAULT current_date,
            left_on date,
            PRIMARY KEY (sha_code, set_id, member_id),
            FOREIGN KEY (sha_code, set_id) REFERENCES {s}.learning_sets (sha_code, id),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id),
            CHECK (left_on IS NULL OR left_on >= joined_on)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "learning_set_members")
    op.execute(
        f"CREATE INDEX learning_set_members_member ON {s}.learning_set_members (sha_code, member_id)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.learning_set_meetings (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            set_id uuid NOT NULL,
            held_on date NOT NULL,
            meeting_month date GENERATED ALWAYS AS
                ((date_trunc('month', held_on::timestamp))::date) STORED,
            topic text NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
            status text NOT NULL DEFAULT 'SCHEDULED'
                CHECK (status IN ('SCHEDULED', 'HELD', 'CANCELLED')),
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, set_id, id),
            UNIQUE (sha_code, set_id, meeting_month),
            FOREIGN KEY (sha_code, set_id) REFERENCES {s}.learning_sets (sha_code, id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "learning_set_meetings")
    op.execute(
        f"CREATE INDEX learning_set_meetings_held ON {s}.learning_set_meetings"
        f" (sha_code, set_id, held_on DESC)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.learning_set_attendance (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            set_id uuid NOT NULL,
            meeting_id uuid NOT NULL,
            member_id uuid NOT NULL,
            status text NOT NULL CHECK (status IN ('ATTENDED', 'APOLOGIES', 'ABSENT')),
            recorded_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, meeting_id, member_id),
            FOREIGN KEY (sha_code, set_id, meeting_id)
                REFERENCES {s}.learning_set_meetings (sha_code, set_id, id),
            FOREIGN KEY (sha_code, set_id, member_id)
                REFERENCES {s}.learning_set_members (sha_code, set_id, member_id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "learning_set_attendance")
    op.execute(
        f"""
        CREATE TABLE {s}.learning_set_actions (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            set_id uuid NOT NULL,
            meeting_id uuid NOT NULL,
            owner_member_id uuid NOT NULL,
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            description text CHECK (length(description) <= 4000),
            due_on date NOT NULL,
            status text NOT NULL DEFAULT 'OPEN'
                CHECK (status IN ('OPEN', 'IN_PROGRESS', 'DONE', 'DROPPED')),
            completed_on date,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, set_id, meeting_id)
                REFERENCES {s}.learning_set_meetings (sha_code, set_id, id),
            FOREIGN KEY (sha_code, set_id, owner_member_id)
                REFERENCES {s}.learning_set_members (sha_code, set_id, member_id)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "learning_set_actions")
    op.execute(
        f"CREATE INDEX learning_set_actions_open ON {s}.learning_set_actions"
        f" (sha_code, set_id, status, due_on, id)"
    )


def _events(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(
        f"""
        CREATE TABLE {s}.events (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            kind text NOT NULL
                CHECK (kind IN ('CLINICAL_CONGRESS', 'REGIONAL_MEETING', 'WORKSHOP')),
            ownership text NOT NULL DEFAULT 'SHA' CHECK (ownership IN ('SHA', 'NATIONAL')),
            is_national boolean NOT NULL DEFAULT false,
            venue text CHECK (length(venue) <= 200),
            starts_at timestamptz NOT NULL,
            ends_at timestamptz NOT NULL,
            capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
            confirmed_count integer NOT NULL DEFAULT 0,
            waitlist_count integer NOT NULL DEFAULT 0,
            registration_seq bigint NOT NULL DEFAULT 0,
            status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED', 'CANCELLED')),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, id, is_national),
            CHECK (ends_at > starts_at),
            CHECK (ownership = 'SHA' OR is_national),
            CHECK (confirmed_count BETWEEN 0 AND capacity),
            CHECK (waitlist_count >= 0)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "events")
    op.execute(f"CREATE INDEX events_start ON {s}.events (sha_code, starts_at, id)")
    op.execute(f"CREATE INDEX events_national ON {s}.events (is_national) WHERE is_national")
    op.execute(
        f"""
        CREATE TABLE {s}.event_sessions (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            event_id uuid NOT NULL,
            is_national boolean NOT NULL,
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            room text CHECK (length(room) <= 100),
            starts_at timestamptz NOT NULL,
            ends_at timestamptz NOT NULL,
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, event_id) REFERENCES {s}.events (sha_code, id)
                ON DELETE CASCADE,
            CHECK (ends_at > starts_at)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "event_sessions")
    op.execute(
        f"CREATE INDEX event_sessions_event ON {s}.event_sessions (sha_code, event_id, starts_at)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.event_registrations (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            member_id uuid NOT NULL,
            event_sha_code text NOT NULL,
            event_id uuid NOT NULL,
            event_is_national boolean NOT NULL,
            status text NOT NULL CHECK (status IN ('CONFIRMED', 'WAITLISTED', 'CANCELLED')),
            seq bigint NOT NULL,
            registered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            promoted_at timestamptz,
            cancelled_at timestamptz,
            PRIMARY KEY (sha_code, id),
            FOREIGN KEY (sha_code, member_id) REFERENCES {s}.members (sha_code, id),
            CHECK (sha_code = event_sha_code OR event_is_national)
        ) PARTITION BY LIST (sha_code)
        """
    )
    distribute_tenant_table(op.get_bind(), settings, "event_registrations")
    op.execute(
        f"CREATE UNIQUE INDEX event_registrations_once ON {s}.event_registrations"
        f" (sha_code, event_sha_code, event_id, member_id) WHERE status <> 'CANCELLED'"
    )
    op.execute(
        f"CREATE INDEX event_registrations_queue ON {s}.event_registrations"
        f" (event_sha_code, event_id, status, seq)"
    )
    op.execute(
        f"CREATE INDEX event_registrations_member ON {s}.event_registrations"
        f" (sha_code, member_id, registered_at)"
    )


def _event_functions(s: str, api: str) -> None:
    """Registration writes, under the event row lock; owned by the owner role, so they
    see every SHA's registrations of a national event. Each checks the caller's
    writable SHAs itself (the setting the RLS policies read)."""
    writable = "string_to_array(current_setting('app.write_shas', true), ',')"
    readable = "string_to_array(current_setting('app.read_shas', true), ',')"
    op.execute(
        f"""
        CREATE FUNCTION {s}.event_fill(p_sha text, p_id uuid)
        RETURNS TABLE (r_sha text, r_id uuid)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
        DECLARE
            room integer;
            moved integer := 0;
            w record;
        BEGIN
            -- The caller holds the event row lock.
            SELECT capacity - confirmed_count INTO room FROM events
             WHERE sha_code = p_sha AND id = p_id;
            IF room IS NULL OR room <= 0 THEN RETURN; END IF;
            FOR w IN
                SELECT sha_code, id FROM event_registrations
                 WHERE event_sha_code = p_sha AND event_id = p_id AND status = 'WAITLISTED'
                 ORDER BY seq LIMIT room
            LOOP
                UPDATE event_registrations SET status = 'CONFIRMED', promoted_at = now()
                 WHERE sha_code = w.sha_code AND id = w.id;
                -- Audited in the promoted member's SHA, which the caller cannot write.
                INSERT INTO audit_log (sha_code, actor, action, entity_type, entity_id, detail)
                VALUES (w.sha_code, coalesce(current_setting('app.actor', true), 'system'),
                        'event_registration.promote', 'EventRegistration', w.id::text,
                        jsonb_build_object('event_sha_code', p_sha, 'event_id', p_id));
                moved := moved + 1;
                r_sha := w.sha_code; r_id := w.id;
                RETURN NEXT;
            END LOOP;
            UPDATE events SET confirmed_count = confirmed_count + moved,
                              waitlist_count = waitlist_count - moved
             WHERE sha_code = p_sha AND id = p_id;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION {s}.event_register(
            p_member_sha text, p_member_id uuid, p_event_sha text, p_event_id uuid)
        RETURNS TABLE (r_outcome text, r_id uuid)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
        DECLARE
            ev record;
            v_status text;
        BEGIN
            IF NOT coalesce(p_member_sha = ANY ({writable}), false) THEN
                r_outcome := 'FORBIDDEN'; RETURN NEXT; RETURN;
            END IF;
            PERFORM 1 FROM members
             WHERE sha_code = p_member_sha AND id = p_member_id AND status = 'ACTIVE';
            IF NOT FOUND THEN r_outcome := 'MEMBER_NOT_FOUND'; RETURN NEXT; RETURN; END IF;
            SELECT * INTO ev FROM events
             WHERE sha_code = p_event_sha AND id = p_event_id
               AND (is_national OR (sha_code = p_member_sha
                                    AND coalesce(sha_code = ANY ({readable}), false)))
             FOR UPDATE;
            IF NOT FOUND THEN r_outcome := 'EVENT_NOT_FOUND'; RETURN NEXT; RETURN; END IF;
            IF ev.status <> 'OPEN' OR ev.ends_at < now() THEN
                r_outcome := 'CLOSED'; RETURN NEXT; RETURN;
            END IF;
            PERFORM 1 FROM event_registrations
             WHERE sha_code = p_member_sha AND event_sha_code = p_event_sha
               AND event_id = p_event_id AND member_id = p_member_id AND status <> 'CANCELLED';
            IF FOUND THEN r_outcome := 'DUPLICATE'; RETURN NEXT; RETURN; END IF;
            v_status := CASE WHEN ev.confirmed_count < ev.capacity
                             THEN 'CONFIRMED' ELSE 'WAITLISTED' END;
            UPDATE events SET
                registration_seq = registration_seq + 1,
                confirmed_count = confirmed_count + (v_status = 'CONFIRMED')::int,
                waitlist_count = waitlist_count + (v_status = 'WAITLISTED')::int
             WHERE sha_code = p_event_sha AND id = p_event_id;
            INSERT INTO event_registrations
                (sha_code, member_id, event_sha_code, event_id, event_is_national, status, seq)
            VALUES (p_member_sha, p_member_id, p_event_sha, p_event_id, ev.is_national,
                    v_status, ev.registration_seq + 1)
            RETURNING id INTO r_id;
            r_outcome := v_status;
            RETURN NEXT;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION {s}.event_cancel(p_sha text, p_id uuid)
        RETURNS TABLE (r_outcome text, r_sha text, r_id uuid)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
        DECLARE
            reg record;
            v_status text;
        BEGIN
            IF NOT coalesce(p_sha = ANY ({writable}), false) THEN
                r_outcome := 'FORBIDDEN'; RETURN NEXT; RETURN;
            END IF;
            SELECT event_sha_code, event_id INTO reg FROM event_registrations
             WHERE sha_code = p_sha AND id = p_id;
            IF NOT FOUND THEN r_outcome := 'NOT_FOUND'; RETURN NEXT; RETURN; END IF;
            -- Same lock order as event_register: the event row first.
            PERFORM 1 FROM events WHERE sha_code = reg.event_sha_code AND id = reg.event_id
             FOR UPDATE;
            SELECT status INTO v_status FROM event_registrations
             WHERE sha_code = p_sha AND id = p_id FOR UPDATE;
            IF v_status = 'CANCELLED' THEN
                r_outcome := 'ALREADY_CANCELLED'; RETURN NEXT; RETURN;
            END IF;
            UPDATE event_registrations SET status = 'CANCELLED', cancelled_at = now()
             WHERE sha_code = p_sha AND id = p_id;
            UPDATE events SET
                confirmed_count = confirmed_count - (v_status = 'CONFIRMED')::int,
                waitlist_count = waitlist_count - (v_status = 'WAITLISTED')::int
             WHERE sha_code = reg.event_sha_code AND id = reg.event_id;
            r_outcome := 'CANCELLED'; r_sha := p_sha; r_id := p_id;
            RETURN NEXT;
            r_outcome := 'PROMOTED';
            FOR r_sha, r_id IN SELECT f.r_sha, f.r_id FROM event_fill(reg.event_sha_code, reg.event_id) f
            LOOP
                RETURN NEXT;
            END LOOP;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION {s}.event_settle(p_sha text, p_id uuid)
        RETURNS TABLE (r_sha text, r_id uuid)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
        BEGIN
            IF NOT coalesce(p_sha = ANY ({writable}), false) THEN RETURN; END IF;
            PERFORM 1 FROM events WHERE sha_code = p_sha AND id = p_id AND status = 'OPEN'
             FOR UPDATE;
            IF NOT FOUND THEN RETURN; END IF;
            RETURN QUERY SELECT f.r_sha, f.r_id FROM event_fill(p_sha, p_id) f;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION {s}.event_waitlist_positions(p_shas text[], p_ids uuid[])
        RETURNS TABLE (r_sha text, r_id uuid, r_position integer)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
        DECLARE
            r record;
        BEGIN
            -- Only counts: the position of the caller's own waiting registrations
            -- among every SHA's, for an event it can see. One registration at a
            -- time, then one count over every SHA's registrations of its event: no
            -- join across regions (Citus refuses a join that is not on sha_code).
            FOR i IN 1 .. coalesce(array_length(p_shas, 1), 0) LOOP
                SELECT g.sha_code, g.id, g.event_sha_code, g.event_id, g.seq INTO r
                  FROM event_registrations g
                 WHERE g.sha_code = p_shas[i] AND g.id = p_ids[i]
                   AND g.status = 'WAITLISTED'
                   AND coalesce(g.sha_code = ANY ({readable}), false);
                CONTINUE WHEN NOT FOUND;
                r_sha := r.sha_code; r_id := r.id;
                SELECT count(*)::integer INTO r_position FROM event_registrations w
                 WHERE w.event_sha_code = r.event_sha_code AND w.event_id = r.event_id
                   AND w.status = 'WAITLISTED' AND w.seq <= r.seq;
                RETURN NEXT;
            END LOOP;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION {s}.event_set_national(p_sha text, p_id uuid, p_national boolean)
        RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
        BEGIN
            IF NOT coalesce(p_sha = ANY ({writable}), false) THEN RETURN; END IF;
            -- The caller holds the event row lock and has changed the event's flag.
            UPDATE event_sessions SET is_national = p_national
             WHERE sha_code = p_sha AND event_id = p_id AND is_national <> p_national;
            -- Every SHA's registrations; one in another SHA fails the CHECK when
            -- the event stops being national.
            UPDATE event_registrations SET event_is_national = p_national
             WHERE event_sha_code = p_sha AND event_id = p_id
               AND event_is_national <> p_national;
        END $$
        """
    )
    for fn in (
        "event_set_national(text, uuid, boolean)",
        "event_fill(text, uuid)",
        "event_register(text, uuid, text, uuid)",
        "event_cancel(text, uuid)",
        "event_settle(text, uuid)",
        "event_waitlist_positions(text[], uuid[])",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {s}.{fn} FROM PUBLIC")
    for fn in (
        "event_set_national(text, uuid, boolean)",
        "event_register(text, uuid, text, uuid)",
        "event_cancel(text, uuid)",
        "event_settle(text, uuid)",
        "event_waitlist_positions(text[], uuid[])",
    ):
        op.execute(f"GRANT EXECUTE ON FUNCTION {s}.{fn} TO {api}")


def upgrade(settings: Settings) -> None:
    s, api = settings.db_schema, settings.api_role
    _learning_sets(settings)
    _events(settings)
    conn = op.get_bind()
    for table in (*SETS, *SET_CHILDREN):
        register_tenant_table(conn, settings, table)
    for table in EVENTS:
        flag = "event_is_national" if table == "event_registrations" else "is_national"
        # Registrations are never widened: they stay readable only in their own SHA.
        register_tenant_table(
            conn, settings, table, extra_read=None if table == "event_registrations" else flag
        )
    # Counters and registrations change only through the functions above.
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON {s}.event_registrations FROM {api}")
    # Events keep the table-level INSERT and UPDATE of every tenant table: column
    # grants do not reach Citus's shards. The events service writes only the editable
    # columns; the counters change only through the functions below.
    _event_functions(s, api)


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    for fn in (
        "event_set_national(text, uuid, boolean)",
        "event_waitlist_positions(text[], uuid[])",
        "event_settle(text, uuid)",
        "event_cancel(text, uuid)",
        "event_register(text, uuid, text, uuid)",
        "event_fill(text, uuid)",
    ):
        op.execute(f"DROP FUNCTION {s}.{fn}")
    for table in (*reversed(EVENTS), *reversed(SET_CHILDREN), *reversed(SETS)):
        op.execute(f"DROP TABLE {s}.{table}")
