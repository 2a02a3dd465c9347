"""SQL helpers for statements whose text must not depend on a list's length.

`column IN (...)` with a Python list is an *expanding* parameter in SQLAlchemy:
every execution re-renders the SQL for that many values (profiled at ~0.5 ms for a
page of 50 keys) and every distinct length is a new statement to PostgreSQL.
`column = ANY($1)` binds the whole list as one array: the text is constant, so
SQLAlchemy's compiled cache and asyncpg's prepared statements are reused, and
PostgreSQL still prunes partitions on `sha_code = ANY(...)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ARRAY, Text, TypeDecorator, any_, bindparam
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement


def any_of(column: ColumnElement[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """`column = ANY(:values)`, the values bound now as one array."""
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def any_param(column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    """`column = ANY(:name)`, for statements built once and bound per execution."""
    return column == any_(bindparam(name, type_=ARRAY(column.type)))


def sha_param(column: ColumnElement[Any], name: str, *, single: bool) -> ColumnElement[bool]:
    """`sha_code = :name` when a batch is of one SHA, else `sha_code = ANY(:name)`.

    Measured on the node lookup: with `= ANY` PostgreSQL cannot prune the partitions
    of a table joined on `sha_code` while planning, and planning every organisation
    partition cost 0.6 ms a statement; with `=` it prunes both sides (0.2 ms). Callers
    keep one built statement per form and bind a string or a list accordingly."""
    return column == bindparam(name) if single else any_param(column, name)


def sha_literals(column: ColumnElement[Any], codes: Iterable[str]) -> ColumnElement[bool]:
    """`sha_code IN ('Q30', 'Q31', ...)` with the codes written into the SQL.

    For national aggregates: the API pool runs generic plans, and a generic plan of
    `IN ($1, ..., $10)` cannot see which SHAs it covers; the national dashboard was 30%
    slower so (measured). SHA codes are validated (`Q` and two digits) before they get
    here, and SQLAlchemy renders them as quoted literals."""
    return column.in_(bindparam(None, sorted(codes), expanding=True, literal_execute=True))


def sha_value(shas: list[str]) -> str | list[str]:
    """What to bind for a `sha_param` built with `single=len(shas) == 1`."""
    return shas[0] if len(shas) == 1 else shas


class TextArray(TypeDecorator[list[str]]):
    """`text[]` read as asyncpg returns it, a list of str. SQLAlchemy's ARRAY walks
    every element of every row through `_apply_item_processor` to build the same list
    again (a tenth of the directory page's CPU in the profile); text needs nothing.
    Comparisons (`contains`, `any_`) are ARRAY's own."""

    impl = postgresql.ARRAY(Text)
    cache_ok = True

    def result_processor(self, dialect: Any, coltype: object) -> None:
        return None
