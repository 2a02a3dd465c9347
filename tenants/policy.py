"""The one place that knows how tenant isolation is expressed in SQL.

Two forms, switched by `CLN_TENANCY_MODE`:

* ``postgres``: policies read the allowed SHA codes once per statement through an
  InitPlan (``(SELECT string_to_array(current_setting(...)))``) and the request
  sets them with ``set_config(name, value, true)`` in one round trip.
* ``citus``: Citus refuses subqueries in policies on distributed tables and does
  not forward ``set_config`` to workers, so the policy uses the bare form and the
  context is set with ``SET LOCAL`` of validated, quoted literals.

Reads and writes use separate settings, so a suspended SHA can be readable but
not writable, enforced by the database itself.

On Citus, the narrow cross-region functions (event registration and its waiting
list, check-in, the national flag, national forum replies, member erasure) cannot run
as the owner role: Citus opens connections per role, and a placement written over the
owner's connection cannot be read over the API role's in the same transaction (nor
the reverse). They run as the caller there, and a fifth policy, `tenant_definer`,
opens every SHA's rows to the API role while `app.definer` is 'on', which only those
functions set (and reset) for their own statements (migration 1501).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from foundation.settings import TenancyMode
from tenants.codes import validate_sha_code

READ_SETTING = "app.read_shas"
WRITE_SETTING = "app.write_shas"
ACTOR_SETTING = "app.actor"
DEFINER_SETTING = "app.definer"
POLICY_NAMES = ("tenant_read", "tenant_insert", "tenant_update", "tenant_delete")
DEFINER_POLICY = "tenant_definer"


def codes_expression(setting: str, mode: TenancyMode) -> str:
    bare = f"string_to_array(current_setting('{setting}', true), ',')"
    if mode == "citus":
        return bare
    return f"(SELECT {bare})::text[]"


def read_predicate(mode: TenancyMode, extra_read: str | None = None) -> str:
    own = f"sha_code = ANY ({codes_expression(READ_SETTING, mode)})"
    return f"({own}) OR ({extra_read})" if extra_read else own


def write_predicate(mode: TenancyMode) -> str:
    return f"sha_code = ANY ({codes_expression(WRITE_SETTING, mode)})"


def policy_ddl(
    qualified_table: str,
    api_role: str,
    mode: TenancyMode,
    *,
    extra_read: str | None = None,
) -> list[str]:
    """Statements that enable RLS on a tenant table and (re)create its policies."""
    read = read_predicate(mode, extra_read)
    write = write_predicate(mode)
    drops = [
        f"DROP POLICY IF EXISTS {name} ON {qualified_table}"
        for name in (*POLICY_NAMES, DEFINER_POLICY)
    ]
    definer = definer_policy_ddl(qualified_table, api_role) if mode == "citus" else []
    return [
        f"ALTER TABLE {qualified_table} ENABLE ROW LEVEL SECURITY",
        *drops,
        f"CREATE POLICY tenant_read ON {qualified_table} FOR SELECT TO {api_role} USING ({read})",
        f"CREATE POLICY tenant_insert ON {qualified_table} FOR INSERT TO {api_role} "
        f"WITH CHECK ({write})",
        f"CREATE POLICY tenant_update ON {qualified_table} FOR UPDATE TO {api_role} "
        f"USING ({write}) WITH CHECK ({write})",
        f"CREATE POLICY tenant_delete ON {qualified_table} FOR DELETE TO {api_role} "
        f"USING ({write})",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {qualified_table} TO {api_role}",
        *definer,
    ]


def definer_predicate() -> str:
    return f"coalesce(current_setting('{DEFINER_SETTING}', true), '') = 'on'"


def definer_policy_ddl(qualified_table: str, api_role: str) -> list[str]:
    """Citus only: every SHA's rows while a cross-region function runs (see the module
    docstring). Permissive, so it widens the tenant policies and narrows nothing."""
    flag = definer_predicate()
    return [
        f"DROP POLICY IF EXISTS {DEFINER_POLICY} ON {qualified_table}",
        f"CREATE POLICY {DEFINER_POLICY} ON {qualified_table} FOR ALL TO {api_role} "
        f"USING ({flag}) WITH CHECK ({flag})",
    ]


def _joined(codes: Iterable[str]) -> str:
    return ",".join(sorted(validate_sha_code(c) for c in codes))


def _quote_literal(value: str) -> str:
    """A standard SQL string literal. NUL cannot be stored in PostgreSQL text, and an
    actor name comes from a token's `sub`, so it is dropped rather than erroring."""
    return "'" + value.replace("\x00", "").replace("'", "''") + "'"


