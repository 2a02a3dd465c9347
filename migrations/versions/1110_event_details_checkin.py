"""Events: full details, a registration deadline, check-in and attendance.

Revision ID: 1110
Revises: 1100
Create Date: 2026-12-07

* `events` gains description, audience, speakers (a JSON array of {name, role}),
  `registration_closes_at` (null: registrations close when the event starts) and
  `attended_count`, the check-in counter kept under the event lock like the other
  counters (so a national event counts attendance from every SHA).
* `event_registrations` gains `checked_in_at` and `checked_in_by`.
* `event_check_in(sha, id)`: SECURITY DEFINER like `event_register`, checking the
  caller's writable SHAs itself; registrations still change only through functions.
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings

revision = "1110"
down_revision = "1100"
branch_labels = None
depends_on = None


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    api = settings.api_role
    # One subcommand per statement, constraints added by name after their column:
    # Citus refuses ADD COLUMN with an inline constraint on a distributed table.
    for statement in (
        "ADD COLUMN description text",
        "ADD COLUMN audience text",
        "ADD COLUMN speakers jsonb NOT NULL DEFAULT '[]'",
        "ADD COLUMN registration_closes_at timestamptz",
        "ADD COLUMN attended_count integer NOT NULL DEFAULT 0",
        "ADD CONSTRAINT events_description_check CHECK (length(description) BETWEEN 1 AND 8000)",
        "ADD CONSTRAINT events_audience_check CHECK (length(audience) BETWEEN 1 AND 300)",
        "ADD CONSTRAINT events_speakers_check CHECK (jsonb_typeof(speakers) = 'array')",
        "ADD CONSTRAINT events_attended_count_check CHECK (attended_count >= 0)",
        "ADD CONSTRAINT events_deadline_before_end"
        " CHECK (registration_closes_at IS NULL OR registration_closes_at <= ends_at)",
    ):
        op.execute(f"ALTER TABLE {s}.events {statement}")
    op.execute(f"ALTER TABLE {s}.event_registrations ADD COLUMN checked_in_at timestamptz")
    op.execute(f"ALTER TABLE {s}.event_registrations ADD COLUMN checked_in_by text")
    # (the API role writes events by a table-level grant since 0300: no column grants,
    # which do not reach Citus's shards)
    writable = "string_to_array(current_setting('app.write_shas', true), ',')"
    op.execute(
        f"""
        CREATE FUNCTION {s}.event_check_in(p_sha text, p_id uuid, p_by text)
        RETURNS TABLE (r_outcome text, r_checked_in_at timestamptz)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
        DECLARE
            reg record;
        BEGIN
            IF NOT coalesce(p_sha = ANY ({writable}), false) THEN
                r_outcome := 'FORBIDDEN'; RETURN NEXT; RETURN;
            END IF;
            SELECT * INTO reg FROM event_registrations WHERE sha_code = p_sha AND id = p_id;
            IF NOT FOUND THEN r_outcome := 'NOT_FOUND'; RETURN NEXT; RETURN; END IF;
            PERFORM 1 FROM events
             WHERE sha_code = reg.event_sha_code AND id = reg.event_id FOR UPDATE;
            SELECT * INTO reg FROM event_registrations
             WHERE sha_code = p_sha AND id = p_id FOR UPDATE;
            IF reg.status <> 'CONFIRMED' THEN
                r_outcome := 'NOT_CONFIRMED'; RETURN NEXT; RETURN;
            END IF;
            IF reg.checked_in_at IS NOT NULL THEN
                r_outcome := 'ALREADY'; r_checked_in_at := reg.checked_in_at;
                RETURN NEXT; RETURN;
            END IF;
            UPDATE event_registrations SET checked_in_at = now(), checked_in_by = p_by
             WHERE sha_code = p_sha AND id = p_id;
            UPDATE events SET attended_count = attended_count + 1
             WHERE sha_code = reg.event_sha_code AND id = reg.event_id;
            r_outcome := 'CHECKED_IN'; r_checked_in_at := now(); RETURN NEXT;
        END $$
        """
    )
    op.execute(f"REVOKE ALL ON FUNCTION {s}.event_check_in(text, uuid, text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {s}.event_check_in(text, uuid, text) TO {api}")


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(f"DROP FUNCTION {s}.event_check_in(text, uuid, text)")
    op.execute(
        f"ALTER TABLE {s}.event_registrations DROP COLUMN checked_in_by, DROP COLUMN checked_in_at"
    )
    op.execute(
        f"ALTER TABLE {s}.events DROP CONSTRAINT events_deadline_before_end,"
        " DROP COLUMN attended_count, DROP COLUMN registration_closes_at,"
        " DROP COLUMN speakers, DROP COLUMN audience, DROP COLUMN description"
    )
