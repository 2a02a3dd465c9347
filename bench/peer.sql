-- PostGraphile's idiom for what its CRUD schema cannot express: SQL functions, exposed
-- as a computed column (members_networks_by_name), as queries (bench_member_counts,
-- bench_escalator_levels) and as a custom mutation (bench_add_forum_post). They run as
-- the caller (SECURITY INVOKER), so RLS applies exactly as to the peer's other SQL.
-- Applied by the benchmark harness to the benchmark database only (never a migration).
CREATE OR REPLACE FUNCTION {schema}.members_networks_by_name(m {schema}.members)
RETURNS SETOF {schema}.network_members LANGUAGE sql STABLE AS $$
    SELECT nm.* FROM {schema}.network_members nm
    JOIN {schema}.networks n ON n.sha_code = nm.sha_code AND n.id = nm.network_id
    WHERE nm.sha_code = m.sha_code AND nm.member_id = m.id
    ORDER BY n.name, n.id
$$;

CREATE OR REPLACE FUNCTION {schema}.bench_member_counts()
RETURNS TABLE (sha_code text, profession text, members bigint, active bigint)
LANGUAGE sql STABLE AS $$
    SELECT sha_code, profession, count(*), count(*) FILTER (WHERE status = 'ACTIVE')
    FROM {schema}.members
    WHERE sha_code = ANY (string_to_array(current_setting('app.read_shas', true), ','))
    GROUP BY GROUPING SETS ((sha_code, profession), (sha_code))
    ORDER BY 1, 2
$$;

CREATE OR REPLACE FUNCTION {schema}.bench_escalator_levels()
RETURNS TABLE (sha_code text, policy_area text, l1 bigint, l2 bigint, l3 bigint, l4 bigint,
               total bigint)
LANGUAGE sql STABLE AS $$
    WITH chosen AS (
        SELECT DISTINCT ON (sha_code, organisation_id, policy_area) sha_code, policy_area, level
        FROM {schema}.escalator_assessments
        WHERE sha_code = ANY (string_to_array(current_setting('app.read_shas', true), ','))
        ORDER BY sha_code DESC, organisation_id DESC, policy_area DESC, period DESC
    )
    SELECT sha_code, policy_area,
           count(*) FILTER (WHERE level = 1), count(*) FILTER (WHERE level = 2),
           count(*) FILTER (WHERE level = 3), count(*) FILTER (WHERE level = 4), count(*)
    FROM chosen GROUP BY sha_code, policy_area ORDER BY sha_code, policy_area
$$;

-- A reply, doing what a post does in the network, as a PostGraphile expert writes a
-- mutation with business rules: one VOLATILE function (PostGraphile exposes it as
-- `benchAddForumPost`), one round trip. The same work as the service's `addForumPost`
-- (resolvers/forums/service.py, resolvers/notifications/hooks.py): the writer must be
-- an active member of the SHA, not removed from the forum, of its audience (or one of
-- its moderators), the thread open; the post, its audit row and the thread's last post
-- time; the thread's starter and followers told as `notify_selected` tells them (their
-- preference, e-mail, the dedupe key, not the writer); live subscribers woken. The
-- writer is the member the request speaks for (`bench.member_id`, set per transaction
-- from the caller's identity, never from the mutation's input). The floor's write calls
-- it too (bench/floor.py). Regional threads only, and no @mentions (the benchmark's
-- reply has none): the service handles both.
CREATE OR REPLACE FUNCTION {schema}.bench_add_forum_post(sha text, thread uuid, body text)
RETURNS {schema}.forum_posts LANGUAGE plpgsql VOLATILE
-- PL/pgSQL plans its statements once per session; left to `auto`, PostgreSQL plans them
-- again at every call (a generic plan of a partitioned table looks dearer than a custom
-- one pruned at plan time), which halved the function's rate with pgbench. The service
-- runs its prepared statements generic too (foundation/settings.py).
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    writer uuid := nullif(current_setting('bench.member_id', true), '')::uuid;
    t record;
    post {schema}.forum_posts;
    told record;
    flat text := btrim(regexp_replace(body, '\s+', ' ', 'g'));  -- as _excerpt flattens
