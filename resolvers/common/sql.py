"""SQL helpers for statements whose text must not depend on a list's length.

`column IN (...)` with a Python list is an *expanding* parameter in SQLAlchemy:
every execution re-renders the SQL for that many values (docs/benchmarks.md) and
every distinct length is a new statement to PostgreSQL.
`column = ANY($1)` binds the whole list as one array: the text is constant, so
SQLAlchemy's compiled cache and asyncpg's prepared statements are reused, and
PostgreSQL still prunes partitions on `sha_code = ANY(...)`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ARRAY, Table, Text, TypeDecorator, any_, bindparam, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement

from tenants.prepared import Prepared, prepared


def any_param(column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    """`column = ANY(:name)`, for statements built once and bound per execution."""
    return column == any_(bindparam(name, type_=ARRAY(column.type)))


def sha_param(column: ColumnElement[Any], name: str, *, single: bool) -> ColumnElement[bool]:
    """`sha_code = :name` when a batch is of one SHA, else `sha_code = ANY(:name)`.

    With `= ANY` PostgreSQL cannot prune the partitions of a table joined on
    `sha_code` while planning; with `=` it prunes both sides (docs/benchmarks.md). Callers
    keep one built statement per form and bind what `sha_binding` gives."""
    return column == bindparam(name) if single else any_param(column, name)


def sha_literals(column: ColumnElement[Any], codes: Iterable[str]) -> ColumnElement[bool]:
    """`sha_code IN ('Q30', 'Q31', ...)` with the codes written into the SQL.

    For national aggregates: the API pool runs generic plans, and a generic plan of
    `IN ($1, ..., $10)` cannot see which SHAs it covers, and the national dashboard was
    measurably slower so (docs/benchmarks.md, round 3, "Generic plans"). SHA codes are
    validated (`Q` and two digits) before they get here, and SQLAlchemy renders them as
    quoted literals."""
    return column.in_(bindparam(None, sorted(codes), expanding=True, literal_execute=True))


def sha_binding(keys: Iterable[tuple[Any, ...]]) -> tuple[bool, str | list[str]]:
    """For a batch of `(sha_code, ...)` keys: whether it is of one SHA, and what to bind
    to a `sha_param` built with that `single`."""
    shas = sorted({k[0] for k in keys})
    return (True, shas[0]) if len(shas) == 1 else (False, shas)


@functools.cache
def _by_key_statement(
    table: Table, key_col: str, single: bool, order_by: tuple[str, ...]
) -> Prepared:
    return prepared(
        select(table)
        .where(
            sha_param(table.c.sha_code, "shas", single=single), any_param(table.c[key_col], "ids")
        )
        .order_by(*[table.c[name] for name in order_by])
    )


def by_key(
    table: Table,
    keys: Sequence[tuple[str, Any]],
    *,
    key_col: str = "id",
    order_by: tuple[str, ...] = (),
) -> tuple[Prepared, dict[str, Any]]:
    """The rows of `table` whose `(sha_code, key_col)` is among `keys`, as a statement
    built once per table and form (`tenants.prepared`: compiled once, run on asyncpg
    directly), and its parameters. The SHA condition prunes partitions;
    `key_col = ANY(...)` picks the rows. Callers index the rows by
    `(sha_code, key_col)`, so only the keys asked for are answered:
    `rows = await db.rows(*by_key(table, keys))`."""
    single, shas = sha_binding(keys)
    statement = _by_key_statement(table, key_col, single, order_by)
    return statement, {"shas": shas, "ids": [k[1] for k in keys]}


class TextArray(TypeDecorator[list[str]]):
    """`text[]` read as asyncpg returns it, a list of str. SQLAlchemy's ARRAY walks
    every element of every row through `_apply_item_processor` to build the same list
    again, a visible part of a directory page's CPU (docs/benchmarks.md, round 3);
    text needs nothing.
    Comparisons (`contains`, `any_`) are ARRAY's own."""

    impl = postgresql.ARRAY(Text)
    cache_ok = True

    def result_processor(self, dialect: Any, coltype: object) -> None:
        return None


def contains_pattern(term: str) -> str:
    """A `LIKE`/`ILIKE` pattern matching `term` anywhere, lower-cased, its wildcards
    (`%`, `_`) and the escape character taken literally."""
    escaped = term.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
