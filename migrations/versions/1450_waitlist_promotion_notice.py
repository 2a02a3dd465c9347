"""A member promoted from a waiting list is told, whatever SHA she belongs to.

Revision ID: 1450
Revises: 1400
Create Date: 2026-12-07

A national event takes registrations from every region, and `event_fill` (0300)
promotes the head of its waiting list across SHAs. The promoted member's
notification belongs in her own SHA, which the caller (a member of another region
cancelling her place, or the event's SHA raising the capacity) cannot write under
RLS. `notify_waitlist_promoted(sha, id)` follows the precedent of the event
functions: SECURITY DEFINER, owned by the owner role, and narrow. It writes one
notification, of one kind, with a wording of its own (no text from the caller), and
only for a registration that was promoted in the calling transaction
(`promoted_at = now()`, the transaction's start, which `event_fill` stamps), so it
cannot be used to write into a region for any other reason. A dedupe key makes a
second call for the same promotion a no-op. Like `notify()` (resolvers/notifications/
service.py) it honours the member's preference (IN_APP, EMAIL, OFF) and wakes the
live subscribers with a NOTIFY naming only her SHA and member id.
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings

revision = "1450"
down_revision = "1400"
branch_labels = None
depends_on = None

SIGNATURE = "notify_waitlist_promoted(text, uuid)"


def upgrade(settings: Settings) -> None:
    s, api = settings.db_schema, settings.api_role
    op.execute(
        f"""
        CREATE FUNCTION {s}.notify_waitlist_promoted(p_sha text, p_id uuid)
        RETURNS uuid
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
        DECLARE
            reg record;
            v_title text;
            v_id uuid;
        BEGIN
            -- Only a place given in this very transaction (event_fill stamps now()).
            SELECT r.sha_code, r.id, r.member_id, r.event_sha_code, r.event_id, r.promoted_at
              INTO reg FROM event_registrations r
             WHERE r.sha_code = p_sha AND r.id = p_id
               AND r.status = 'CONFIRMED' AND r.promoted_at = now();
            IF NOT FOUND THEN RETURN NULL; END IF;
            SELECT 'You have a place at ' || e.title INTO v_title FROM events e
             WHERE e.sha_code = reg.event_sha_code AND e.id = reg.event_id;
            IF v_title IS NULL THEN RETURN NULL; END IF;
            IF length(v_title) > 200 THEN v_title := left(v_title, 199) || '…'; END IF;
            WITH recipient AS (
                SELECT m.sha_code, m.id, m.email, coalesce(p.channel, 'IN_APP') AS channel
                  FROM members m
                  LEFT JOIN notification_preferences p
                    ON p.sha_code = m.sha_code AND p.member_id = m.id
                   AND p.kind = 'WAITLIST_PROMOTED'
                 WHERE m.sha_code = reg.sha_code AND m.id = reg.member_id
                   AND m.erased_at IS NULL AND m.status = 'ACTIVE'
            )
            INSERT INTO notifications (sha_code, member_id, kind, title, body, subject_id,
                                       dedupe_key, in_app, email_status, email_to,
                                       email_next_at)
            SELECT r.sha_code, r.id, 'WAITLIST_PROMOTED', v_title,
                   'A place came free and your registration is now confirmed.',
                   -- the registration's global id, as resolvers/common/ids.py encodes it
                   translate(rtrim(encode(convert_to(
                       'EventRegistration:' || reg.sha_code || ':' || reg.id::text, 'UTF8'),
                       'base64'), '='), '+/' || chr(10), '-_'),
                   'promoted:' || reg.id::text || ':' || extract(epoch FROM reg.promoted_at),
                   true,
                   CASE WHEN r.channel = 'EMAIL' AND r.email IS NOT NULL
                        THEN 'PENDING' ELSE 'NONE' END,
                   CASE WHEN r.channel = 'EMAIL' THEN r.email END,
                   CASE WHEN r.channel = 'EMAIL' AND r.email IS NOT NULL THEN now() END
              FROM recipient r WHERE r.channel <> 'OFF'
            ON CONFLICT (sha_code, member_id, dedupe_key) WHERE dedupe_key IS NOT NULL
            DO NOTHING
            RETURNING id INTO v_id;
            IF v_id IS NOT NULL THEN
                PERFORM pg_notify('notifications', json_build_object(
                    'sha', reg.sha_code, 'member', reg.member_id::text, 'count', 1)::text);
            END IF;
            RETURN v_id;
        END $$
        """
    )
    op.execute(f"REVOKE ALL ON FUNCTION {s}.{SIGNATURE} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {s}.{SIGNATURE} TO {api}")


def downgrade(settings: Settings) -> None:
    op.execute(f"DROP FUNCTION {settings.db_schema}.{SIGNATURE}")
