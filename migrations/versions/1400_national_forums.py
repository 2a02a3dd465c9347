"""National forums: opened by national leads, read and written in every running SHA.

Revision ID: 1400
Revises: 1300
Create Date: 2026-12-07

A national forum is held by one SHA (the one the national lead names, as for national
events and programmes) and flagged `is_national`, which widens reads of it to every
SHA (`extra_read`). Its threads and posts are written in the *author's* SHA, as event
registrations are: each names its forum by (`forum_sha_code`, `forum_id`) and a post
its thread by (`thread_sha_code`, `thread_id`), with the `forum_is_national` flag that
widens reads of them. No foreign key crosses regions (Citus keeps keys only within a
shard group), so the keys from threads and posts to forums and threads are replaced
by CHECKs (a row outside its forum's SHA only in a national forum) and the forums
service, which checks the forum and thread in the writing transaction.

Two SECURITY DEFINER functions do what a writer may not do in another SHA:
`forum_national_reply` moves a national thread's `last_post_at` when a member of
another SHA replies, and tells the thread's starter and followers of other SHAs than
the writer's (their SHA's notification outbox; a member follows a national thread from
her own SHA, `forum_thread_follows.thread_sha_code`); `forum_author_names` gives the names of the authors of national
threads and posts, which RLS on `members` hides from readers of other SHAs.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from foundation.settings import Settings
from tenants.policy import policy_ddl

revision = "1400"
down_revision = "1300"
branch_labels = None
depends_on = None


def _foreign_keys(s: str, table: str, target: str) -> list[str]:
    rows = op.get_bind().execute(
        text(
            "SELECT c.conname FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid"
            " JOIN pg_class r ON r.oid = c.confrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace"
            " WHERE n.nspname = :schema AND t.relname = :table AND r.relname = :target"
            " AND c.contype = 'f' AND c.conparentid = 0"
        ),
        {"schema": s, "table": table, "target": target},
    )
    return [r[0] for r in rows]


def _policies(settings: Settings, table: str, flag: str | None) -> None:
    qualified = f"{settings.db_schema}.{table}"
    for statement in policy_ddl(
        qualified, settings.api_role, settings.tenancy_mode, extra_read=flag
    ):
        op.execute(statement)


def _functions(s: str, api: str) -> None:
    writable = "string_to_array(current_setting('app.write_shas', true), ',')"
    op.execute(
        f"""
        CREATE FUNCTION {s}.forum_national_reply(
            p_sha text, p_post uuid, p_created timestamptz, p_thread_sha text, p_thread uuid,
            p_forum_sha text, p_forum uuid, p_title text, p_excerpt text, p_subject text)
        RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
        DECLARE
            v_author uuid;
            r record;
            told integer := 0;
        BEGIN
            -- For a post the caller wrote in its own SHA (p_sha) in a national forum. It
            -- reads no row the caller changed in this transaction (the post, its own
            -- SHA's thread: Citus refuses a placement modified by another user), so the
            -- post's keys come as arguments. The caller tells the recipients of its own
            -- SHA; this tells those of the others, once per post (the dedupe key).
            IF NOT coalesce(p_sha = ANY ({writable}), false) THEN RETURN 0; END IF;
            PERFORM 1 FROM forums
             WHERE sha_code = p_forum_sha AND id = p_forum AND is_national;
            IF NOT FOUND THEN RETURN 0; END IF;
            IF p_thread_sha <> p_sha THEN
                SELECT author_id INTO v_author FROM forum_threads
                 WHERE sha_code = p_thread_sha AND id = p_thread
                   AND forum_sha_code = p_forum_sha AND forum_id = p_forum;
                IF NOT FOUND THEN RETURN 0; END IF;
                UPDATE forum_threads SET last_post_at = greatest(last_post_at, p_created)
                 WHERE sha_code = p_thread_sha AND id = p_thread;
            END IF;
            FOR r IN
                WITH wanted AS (
                    SELECT p_thread_sha AS sha_code, v_author AS member_id
                     WHERE v_author IS NOT NULL
                    UNION
                    SELECT f.sha_code, f.member_id FROM forum_thread_follows f
                     WHERE f.thread_sha_code = p_thread_sha AND f.thread_id = p_thread
                       AND f.sha_code <> p_sha
                ), recipient AS (
                    SELECT m.sha_code, m.id, m.email,
                           coalesce(pr.channel, 'IN_APP') AS channel
                    FROM wanted w
                    JOIN members m ON m.sha_code = w.sha_code AND m.id = w.member_id
                    LEFT JOIN notification_preferences pr
                      ON pr.sha_code = m.sha_code AND pr.member_id = m.id
                     AND pr.kind = 'THREAD_REPLY'
                    WHERE w.sha_code <> p_sha AND m.erased_at IS NULL AND m.status = 'ACTIVE'
                )
                INSERT INTO notifications (sha_code, member_id, kind, title, body, subject_id,
                                           dedupe_key, in_app, email_status, email_to,
                                           email_next_at)
                SELECT x.sha_code, x.id, 'THREAD_REPLY', p_title, p_excerpt, p_subject,
                       'reply:' || p_post::text, true,
                       CASE WHEN x.channel = 'EMAIL' AND x.email IS NOT NULL
                            THEN 'PENDING' ELSE 'NONE' END,
                       CASE WHEN x.channel = 'EMAIL' THEN x.email END,
                       CASE WHEN x.channel = 'EMAIL' AND x.email IS NOT NULL THEN now() END
                FROM recipient x WHERE x.channel <> 'OFF'
                ON CONFLICT (sha_code, member_id, dedupe_key) WHERE dedupe_key IS NOT NULL
                DO NOTHING
                RETURNING sha_code, member_id
            LOOP
                told := told + 1;
                PERFORM pg_notify('notifications', json_build_object(
                    'sha', r.sha_code, 'member', r.member_id::text, 'count', 1)::text);
            END LOOP;
            RETURN told;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION {s}.forum_author_names(p_shas text[], p_ids uuid[])
        RETURNS TABLE (r_sha text, r_id uuid, r_name text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
            -- Names only, and only of members who wrote in a national forum.
            SELECT m.sha_code, m.id, m.given_name || ' ' || m.family_name
            FROM members m
            JOIN unnest(p_shas, p_ids) AS k(sha, id) ON m.sha_code = k.sha AND m.id = k.id
            WHERE m.erased_at IS NULL
              AND (EXISTS (SELECT 1 FROM forum_posts fp WHERE fp.sha_code = m.sha_code
                            AND fp.author_id = m.id AND fp.forum_is_national)
                   OR EXISTS (SELECT 1 FROM forum_threads ft WHERE ft.sha_code = m.sha_code
                               AND ft.author_id = m.id AND ft.forum_is_national))
        $$
        """
    )
    for fn in (
        "forum_national_reply(text, uuid, timestamptz, text, uuid, text, uuid, text, text, text)",
        "forum_author_names(text[], uuid[])",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {s}.{fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {s}.{fn} TO {api}")


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    # One subcommand per statement (Citus refuses ADD COLUMN with an inline constraint).
    op.execute(f"ALTER TABLE {s}.forums ADD COLUMN is_national boolean NOT NULL DEFAULT false")
    for table in ("forum_threads", "forum_posts"):
        for name in _foreign_keys(s, table, "forums"):
            op.execute(f"ALTER TABLE {s}.{table} DROP CONSTRAINT {name}")
        op.execute(f"ALTER TABLE {s}.{table} ADD COLUMN forum_sha_code text")
        op.execute(
            f"ALTER TABLE {s}.{table} ADD COLUMN forum_is_national boolean NOT NULL DEFAULT false"
        )
        op.execute(f"UPDATE {s}.{table} SET forum_sha_code = sha_code")
        op.execute(f"ALTER TABLE {s}.{table} ALTER COLUMN forum_sha_code SET NOT NULL")
    for name in _foreign_keys(s, "forum_posts", "forum_threads"):
        op.execute(f"ALTER TABLE {s}.forum_posts DROP CONSTRAINT {name}")
    op.execute(f"ALTER TABLE {s}.forum_posts ADD COLUMN thread_sha_code text")
    op.execute(f"UPDATE {s}.forum_posts SET thread_sha_code = sha_code")
    op.execute(f"ALTER TABLE {s}.forum_posts ALTER COLUMN thread_sha_code SET NOT NULL")
    # a member follows a national thread of another SHA from her own (her follow, her
    # SHA); the key to the thread is replaced like the others
    for name in _foreign_keys(s, "forum_thread_follows", "forum_threads"):
        op.execute(f"ALTER TABLE {s}.forum_thread_follows DROP CONSTRAINT {name}")
    op.execute(f"ALTER TABLE {s}.forum_thread_follows ADD COLUMN thread_sha_code text")
    op.execute(
        f"ALTER TABLE {s}.forum_thread_follows"
        " ADD COLUMN thread_is_national boolean NOT NULL DEFAULT false"
    )
    op.execute(f"UPDATE {s}.forum_thread_follows SET thread_sha_code = sha_code")
    op.execute(f"ALTER TABLE {s}.forum_thread_follows ALTER COLUMN thread_sha_code SET NOT NULL")
    op.execute(
        f"ALTER TABLE {s}.forum_thread_follows ADD CONSTRAINT forum_thread_follows_in_sha"
        " CHECK (thread_sha_code = sha_code OR thread_is_national)"
    )
    op.execute(
        f"CREATE INDEX forum_thread_follows_thread ON {s}.forum_thread_follows"
        " (thread_sha_code, thread_id)"
    )
    op.execute(
        f"ALTER TABLE {s}.forum_threads ADD CONSTRAINT forum_threads_in_forum_sha"
        " CHECK (forum_sha_code = sha_code OR forum_is_national)"
    )
    op.execute(
        f"ALTER TABLE {s}.forum_posts ADD CONSTRAINT forum_posts_in_forum_sha"
        " CHECK ((forum_sha_code = sha_code AND thread_sha_code = sha_code) OR forum_is_national)"
    )
    op.execute(
        f"CREATE INDEX forum_threads_national ON {s}.forum_threads"
        " (forum_sha_code, forum_id, last_post_at) WHERE forum_is_national"
    )
    op.execute(
        f"CREATE INDEX forum_posts_national ON {s}.forum_posts"
        " (thread_sha_code, thread_id, created_at, id) WHERE forum_is_national"
    )
    op.execute(f"CREATE INDEX forums_national ON {s}.forums (title, id) WHERE is_national")
    _policies(settings, "forums", "is_national")
    _policies(settings, "forum_threads", "forum_is_national")
    _policies(settings, "forum_posts", "forum_is_national")
    _functions(s, settings.api_role)


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(f"DROP FUNCTION {s}.forum_author_names(text[], uuid[])")
    op.execute(
        f"DROP FUNCTION {s}.forum_national_reply"
        "(text, uuid, timestamptz, text, uuid, text, uuid, text, text, text)"
    )
    for table in ("forums", "forum_threads", "forum_posts"):
        _policies(settings, table, None)
    op.execute(
        f"DELETE FROM {s}.forum_post_revisions r USING {s}.forum_posts p"
        " WHERE r.sha_code = p.sha_code AND r.post_id = p.id AND p.forum_is_national"
    )
    op.execute(
        f"DELETE FROM {s}.forum_post_reactions r USING {s}.forum_posts p"
        " WHERE r.sha_code = p.sha_code AND r.post_id = p.id AND p.forum_is_national"
    )
    op.execute(
        f"DELETE FROM {s}.forum_post_reports r USING {s}.forum_posts p"
        " WHERE r.sha_code = p.sha_code AND r.post_id = p.id AND p.forum_is_national"
    )
    op.execute(f"DELETE FROM {s}.forum_posts WHERE forum_is_national")
    op.execute(
        f"DELETE FROM {s}.forum_thread_follows f USING {s}.forum_threads t"
        " WHERE f.sha_code = t.sha_code AND f.thread_id = t.id AND t.forum_is_national"
    )
    op.execute(f"DELETE FROM {s}.forum_thread_follows WHERE thread_is_national")
    op.execute(f"DELETE FROM {s}.forum_threads WHERE forum_is_national")
    op.execute(f"ALTER TABLE {s}.forum_thread_follows DROP CONSTRAINT forum_thread_follows_in_sha")
    op.execute(f"ALTER TABLE {s}.forum_thread_follows DROP COLUMN thread_is_national")
    op.execute(f"ALTER TABLE {s}.forum_thread_follows DROP COLUMN thread_sha_code")
    op.execute(
        f"ALTER TABLE {s}.forum_thread_follows ADD FOREIGN KEY (sha_code, thread_id)"
        f" REFERENCES {s}.forum_threads (sha_code, id)"
    )
    op.execute(f"ALTER TABLE {s}.forum_posts DROP CONSTRAINT forum_posts_in_forum_sha")
    op.execute(f"ALTER TABLE {s}.forum_threads DROP CONSTRAINT forum_threads_in_forum_sha")
    op.execute(f"ALTER TABLE {s}.forum_posts DROP COLUMN thread_sha_code")
    for table in ("forum_threads", "forum_posts"):
        op.execute(f"ALTER TABLE {s}.{table} DROP COLUMN forum_is_national")
        op.execute(f"ALTER TABLE {s}.{table} DROP COLUMN forum_sha_code")
        op.execute(
            f"ALTER TABLE {s}.{table} ADD FOREIGN KEY (sha_code, forum_id)"
            f" REFERENCES {s}.forums (sha_code, id)"
        )
    op.execute(
        f"ALTER TABLE {s}.forum_posts ADD FOREIGN KEY (sha_code, thread_id)"
        f" REFERENCES {s}.forum_threads (sha_code, id)"
    )
    op.execute(
        f"DELETE FROM {s}.forum_moderators m USING {s}.forums f"
        " WHERE m.sha_code = f.sha_code AND m.forum_id = f.id AND f.is_national"
    )
    op.execute(f"ALTER TABLE {s}.forums DROP COLUMN is_national")
