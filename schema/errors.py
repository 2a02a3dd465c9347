"""Which errors clients see verbatim, and what the others become.

Our own typed errors and GraphQL's own (parse, validation, limits) pass through.
Anything else (a bug, a database error) is masked: the client gets a fixed message
with an error id and `extensions.code`, never a stack trace or SQL; the same id is
on the log line that carries the traceback, so support can find it. A statement
that hit the database's statement timeout says so (code STATEMENT_TIMEOUT), and one
that needed a database node that is down (a Citus worker) says so too (code
SERVICE_UNAVAILABLE).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

log = logging.getLogger("clngraph.errors")
QUERY_CANCELED = "57014"  # PostgreSQL: statement timeout or cancel request
# Class 08, connection exception: on Citus, the coordinator could not reach the worker
# that holds the shards a statement needs (requests of SHAs on other workers still run)
CONNECTION_EXCEPTION_CLASS = "08"


def should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def _sqlstate(exc: BaseException | None) -> str | None:
    """The SQLSTATE of a database error, through SQLAlchemy's and asyncpg's wrappers."""
    while exc is not None:
        state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if isinstance(state, str):
            return state
        exc = getattr(exc, "orig", None) or exc.__cause__
    return None


class QuietClientErrors:
    """A schema mixin. strawberry logs every error of an operation at ERROR with a
    traceback. A client's own error (a typed error of ours, or GraphQL's: parse,
    validation, limits) is normal operation, so it gets one INFO line with its code and
    path instead. An unexpected error is still logged strawberry's way, and again by
    `mask_error` with the id the client sees."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        unexpected: list[GraphQLError] = []
        for error in errors:
            if should_mask(error):
                unexpected.append(error)
                continue
            code = (error.extensions or {}).get("code", "GRAPHQL_ERROR")
            path = ".".join(str(p) for p in error.path or [])
            log.info(
                "client error %s at %s: %s",
                code,
                path or "(operation)",
                error.message,
                extra={"code": code, "graphql_path": path},
            )
        if unexpected:
            super().process_errors(unexpected, execution_context)  # type: ignore[misc]


def new_error_id() -> str:
    return uuid.uuid4().hex[:16]


def mask_error(error: GraphQLError) -> GraphQLError:
    """The client's view of an unexpected error: a fixed message and an id that is
    also on the log line with the traceback."""
    error_id = new_error_id()
    original = error.original_error
    log.error(
        "error %s: %s in resolver at %s",
        error_id,
        type(original).__name__,
        ".".join(str(p) for p in error.path or []),
        exc_info=(type(original), original, original.__traceback__) if original else None,
        extra={"error_id": error_id},
    )
    state = _sqlstate(original)
    if state == QUERY_CANCELED:
        message, code = "The database statement timed out", "STATEMENT_TIMEOUT"
    elif state is not None and state.startswith(CONNECTION_EXCEPTION_CLASS):
        message, code = "A database node is unavailable; try again shortly", "SERVICE_UNAVAILABLE"
    else:
        message, code = "Internal server error", "INTERNAL_SERVER_ERROR"
    return GraphQLError(
        message=f"{message} (error id {error_id})",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={"code": code, "errorId": error_id},
    )


class MaskErrorsWithId(MaskErrors):
    """strawberry's MaskErrors, with an error id shared by the response and the log."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return mask_error(error)

    def _process_result(self, result: object) -> None:
        """strawberry's version checks `result` against a runtime Protocol, which
        walks the protocol's members on every request; `errors` is all it needs."""
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]
