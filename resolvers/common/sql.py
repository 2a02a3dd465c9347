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

from sqlalchemy import ARRAY, any_, bindparam
from sqlalchemy.sql.elements import ColumnElement


def any_of(column: ColumnElement[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """`column = ANY(:values)`, the values bound now as one array."""
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def any_param(column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    """`column = ANY(:name)`, for statements built once and bound per execution."""
    return column == any_(bindparam(name, type_=ARRAY(column.type)))
