"""Persisted operations: Automatic Persisted Queries and per-client allow-lists.

APQ (Apollo's `extensions.persistedQuery = {version: 1, sha256Hash}`): a client
first sends only the hash; an unknown hash answers PersistedQueryNotFound
(code PERSISTED_QUERY_NOT_FOUND), the client retries with the query text and the
hash, which is checked and stored. The store is in memory, per process, bounded
(least recently used evicted), so a miss after a restart or on another process
only costs the client that one retry. A size of 0 turns APQ off: clients then get
PersistedQueryNotSupported (PERSISTED_QUERY_NOT_SUPPORTED) and stop sending hashes.

Allow-lists: a partner client (principal.kind == "partner") with operations
registered in `persisted_operations` (`cln-graph allow-operation`) may run only
those, identified by the sha256 of their exact text; anything else is FORBIDDEN.
It may also send just the hash of a registered operation. The list is read once
per partner request (one indexed statement on the API role's pool), so a change
applies at once on every process. Partners with no registered operation, and
users, are not restricted.

This extension must come first in the schema's extension list: it fills in the
query before parsing, and when it refuses, no other extension has started.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError
from sqlalchemy import text
from strawberry.extensions import SchemaExtension

from resolvers.common.context import Context

APQ_VERSION = 1


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


class MemoryAPQStore:
    """hash -> query text, least recently used evicted beyond `maxsize`."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[str, str] = OrderedDict()

    def get(self, digest: str) -> str | None:
        found = self._items.get(digest)
        if found is not None:
            self._items.move_to_end(digest)
        return found

    def put(self, digest: str, document: str) -> None:
        self._items[digest] = document
        self._items.move_to_end(digest)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)


def _error(message: str, code: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


async def allowed_operations(ctx: Context, client_id: str) -> dict[str, str]:
    """The registered operations of a partner client: sha256 -> document."""
    statement = text(
        f"SELECT sha256, document FROM {ctx.settings.db_schema}.persisted_operations "
        "WHERE client_id = :client_id"
    )
    async with ctx.engine.connect() as conn:
        rows = (await conn.execute(statement, {"client_id": client_id})).all()
    return {row.sha256: row.document for row in rows}


class PersistedQueries(SchemaExtension):
    def __init__(self, *, store: MemoryAPQStore | None) -> None:
        self.store = store

    async def on_operation(self) -> AsyncIterator[None]:
        await self._resolve()
        yield

    async def _resolve(self) -> None:
        execution = self.execution_context
        ctx: Context = execution.context
        principal = ctx.principal
        registered: dict[str, str] | None = None
        if principal is not None and principal.kind == "partner" and principal.client_id:
            registered = await allowed_operations(ctx, principal.client_id) or None

        requested = (execution.operation_extensions or {}).get("persistedQuery")
        if requested is not None:
            execution.query = self._apq(execution.query, requested, registered)
        if registered is not None and execution.query is not None:
            digest = sha256_hex(execution.query)
            if digest not in registered:
                raise _error(
                    f"client {principal.client_id!r} may run only its registered operations"  # type: ignore[union-attr]
                    f"; this one (sha256 {digest}) is not among them",
                    "FORBIDDEN",
                    reason="OPERATION_NOT_ALLOWED",
                    sha256Hash=digest,
                )

    def _apq(self, query: str | None, requested: Any, registered: dict[str, str] | None) -> str:
        if (
            not isinstance(requested, dict)
            or requested.get("version") != APQ_VERSION
            or not isinstance(requested.get("sha256Hash"), str)
        ):
            raise _error("persistedQuery needs version 1 and a sha256Hash string", "BAD_USER_INPUT")
        digest = requested["sha256Hash"].lower()
        if query is not None:
            if sha256_hex(query) != digest:
                raise _error("provided sha does not match query", "BAD_USER_INPUT")
            if self.store is not None:
                self.store.put(digest, query)
            return query
        found = (registered or {}).get(digest)
        if found is not None:
            return found
        if self.store is None:
            raise _error("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED")
        found = self.store.get(digest)
        if found is None:
            raise _error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        return found
