-- PostGraphile's idiom for what its CRUD schema cannot express: SQL functions, exposed
-- as a computed column (members_networks_by_name) and as queries (bench_*). They run
-- as the caller (SECURITY INVOKER), so RLS applies exactly as to the peer's other SQL.
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
