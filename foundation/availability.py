"""Is this error the database being out of reach (down, restarting, refusing
connections) rather than a fault of the request or the code?

An outage is answered as one (`SERVICE_UNAVAILABLE`, HTTP 503 with `Retry-After`:
see docs/operations.md), so a client knows to retry later; anything else stays an
internal error. The test walks the exception's chain, since SQLAlchemy's asyncpg
adapter wraps the driver's error in its own (`raise ... from error`).
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
RETRY_AFTER_S = 1  # what a client is told to wait before retrying an outage

# SQLSTATEs of a server going away or not taking connections: class 08 (connection
# exception), admin/crash shutdown, starting up, too many connections
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})
_CONSUMING_ERROR = "another operation (2) is in progress"  # asyncpg's ERROR_CONSUME state
_CLOSED_MESSAGES = ("connection is closed", "connection was closed", "underlying connection")


class DatabaseUnavailable(Exception):
    """The database cannot be reached; raised where no driver error says so already
    (a registry with no snapshot to fall back on, say)."""


def is_unavailable(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DatabaseUnavailable | OSError | sa_exc.TimeoutError):
            return True  # refused, reset, timed out connecting; or the pool ran dry
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if isinstance(state, str) and (state.startswith("08") or state in _UNAVAILABLE_STATES):
            return True
        if type(error).__name__ in ("InterfaceError", "ConnectionDoesNotExistError") and any(
            m in str(error) for m in _CLOSED_MESSAGES
        ):
            return True
        if type(error).__name__ == "InternalClientError" and _CONSUMING_ERROR in str(error):
            # the server's FATAL (shutting down) reached an idle connection, which the
            # next statement finds still reading that error before the socket closes
            return True
        error = getattr(error, "orig", None) or error.__cause__
        seen += 1
    return False
