"""One database transaction per request, with the tenant context set before anything else.

The connection is opened lazily (a request that touches no tenant data costs
nothing) and shared by every resolver and DataLoader of the request. Loader
batches run concurrently, so each statement holds a lock: one connection is
never used by two coroutines at once.

A mutation's savepoint costs no round trip of its own: the first one opens the
transaction in the same message as `BEGIN` and the tenant context, and a released
savepoint's `RELEASE` waits for the next message on the connection (the next
savepoint, statement or the `COMMIT`), since nothing can run between the two
(`tests/test_round_trips.py`; docs/benchmarks.md, round 6).

No statement outlives its transaction. A statement, once sent, runs to its end even
when the coroutine that sent it is cancelled (a sibling field failed, a loader batch
lost its callers): the cancellation is delivered when the statement is over, so the
connection is never left mid-protocol ("another operation is in progress") and never
discarded for it. `finish` takes the same lock as the statements, so COMMIT waits for
the one in flight, and a statement that comes after `finish` is refused
(`TransactionFinished`) instead of opening a transaction nobody would end.

Live updates are announced after the commit, not in the transaction: PostgreSQL
serialises the commits of transactions that sent NOTIFY (a database-wide lock held past
the WAL flush), so writes that notified could not share a flush. `announce` queues a
NOTIFY; once COMMIT has succeeded, the queue goes out in one statement of its own that
does not wait for a flush. A rolled-back savepoint drops what it queued; a rolled-back
transaction sends nothing (docs/architecture.md, "Live updates").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from time import perf_counter
from typing import Any

from sqlalchemy import Executable, Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from foundation.metrics import POOL_WAITING, STATEMENT_SECONDS
from foundation.settings import TenancyMode
from tenants.connections import PooledConnections
from tenants.policy import begin_with_context_sql
from tenants.prepared import Prepared
from tenants.scope import TenantScope
from tenants.to_the_end import run_to_the_end

log = logging.getLogger("tenants.transaction")

# The NOTIFYs of a committed transaction, in one implicit transaction whose commit does
# not wait for the WAL flush (a crash loses the wake-up, which subscribers survive: they
# re-read from their `since`; it never loses the write).
ANNOUNCE = (
    "SELECT set_config('synchronous_commit', 'off', true),"
    " count(pg_notify(channel, payload))"
    " FROM unnest(CAST($1 AS text[]), CAST($2 AS text[])) AS announced(channel, payload)"
)


class TransactionFinished(RuntimeError):
    """A statement came after the request transaction ended (a cancelled sibling's)."""


class TransactionAborted(RuntimeError):
    """A statement came after an earlier one failed outside any savepoint, so the
    server would refuse it ("current transaction is aborted"). Raised from that
    earlier error, whose SQLSTATE the error masking reads: the fields after a
    statement timeout say STATEMENT_TIMEOUT too, not INTERNAL_SERVER_ERROR."""


class TenantDB:
    """The request's transaction; services use it and never commit themselves."""

    def __init__(
        self,
        engine: AsyncEngine,
        scope: TenantScope,
        *,
        actor: str,
        statement_timeout_ms: int,
        mode: TenancyMode,
        connections: PooledConnections | None = None,
        prepared: bool = True,
    ) -> None:
        self.engine = engine
        # run `Prepared` statements on the driver directly (the fast path,
        # schema/fastpath/); False runs them through SQLAlchemy like any other
        self.prepared = prepared
        self.connections = connections if connections is not None else PooledConnections(engine)
        self.scope = scope
        self.actor = actor
        self.statement_timeout_ms = statement_timeout_ms
        self.mode = mode
        self._conn: AsyncConnection | None = None
        self._adapter: Any = None  # SQLAlchemy's adapter of the asyncpg connection
        self._driver: Any = None  # the asyncpg connection under self._conn
        self._savepoints = 0
        self._releases: list[str] = []  # RELEASE SAVEPOINTs not sent yet
        self._lock = asyncio.Lock()
        self._finished = False
        self._depth = 0  # savepoints open
        self._failed: BaseException | None = None  # what aborted the transaction
        self._announcements: list[tuple[str, str]] = []  # NOTIFYs sent after COMMIT

    def announce(self, channel: str, payload: str) -> None:
        """Queue a NOTIFY, sent once this transaction has committed (never if it rolls
        back, nor if the savepoint around it does)."""
        self._announcements.append((channel, payload))

    @property
    def begun(self) -> bool:
        """Whether the transaction has begun (a statement has run or is running)."""
        return self._conn is not None

    async def _connection(self, then: str = "") -> AsyncConnection:
        """The request's connection, its transaction begun with the tenant context (and
        `then`, a control statement, in the same message) when it is first needed."""
        if self._conn is None:
            begin = begin_with_context_sql(
                read=self.scope.read,
                write=self.scope.write,
                actor=self.actor,
                statement_timeout_ms=self.statement_timeout_ms,
                mode=self.mode,
            )
            POOL_WAITING.inc()
            try:
                conn = await self.connections.take()
            finally:
                POOL_WAITING.dec()
            try:
                self._adapter, self._driver = await _begin_with_context(
                    conn, f"{begin}; {then}" if then else begin
                )
            except BaseException as error:  # a cancelled loader batch, say
                await self.connections.give_back(conn, interrupted=not isinstance(error, Exception))
                raise
            self._conn = conn
        return self._conn

    async def rows(
        self, statement: Executable | Prepared, params: Mapping[str, Any] | None = None
    ) -> Sequence[Row[Any]]:
        async with self._lock:
            self._check_open()
            try:
                return await run_to_the_end(self._rows(statement, params))
            except Exception as error:
                if _from_the_server(error):  # a driver's own refusal aborts nothing
                    self._failed = error
                raise

    def _check_open(self) -> None:
        if self._finished:
            raise TransactionFinished("the request transaction has ended")
        if self._failed is not None and self._depth == 0:
            raise TransactionAborted("an earlier statement of this request failed") from (
                self._failed
            )

    async def _rows(
        self, statement: Executable | Prepared, params: Mapping[str, Any] | None
    ) -> Sequence[Row[Any]]:
        """One statement, the lock held."""
        if isinstance(statement, Prepared):
            plan = statement.plan(self.engine.dialect) if self.prepared else None
            if plan is not None:
                arguments = plan.arguments(params)
                conn = await self._connection()
                await self._send_releases()
                _tell_listeners(self.engine, conn, plan.sql, arguments)
                started = perf_counter()
                try:
                    records = await self._driver.fetch(plan.sql, *arguments)
                except Exception as error:
                    raise self._as_sqlalchemy_error(error, plan.sql, arguments) from error
                finally:
                    STATEMENT_SECONDS.observe(perf_counter() - started)
                return plan.rows(records)
            statement = statement.statement
        conn = await self._connection()
        await self._send_releases()
        result = await conn.execute(statement, params)
        return result.all() if result.returns_rows else []

    async def first(
        self, statement: Executable | Prepared, params: Mapping[str, Any] | None = None
    ) -> Row[Any] | None:
        found = await self.rows(statement, params)
        return found[0] if found else None

    async def scalar(
        self, statement: Executable | Prepared, params: Mapping[str, Any] | None = None
    ) -> Any:
        row = await self.first(statement, params)
        return None if row is None else row[0]

    def _as_sqlalchemy_error(self, error: Exception, sql: str, arguments: list[Any]) -> Exception:
        """The exception SQLAlchemy would have raised for this driver error (an
        IntegrityError with its SQLSTATE, say), so callers handle one kind."""
        dialect = self.engine.dialect
        dbapi_error_class = dialect.loaded_dbapi.Error
        try:
            self._adapter._handle_exception(error)  # raises the adapter's DB-API error
        except dbapi_error_class as dbapi_error:
            return DBAPIError.instance(
                sql, tuple(arguments), dbapi_error, dbapi_error_class, dialect=dialect
            )
        except Exception as other:
            return other
        return error  # pragma: no cover (the adapter always raises)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Run a mutation so that a failure undoes all of it and nothing else. The
        savepoint is set and ended on the asyncpg connection (announced like any
        statement); SQLAlchemy needs no part in it."""
        self._savepoints += 1
        name = f"cln_savepoint_{self._savepoints}"
        await self._control(f"SAVEPOINT {name}")
        self._depth += 1
        announced = len(self._announcements)
        try:
            yield
        except BaseException:
            self._depth -= 1
            del self._announcements[announced:]
            await self._control(f"ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}")
            self._failed = None  # the rollback ended whatever failed inside
            raise
        else:
            self._depth -= 1
            release = f"RELEASE SAVEPOINT {name}"
            assert self._conn is not None
            _tell_listeners(self.engine, self._conn, release, [])  # counted where it is issued
            self._releases.append(release)

    async def _control(self, sql: str) -> None:
        """A savepoint statement, in one message with `BEGIN` when it opens the
        transaction, or else with the releases still waiting."""
        async with self._lock:
            if self._finished:  # a savepoint's rollback still goes after a failure
                raise TransactionFinished("the request transaction has ended")
            await run_to_the_end(self._control_locked(sql))

    async def _control_locked(self, sql: str) -> None:
        if self._conn is None:
            conn = await self._connection(then=sql)
            _tell_listeners(self.engine, conn, sql, [])
            return
        _tell_listeners(self.engine, self._conn, sql, [])
        await self._send("; ".join([*self._take_releases(), sql]))

    async def _send_releases(self) -> None:
        """Before a statement: the releases still waiting (one round trip, as each
        release cost before they waited)."""
        if self._releases:
            await self._send("; ".join(self._take_releases()))

    def _take_releases(self) -> list[str]:
        releases, self._releases = self._releases, []
        return releases

    async def _send(self, sql: str) -> None:
        try:
            await self._driver.execute(sql)
        except Exception as error:
            raise self._as_sqlalchemy_error(error, sql, []) from error

    async def finish(self, *, commit: bool) -> None:
        """End the transaction; called once by the view when the operation is done.
        COMMIT or ROLLBACK goes to the asyncpg connection directly: SQLAlchemy's own
        transaction (begun on its first statement, if any) is bookkeeping only, and
        closing the connection finds nothing left to end. It waits for the statement in
        flight, if any; later ones are refused."""
        async with self._lock:
            self._finished = True
            await run_to_the_end(self._finish(commit=commit))

    async def _finish(self, *, commit: bool) -> None:
        conn, adapter, driver = self._conn, self._adapter, self._driver
        self._conn = self._adapter = self._driver = None
        releases = self._take_releases()  # a ROLLBACK ends them all without a word
        announcements, self._announcements = self._announcements, []
        if conn is None:
            return
        try:
            if isinstance(adapter._transaction, _DriverTransaction):
                async with adapter._execute_mutex:
                    adapter._transaction = None
                    if commit and releases:
                        await _commit_after(driver, releases)
                    else:
                        await driver.execute("COMMIT" if commit else "ROLLBACK")
                    if commit and announcements:
                        _tell_listeners(self.engine, conn, ANNOUNCE, [])
                        await _send_announcements(driver, announcements)
        except BaseException as error:
            await self.connections.give_back(conn, interrupted=not isinstance(error, Exception))
            raise
        await self.connections.give_back(conn, interrupted=False)


def _from_the_server(error: BaseException | None) -> bool:
    """Whether PostgreSQL itself raised this (it has a SQLSTATE), which aborts the
    transaction; an argument the driver refused to encode never reached the server."""
    while error is not None:
        if isinstance(getattr(error, "sqlstate", None), str):
            return True
        error = getattr(error, "orig", None) or error.__cause__
    return False


async def _commit_after(driver: Any, releases: list[str]) -> None:
    """`RELEASE ...; COMMIT` in one message. Should a release fail, PostgreSQL skips
    the rest of the message and the transaction is still open: it is rolled back
    before the connection goes back to the pool."""
    try:
        await driver.execute("; ".join([*releases, "COMMIT"]))
    except Exception:  # on cancellation the connection is discarded instead (give_back)
        if not driver.is_closed() and driver.is_in_transaction():
            await driver.execute("ROLLBACK")
        raise


async def _send_announcements(driver: Any, announcements: list[tuple[str, str]]) -> None:
    """The NOTIFYs of a transaction that has committed. Its write stands whatever
    happens here, so a failure (the notification queue full, say) is logged, not
    raised: the caller is told of the write it made."""
    channels, payloads = zip(*announcements, strict=True)
    try:
        await driver.execute(ANNOUNCE, list(channels), list(payloads))
    except Exception as error:
        log.warning("live announcement not sent: %s", type(error).__name__)


def _tell_listeners(
    engine: AsyncEngine, conn: AsyncConnection, sql: str, arguments: list[Any]
) -> None:
    """SQLAlchemy's `before_cursor_execute` listeners (statement logs and counts) see a
    prepared statement as they see the ones SQLAlchemy runs (no cursor, no context)."""
    dispatch = engine.sync_engine.dispatch
    if dispatch.before_cursor_execute:
        dispatch.before_cursor_execute(
            conn.sync_connection, None, sql, tuple(arguments), None, False
        )


class _DriverTransaction:
    """Ends a transaction begun by hand on the asyncpg connection; SQLAlchemy's asyncpg
    adapter calls `commit()`/`rollback()` on it as on the asyncpg transaction it would
    otherwise have started itself with a separate `BEGIN` round trip."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    async def commit(self) -> None:
        await self.driver.execute("COMMIT")

    async def rollback(self) -> None:
        await self.driver.execute("ROLLBACK")


async def _begin_with_context(conn: AsyncConnection, sql: str) -> tuple[Any, Any]:
    """Send `BEGIN; <tenant context>` in one message and hand the open transaction to
    SQLAlchemy's adapter, so its first statement does not send another `BEGIN`;
    returns the adapter and the asyncpg connection."""
    sync = conn.sync_connection  # checked out already: reading it needs no I/O
    assert sync is not None
    raw: Any = sync.connection
    adapter = raw.dbapi_connection
    if getattr(adapter, "_transaction", False) is not None:
        raise RuntimeError("the asyncpg adapter of this SQLAlchemy version is not supported")
    async with adapter._execute_mutex:
        await raw.driver_connection.execute(sql)
        adapter._transaction = _DriverTransaction(raw.driver_connection)
    return adapter, raw.driver_connection


@asynccontextmanager
async def tenant_transaction(
    engine: AsyncEngine,
    scope: TenantScope,
    *,
    actor: str,
    statement_timeout_ms: int,
    mode: TenancyMode,
    prepared: bool = True,
) -> AsyncIterator[TenantDB]:
    """A short transaction outside a GraphQL operation (subscriptions, CLI, tests);
    `prepared` as in `TenantDB` (the service passes `settings.fast_path`)."""
    db = TenantDB(
        engine,
        scope,
        actor=actor,
        statement_timeout_ms=statement_timeout_ms,
        mode=mode,
        prepared=prepared,
    )
    try:
        yield db
    except BaseException:
        await db.finish(commit=False)
        raise
    else:
        await db.finish(commit=True)
