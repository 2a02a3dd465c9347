"""Statements built once, compiled once for the asyncpg driver (`tenants.prepared`).

`TenantDB.rows` runs a `Prepared` statement on the request's asyncpg connection when
this compiler gave it a plan: the SQL text, the order of its parameters and their bind
processors, and the keys of its rows. Getting them from SQLAlchemy's compiled form
takes its private attributes (`_result_columns`, `_bind_processors`, `positiontup`, a
type's `_cached_result_processor`), so the compiler lives here and is installed into
`tenants.prepared` with the fast path; without it (`CLN_FAST_PATH=0`, or before any
fast-path schema is built) every statement runs through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, Row, Select, TextualSelect
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlalchemy.exc import InvalidRequestError


@dataclass(frozen=True, slots=True)
class Plan:
    """The compiled form of one prepared statement for one dialect."""

    sql: str
    names: tuple[str, ...]  # positional parameter names, in order
    defaults: Mapping[str, Any]  # values bound into the statement itself
    processors: tuple[Callable[[Any], Any] | None, ...]
    metadata: SimpleResultMetaData

    def arguments(self, params: Mapping[str, Any] | None) -> list[Any]:
        """The positional arguments, as SQLAlchemy would bind them."""
        values = {**self.defaults, **params} if params else self.defaults
        missing = [name for name in self.names if name not in values]
        if missing:
            raise InvalidRequestError(f"A value is required for bind parameter {missing[0]!r}")
        return [
            value if process is None else process(value)
            for value, process in zip(
                (values[name] for name in self.names), self.processors, strict=True
            )
        ]

    def rows(self, records: Sequence[Any]) -> Sequence[Row[Any]]:
        result: Any = IteratorResult(self.metadata, iter(records))
        rows: Sequence[Row[Any]] = result.all()
        return rows


def compile_plan(statement: Executable, dialect: Dialect) -> Plan | None:
    """The plan to run `statement` on the driver, or None when SQLAlchemy must run it:
    another driver, parameters that expand at execution (`IN` lists), columns whose
    values SQLAlchemy processes, or rows whose keys only its cursor result knows."""
    if dialect.driver != "asyncpg":
        return None
    compiled: Any = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None  # expanding parameters change the SQL text per execution
    if any(_processes_results(column[3], dialect) for column in compiled._result_columns):
        return None
    if isinstance(statement, Select | TextualSelect):  # text(...).columns(...) too
        keys = list(statement.selected_columns.keys())
    elif compiled._result_columns or getattr(compiled, "returning", None):
        return None  # rows whose keys only SQLAlchemy's cursor result knows
    else:
        keys = []
    if len(keys) != len(compiled._result_columns) or len(set(keys)) != len(keys):
        return None
    names = tuple(compiled.positiontup or ())
    bind_processors = compiled._bind_processors
    return Plan(
        sql=compiled.string,
        names=names,
        defaults={
            name: bind.effective_value
            for name, bind in compiled.binds.items()
            if name in names and not bind.required
        },
        processors=tuple(bind_processors.get(name) for name in names),
        metadata=SimpleResultMetaData(keys),
    )


def _processes_results(type_: Any, dialect: Dialect) -> bool:
    """Whether SQLAlchemy turns this column's values into something else (a type whose
    processor depends on the column's database type counts as processing)."""
    try:
        return type_._cached_result_processor(dialect, None) is not None
    except Exception:
        return True
