"""On Citus, the cross-region functions run as the caller (nothing on PostgreSQL).

Revision ID: 1501
Revises: 1500
Create Date: 2026-12-07

The SECURITY DEFINER functions that write or read across regions (event registration,
cancellation and the waiting list, check-in, the national flag, the promotion notice,
national forum replies and author names, member erasure) run as the owner role. Citus
opens its connections to the workers per role, and refuses to read a placement over
the API role's connection once the owner's connection has written it in the same
transaction, or the reverse ("cannot perform query on placements that were modified
in this transaction by a different user"): a registration followed by the mutation's
payload, or a forum post followed by `forum_national_reply`, failed.

On Citus each such function `f` becomes `f_body` (the same code, SECURITY INVOKER) and
a new `f` with the same signature sets `app.definer` to 'on' (SET LOCAL, which Citus
sends to the workers), calls `f_body`, and sets it back. The `tenant_definer` policy
(tenants/policy.py) opens every SHA's rows to the API role while the flag is on,
as the owner's bypass of RLS did: the bodies, and their checks of the caller's
writable SHAs, are unchanged. The tables the API role could not write at all stay
so outside these functions: the audit log gets the UPDATE grant that
`audit_erase_member` needs, and event registrations the INSERT and UPDATE grants of
the event functions, with their `tenant_insert`/`tenant_update` policies asking for
the flag too.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from foundation.settings import Settings
from tenants.policy import definer_policy_ddl, definer_predicate, write_predicate

revision = "1501"
down_revision = "1500"
branch_labels = None
depends_on = None

FUNCTIONS = (
    "event_fill(text, uuid)",
    "event_register(text, uuid, text, uuid)",
    "event_cancel(text, uuid)",
    "event_settle(text, uuid)",
    "event_set_national(text, uuid, boolean)",
    "event_waitlist_positions(text[], uuid[])",
    "event_check_in(text, uuid, text)",
    "notify_waitlist_promoted(text, uuid)",
    "forum_national_reply(text, uuid, timestamptz, text, uuid, text, uuid, text, text, text)",
    "forum_author_names(text[], uuid[])",
    "audit_erase_member(text, uuid)",
)

# Tables the API role writes only through these functions (0002, 0300 revoke the
# grants): on Citus it gets them, and the policies ask for `app.definer` as well.
DEFINER_ONLY = {"audit_log": ("UPDATE",), "event_registrations": ("INSERT", "UPDATE")}

_TENANT_PARENTS = """
SELECT c.relname FROM pg_dist_partition d
JOIN pg_class c ON c.oid = d.logicalrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND d.partmethod = 'h' AND NOT c.relispartition
ORDER BY c.relname
"""

_SIGNATURE = """
SELECT pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result, p.proretset AS returns_set,
       p.pronargs AS count
FROM pg_proc p WHERE p.oid = CAST(:signature AS regprocedure)
"""


def _policy(s: str, api: str, table: str, command: str, predicate: str) -> None:
    name = f"tenant_{command.lower()}"
    using = "" if command == "INSERT" else f" USING ({predicate})"
    op.execute(f"DROP POLICY {name} ON {s}.{table}")
    op.execute(
        f"CREATE POLICY {name} ON {s}.{table} FOR {command} TO {api}{using}"
        f" WITH CHECK ({predicate})"
    )


def _name(signature: str) -> str:
    return signature.split("(", 1)[0]


def _as_caller(s: str, api: str, signature: str) -> None:
    name = _name(signature)
    found = (
        op.get_bind().execute(text(_SIGNATURE), {"signature": f"{s}.{signature}"}).mappings().one()
    )
    body_signature = f"{name}_body({signature.split('(', 1)[1]}"
    op.execute(f"ALTER FUNCTION {s}.{signature} RENAME TO {name}_body")
    op.execute(f"ALTER FUNCTION {s}.{body_signature} SECURITY INVOKER")
    arguments = ", ".join(f"${i}" for i in range(1, found["count"] + 1))
    call = f"{s}.{name}_body({arguments})"
    result = found["result"]
    declare = ""
    if found["returns_set"]:
        run, back = f"RETURN QUERY SELECT * FROM {call};", "RETURN;"
    elif result == "void":
        run, back = f"PERFORM {call};", "RETURN;"
    else:
        declare = f"cln_result {result};"
        run, back = f"cln_result := {call};", "RETURN cln_result;"
    # `app.definer` by SET LOCAL (Citus sends it to every worker connection of the
    # transaction, and to those opened later), never by set_config (not sent).
    op.execute(
        f"""
        CREATE FUNCTION {s}.{name}({found["arguments"]}) RETURNS {result}
        LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = {s}, pg_temp AS $$
        DECLARE
            cln_was text := coalesce(current_setting('app.definer', true), '');
            {declare}
        BEGIN
            EXECUTE 'SET LOCAL app.definer = ''on''';
            {run}
            EXECUTE format('SET LOCAL app.definer = %L', cln_was);
            {back}
        END $$
        """
    )
    for fn in (signature, body_signature):
        op.execute(f"REVOKE ALL ON FUNCTION {s}.{fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {s}.{fn} TO {api}")


def _as_owner(s: str, api: str, signature: str) -> None:
    name = _name(signature)
    body_signature = f"{name}_body({signature.split('(', 1)[1]}"
    op.execute(f"DROP FUNCTION {s}.{signature}")
    op.execute(f"ALTER FUNCTION {s}.{body_signature} RENAME TO {name}")
    op.execute(f"ALTER FUNCTION {s}.{signature} SECURITY DEFINER")
    if name == "event_fill":  # called only by the other event functions
        op.execute(f"REVOKE ALL ON FUNCTION {s}.{signature} FROM {api}")


def upgrade(settings: Settings) -> None:
    if settings.tenancy_mode != "citus":
        return
    s, api = settings.db_schema, settings.api_role
    tables = op.get_bind().execute(text(_TENANT_PARENTS), {"schema": s}).scalars().all()
    for table in tables:
        for statement in definer_policy_ddl(f"{s}.{table}", api):
            op.execute(statement)
    for table, commands in DEFINER_ONLY.items():
        for command in commands:
            _policy(
                s, api, table, command, f"({write_predicate('citus')}) AND {definer_predicate()}"
            )
            op.execute(f"GRANT {command} ON {s}.{table} TO {api}")
    for signature in FUNCTIONS:
        _as_caller(s, api, signature)


def downgrade(settings: Settings) -> None:
    if settings.tenancy_mode != "citus":
        return
    s, api = settings.db_schema, settings.api_role
    for signature in reversed(FUNCTIONS):
        _as_owner(s, api, signature)
    for table, commands in DEFINER_ONLY.items():
        for command in commands:
            op.execute(f"REVOKE {command} ON {s}.{table} FROM {api}")
            _policy(s, api, table, command, write_predicate("citus"))
    tables = op.get_bind().execute(text(_TENANT_PARENTS), {"schema": s}).scalars().all()
    for table in tables:
        op.execute(f"DROP POLICY IF EXISTS tenant_definer ON {s}.{table}")
