"""Which errors clients see verbatim, and what the others become.

Our own typed errors and GraphQL's own (parse, validation, limits) pass through.
Anything else (a bug, a database error) is masked: the client gets a fixed message
with an error id and `extensions.code`, never a stack trace or SQL; the same id is
on the log line that carries the traceback, so support can find it. A statement
that hit the database's statement timeout says so (code STATEMENT_TIMEOUT), and so
does a database out of reach (code SERVICE_UNAVAILABLE: retry later; the view
answers it with HTTP 503 and `Retry-After`); on Citus a worker that is down is
the same (a connection exception, SQLSTATE class 08).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from foundation.availability import SERVICE_UNAVAILABLE, is_unavailable

log = logging.getLogger("clngraph.errors")
QUERY_CANCELED = "57014"  # PostgreSQL: statement timeout or cancel request


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
    if is_unavailable(original):
        log.warning(
            "error %s: database unavailable (%s) at %s",
            error_id,
            type(original).__name__,
            ".".join(str(p) for p in error.path or []),
            extra={"error_id": error_id},
        )
        return _masked(
            error, "The service is unavailable; retry later", SERVICE_UNAVAILABLE, error_id
        )
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
    else:
        message, code = "Internal server error", "INTERNAL_SERVER_ERROR"
    return _masked(error, message, code, error_id)


def _masked(error: GraphQLError, message: str, code: str, error_id: str) -> GraphQLError:
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
