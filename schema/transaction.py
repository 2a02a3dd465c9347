"""Ends the request transaction when an operation is done (HTTP or WebSocket).

Mutations run in savepoints, so the transaction commits whatever succeeded; an
exception that escapes execution rolls everything back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension


class FinishTransaction(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        db = self.execution_context.context.db
        try:
            yield
        except BaseException:
            await db.finish(commit=False)
            raise
        await db.finish(commit=True)