BEGIN
    IF body !~ '[^[:space:]]' OR length(body) > 20000 THEN  -- as check_body refuses
        RAISE EXCEPTION 'a post is 1 to 20,000 characters' USING ERRCODE = '22023';
    END IF;
    SELECT th.forum_id, th.author_id, th.title, th.locked,
           f.audience_role, f.audience_profession,
           m.id AS member_id, m.roles, m.status, m.profession,
           EXISTS (SELECT 1 FROM {schema}.forum_removals r
                   WHERE r.sha_code = sha AND r.forum_id = th.forum_id
                     AND r.member_id = writer) AS removed
      INTO t
      FROM {schema}.forum_threads th
      JOIN {schema}.forums f ON f.sha_code = sha AND f.id = th.forum_id
      LEFT JOIN {schema}.members m ON m.sha_code = sha AND m.id = writer
     WHERE th.sha_code = sha AND th.id = thread AND NOT th.forum_is_national;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such thread' USING ERRCODE = 'P0002';
    END IF;
    IF t.member_id IS NULL OR t.status <> 'ACTIVE' THEN
        RAISE EXCEPTION 'only an active member of this SHA may do this' USING ERRCODE = '42501';
    END IF;
    IF t.removed THEN
        RAISE EXCEPTION 'you have been removed from this forum' USING ERRCODE = '42501';
    END IF;
    IF ((t.audience_role IS NOT NULL AND NOT t.audience_role = ANY (t.roles))
        OR (t.audience_profession IS NOT NULL
            AND t.audience_profession IS DISTINCT FROM t.profession))
       AND NOT EXISTS (SELECT 1 FROM {schema}.forum_moderators fm
                       WHERE fm.sha_code = sha AND fm.forum_id = t.forum_id
                         AND fm.member_id = writer) THEN
        RAISE EXCEPTION 'this forum is for another audience' USING ERRCODE = '42501';
    END IF;
    IF t.locked THEN
        RAISE EXCEPTION 'the thread is locked' USING ERRCODE = '42501';
    END IF;
    INSERT INTO {schema}.forum_posts (sha_code, thread_id, thread_sha_code, forum_id,
                                      forum_sha_code, forum_is_national, author_id,
                                      body_markdown)
    VALUES (sha, thread, sha, t.forum_id, sha, false, writer, body)
    RETURNING * INTO post;
    INSERT INTO {schema}.audit_log (sha_code, actor, action, entity_type, entity_id,
                                    request_id, detail)
    VALUES (sha, current_setting('app.actor', true), 'forum.post.create', 'ForumPost',
            post.id::text, NULL,
            jsonb_build_object('thread_id', thread::text, 'thread_sha_code', sha,
                               'length', length(body)));
    UPDATE {schema}.forum_threads SET last_post_at = post.created_at
     WHERE sha_code = sha AND id = thread;
    FOR told IN
        WITH recipient AS (
            SELECT m.sha_code, m.id, m.email, coalesce(p.channel, 'IN_APP') AS channel
            FROM {schema}.members m
            LEFT JOIN {schema}.notification_preferences p
              ON p.sha_code = m.sha_code AND p.member_id = m.id AND p.kind = 'THREAD_REPLY'
            WHERE m.sha_code = sha
              AND m.id IN (SELECT f.member_id FROM {schema}.forum_thread_follows f
                           WHERE f.sha_code = sha AND f.thread_sha_code = sha
                             AND f.thread_id = thread
                           UNION SELECT t.author_id)
              AND m.id <> writer AND m.erased_at IS NULL AND m.status = 'ACTIVE'
        )
        INSERT INTO {schema}.notifications (sha_code, member_id, kind, title, body,
                                            subject_id, dedupe_key, in_app, email_status,
                                            email_to, email_next_at)
        SELECT r.sha_code, r.id, 'THREAD_REPLY',
               CASE WHEN length('New reply in ' || t.title) <= 200
                    THEN 'New reply in ' || t.title
                    ELSE left('New reply in ' || t.title, 199) || '…' END,
               CASE WHEN length(flat) <= 280 THEN flat ELSE left(flat, 279) || '…' END,
               rtrim(translate(encode(convert_to('ForumPost:' || sha || ':' || post.id,
                                                 'UTF8'), 'base64'), '+/', '-_'), '='),
               'reply:' || post.id, true,
               CASE WHEN r.channel = 'EMAIL' AND r.email IS NOT NULL THEN 'PENDING'
                    ELSE 'NONE' END,
               CASE WHEN r.channel = 'EMAIL' THEN r.email END,
               CASE WHEN r.channel = 'EMAIL' AND r.email IS NOT NULL THEN now() END
        FROM recipient r WHERE r.channel <> 'OFF'
        ON CONFLICT (sha_code, member_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
        RETURNING sha_code, member_id
    LOOP
        PERFORM pg_notify('notifications', json_build_object(
            'sha', told.sha_code, 'member', told.member_id::text, 'count', 1)::text);
    END LOOP;
    PERFORM pg_notify('cln_forum_posts', json_build_object(
        'sha', sha, 'post', post.id::text, 'thread', thread::text,
        'forum', t.forum_id::text, 'thread_sha', sha, 'forum_sha', sha)::text);
    RETURN post;
END
$$;
