"""Statements built once and run on the request's asyncpg connection directly.

Through SQLAlchemy's async engine every statement costs a greenlet hop, a compiled
cache lookup, an execution context and a cursor result (`python -m bench.db_overhead`,
docs/benchmarks.md). A statement
that is built once (a by-key lookup, a windowed relation) can be compiled once
instead: `prepared(statement)` keeps the SQL text, the order of its parameters and
their bind processors, and turns asyncpg's records into SQLAlchemy `Row`s with the
same keys. A statement whose columns need a result processor, or whose parameters
expand at execution (`IN` lists), is run by SQLAlchemy as before. SQLAlchemy's
`before_cursor_execute` listeners see prepared statements too (`TenantDB.rows`), so
statement logs and the tests' statement counts include them.
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


class Prepared:
    """A statement built once (e.g. in a `functools.cache` function), for
    `TenantDB.rows`: a SELECT (data-modifying CTEs included), or a statement that
    returns no rows (an INSERT without RETURNING, a `text()` write)."""

    __slots__ = ("_plans", "statement")

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[str, Plan | None] = {}

    def plan(self, dialect: Dialect) -> Plan | None:
        """The compiled plan, or None when SQLAlchemy must run the statement."""
        try:
            return self._plans[dialect.name]
        except KeyError:
            plan = self._plans[dialect.name] = _compile(self.statement, dialect)
            return plan


def prepared(statement: Executable) -> Prepared:
    return Prepared(statement)


def _compile(statement: Executable, dialect: Dialect) -> Plan | None:
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
