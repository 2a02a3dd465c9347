"""Run a mutation atomically and turn its failures into typed results.

Each mutation field runs inside a savepoint of the request transaction: on any
failure all of its writes (and its audit row) are undone, and nothing else is.
Database constraint violations map to the same typed errors as service checks,
so a race that slips past validation still never becomes a 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError

from resolvers.common.context import Context
from resolvers.common.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    NotAllowed,
    UserError,
    ValidationFailed,
    to_graphql_error,
)
from tenants.registry import RolloutStatus

T = TypeVar("T")


def _sqlstate(error: DBAPIError) -> str | None:
    orig: Any = error.orig
    for candidate in (orig, getattr(orig, "__cause__", None)):
        state = getattr(candidate, "sqlstate", None)
        if state:
            return str(state)
    return None


def domain_error_from_db(error: DBAPIError) -> DomainError | None:
    state = _sqlstate(error)
    if state == "23505":
        return Conflict("a record with the same key already exists")
    if state == "23503":
        return ValidationFailed([FieldProblem("input", "refers to a record that does not exist")])
    if state in ("23514", "23502", "22001", "22P02", "22007", "22008"):
        return ValidationFailed([FieldProblem("input", "a value is out of range or malformed")])
    if state == "42501":
        return NotAllowed("the database refused this change for your region")
    return None


def ensure_writable(ctx: Context, sha_code: str) -> None:
    """Refuse a write to a region outside the request's writable scope, saying why."""
    if sha_code in ctx.scope.write:
        return
    record = ctx.shas.get(sha_code)
    if record and sha_code in ctx.scope.read and record.status == RolloutStatus.SUSPENDED:
        raise NotAllowed(f"SHA {sha_code} is suspended: its data is read-only")
    if record and sha_code in ctx.scope.read and record.status == RolloutStatus.RETIRED:
        raise NotAllowed(f"SHA {sha_code} is retired: its data is read-only")
    raise NotAllowed(f"you may not change data of SHA {sha_code}")


async def run_mutation(ctx: Context, action: Callable[[], Awaitable[T]]) -> T | UserError:
    try:
        async with ctx.db.savepoint():
            return await action()
    except DomainError as error:
        return to_graphql_error(error)
    except DBAPIError as error:
        mapped = domain_error_from_db(error)
        if mapped is None:
            raise
        return to_graphql_error(mapped)
