"""Metrics hooks on the engine and the authenticator, installed once per app.

The pool gauge is set from the pool's own count at each checkout and checkin (a
value, not a running sum, so it cannot drift); statement time is measured between
SQLAlchemy's cursor events (the prepared fast path in `tenants/transaction.py`
times its own statements). Token verifications are counted by outcome, never by
reason text.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from auth.authenticator import AuthenticationError, Authenticator
from foundation import metrics as m

_STARTED = "cln.statement_started"


def instrument_engine(engine: AsyncEngine) -> None:
    sync = engine.sync_engine
    pool: Any = sync.pool

    def checked_out(*_: Any) -> None:
        m.POOL_IN_USE.set(pool.checkedout())

    def checked_in(*_: Any) -> None:
        # the event fires before the connection is back in the pool
        m.POOL_IN_USE.set(max(0, pool.checkedout() - 1))

    def before(
        conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any
    ) -> None:
        if context is not None:  # the fast path announces its statements with no context
            context._cln_started = perf_counter()

    def after(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any) -> None:
        started = getattr(context, "_cln_started", None)
        if started is not None:
            m.STATEMENT_SECONDS.observe(perf_counter() - started)

    event.listen(sync, "checkout", checked_out)
    event.listen(sync, "checkin", checked_in)
    event.listen(sync, "before_cursor_execute", before)
    event.listen(sync, "after_cursor_execute", after)


class CountedAuthenticator:
    """Counts each verification's outcome, then answers as the wrapped authenticator."""

    def __init__(self, inner: Authenticator) -> None:
        self.inner = inner

    async def authenticate(self, token: str) -> Any:
        try:
            principal = await self.inner.authenticate(token)
        except AuthenticationError as exc:
            m.TOKEN_VERIFICATIONS.labels(m.token_outcome(exc.reason)).inc()
            raise
        m.TOKEN_VERIFICATIONS.labels("accepted").inc()
        return principal

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