async def set_tenant_context(
    conn: AsyncConnection,
    *,
    read: Iterable[str],
    write: Iterable[str],
    actor: str,
    statement_timeout_ms: int,
    mode: TenancyMode,
) -> None:
    """Set the transaction's tenant context in one round trip, before anything else runs."""
    read_codes, write_codes = _joined(read), _joined(write)
    if mode == "citus":
        # The first statement goes through SQLAlchemy so the transaction has begun
        # (the driver starts it lazily); the rest go in one simple-protocol round trip.
        await conn.execute(text(f"SET LOCAL {READ_SETTING} = {_quote_literal(read_codes)}"))
        rest = "; ".join(
            [
                f"SET LOCAL {WRITE_SETTING} = {_quote_literal(write_codes)}",
                f"SET LOCAL {ACTOR_SETTING} = {_quote_literal(actor)}",
                f"SET LOCAL statement_timeout = {int(statement_timeout_ms)}",
            ]
        )
        raw: Any = await conn.get_raw_connection()
        await raw.driver_connection.execute(rest)
        return
    await conn.execute(
        text(
            "SELECT set_config(:read_name, :read, true), set_config(:write_name, :write, true),"
            " set_config(:actor_name, :actor, true), set_config('statement_timeout', :timeout, true)"
        ),
        {
            "read_name": READ_SETTING,
            "read": read_codes,
            "write_name": WRITE_SETTING,
            "write": write_codes,
            "actor_name": ACTOR_SETTING,
            "actor": actor,
            "timeout": str(int(statement_timeout_ms)),
        },
    )


def context_sql(
    *,
    read: Iterable[str],
    write: Iterable[str] = (),
    actor: str = "system",
    statement_timeout_ms: int | None = None,
    mode: TenancyMode,
) -> str:
    """The tenant context as statements to send inside an open transaction (simple
    protocol). Values are literals here: SHA codes are validated, the actor is quoted,
    the timeout is an int. Tools and tests that drive a raw connection use this, so
    the context reaches Citus workers exactly as the request path's does."""
    read_codes, write_codes = _joined(read), _joined(write)
    timeout = None if statement_timeout_ms is None else int(statement_timeout_ms)
    if mode == "citus":
        sets = [
            # the engines set it per session too; a raw connection may not have
            "SET LOCAL citus.propagate_set_commands = 'local'",
            f"SET LOCAL {READ_SETTING} = {_quote_literal(read_codes)}",
            f"SET LOCAL {WRITE_SETTING} = {_quote_literal(write_codes)}",
            f"SET LOCAL {ACTOR_SETTING} = {_quote_literal(actor)}",
        ]
        if timeout is not None:
            sets.append(f"SET LOCAL statement_timeout = {timeout}")
        return "; ".join(sets)
    configs = [
        f"set_config('{READ_SETTING}', {_quote_literal(read_codes)}, true)",
        f"set_config('{WRITE_SETTING}', {_quote_literal(write_codes)}, true)",
        f"set_config('{ACTOR_SETTING}', {_quote_literal(actor)}, true)",
    ]
    if timeout is not None:
        configs.append(f"set_config('statement_timeout', '{timeout}', true)")
    return "SELECT " + ", ".join(configs)


def begin_with_context_sql(
    *,
    read: Iterable[str],
    write: Iterable[str],
    actor: str,
    statement_timeout_ms: int,
    mode: TenancyMode,
) -> str:
    """`BEGIN` and the tenant context as one simple-protocol message: one round trip
    instead of two."""
    context = context_sql(
        read=read, write=write, actor=actor, statement_timeout_ms=statement_timeout_ms, mode=mode
    )
    return f"BEGIN; {context}"
