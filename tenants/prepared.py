"""Statements built once, for the request transaction to run on its asyncpg connection.

Through SQLAlchemy's async engine every statement costs a greenlet hop, a compiled
cache lookup, an execution context and a cursor result (docs/benchmarks.md). A
statement that is built once (a by-key lookup, a windowed relation) can be compiled
once instead: `prepared(statement)` marks it so, and `TenantDB.rows` runs it on the
driver with the plan the installed compiler gives, its records turned into SQLAlchemy
`Row`s with the same keys. The compiler reads SQLAlchemy's private compiled attributes,
so it lives in the fast path (`schema/fastpath/prepared.py`) and is installed from
there (`use_compiler`); with none installed, or a statement it cannot plan (a result
processor, expanding `IN` parameters), SQLAlchemy runs the statement as any other.
SQLAlchemy's `before_cursor_execute` listeners see prepared statements too
(`TenantDB.rows`), so statement logs and the tests' statement counts include them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import Executable, Row
from sqlalchemy.engine import Dialect


class Plan(Protocol):
    """A statement compiled for one dialect's driver."""

    @property
    def sql(self) -> str: ...

    def arguments(self, params: Mapping[str, Any] | None) -> list[Any]: ...

    def rows(self, records: Sequence[Any]) -> Sequence[Row[Any]]: ...


Compiler = Callable[[Executable, Dialect], Plan | None]
_compiler: list[Compiler] = []  # the one installed, if any


def use_compiler(compiler: Compiler) -> None:
    """Install the compiler every `Prepared` statement is planned with (the fast path
    does, when a schema is built with it)."""
    _compiler[:] = [compiler]


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
            if not _compiler:
                return None  # nothing to remember: a compiler may be installed later
            plan = self._plans[dialect.name] = _compiler[0](self.statement, dialect)
            return plan


def prepared(statement: Executable) -> Prepared:
    return Prepared(statement)
