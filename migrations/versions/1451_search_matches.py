"""Full-text matches through the GIN indexes, under row-level security.

Revision ID: 1451
Revises: 1450
Create Date: 2026-12-07

`tsvector @@ tsquery` is not LEAKPROOF, so under RLS PostgreSQL may not use it as an
index condition ahead of the policy's own qual: every search of the API role read
its SHA's 50,000 members (and 20,000 posts) sequentially, ~90 ms at scale 1, and
the GIN indexes of migration 1000 were never used. `search_matches(kind, query)`
runs the match as the owner role, so the index serves it, and answers only keys
(sha_code, id) of rows in the SHAs the caller may read (`app.read_shas`, which the
RLS policies read too): nothing the API role could not select itself. The search
statement joins these keys back to the tables under RLS, where every other rule
(active members, hidden posts) still applies. One static query a kind, so each is
planned once per session. `ROWS 50`: a search box's words match tens of rows, not
the thousand PostgreSQL assumes of a function, which made it hash-join a whole
partition instead of looking the keys up.
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings

revision = "1451"
down_revision = "1450"
branch_labels = None
depends_on = None

SIGNATURE = "search_matches(text, tsquery)"
KINDS = ("members", "organisations", "forum_threads", "forum_posts")
# A national forum's threads and posts are read from every running SHA (migration 1400):
# their keys come back wherever they were written, and RLS decides on the join back.
_NATIONAL = "(t.sha_code = ANY (readable) OR t.forum_is_national)"
_REACH = {"forum_threads": _NATIONAL, "forum_posts": _NATIONAL}


def upgrade(settings: Settings) -> None:
    s, api = settings.db_schema, settings.api_role
    branches = "\n".join(
        f"""            {"IF" if i == 0 else "ELSIF"} p_kind = '{table}' THEN
                RETURN QUERY SELECT t.sha_code, t.id FROM {table} t
                 WHERE {_REACH.get(table, "t.sha_code = ANY (readable)")}
                   AND t.search @@ p_query;"""
        for i, table in enumerate(KINDS)
    )
    op.execute(
        f"""
        CREATE FUNCTION {s}.search_matches(p_kind text, p_query tsquery)
        RETURNS TABLE (sha_code text, id uuid)
        LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 50 SET search_path = {s}, pg_temp AS $$
        DECLARE
            readable text[] := string_to_array(current_setting('app.read_shas', true), ',');
        BEGIN
{branches}
            END IF;
        END $$
        """
    )
    op.execute(f"REVOKE ALL ON FUNCTION {s}.{SIGNATURE} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {s}.{SIGNATURE} TO {api}")


def downgrade(settings: Settings) -> None:
    op.execute(f"DROP FUNCTION {settings.db_schema}.{SIGNATURE}")
