"""A span per GraphQL operation, and the operation's name for the request metrics.

The name is the operation's own (`query MembersPage`), else `apq_<hash prefix>` for
a persisted operation sent by hash, else `anonymous`; `foundation.metrics` bounds it.
The span covers the whole operation (parsing, validation, execution and the commit),
so every statement of the request transaction is inside it; it comes right after
`PersistedQueries` in the extension list. With tracing off this costs a few
attribute reads; with it on, the span carries the operation name and type, the SHA
label and the caller kind (never a variable, a token or a member's data). Over a
WebSocket each operation is a span of the connection's trace; a subscription's span
lasts from `subscribe` to its end, with the statements of each event under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from foundation import metrics
from foundation.request_record import record_of
from foundation.tracing import active_tracer


def operation_name(execution: Any) -> str:
    name = execution.operation_name
    if name:
        return str(name)
    persisted = (execution.operation_extensions or {}).get("persistedQuery")
    if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
        return "apq_" + persisted["sha256Hash"][:16].lower()
    return "anonymous"


def _operation_type(execution: Any) -> str:
    try:
        return str(execution.operation_type.value)
    except Exception:  # not parsed, or no such operation: the request failed early
        return "unknown"


class ObserveOperation(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        ctx = execution.context
        sha = metrics.sha_label(ctx.scope.read)
        tracer = active_tracer()
        if tracer is None:
            yield
            self._record(sha)
            return
        with tracer.start_as_current_span("graphql operation") as span:
            try:
                yield
            finally:  # a subscription's generator is closed, not resumed, when it ends
                name = self._record(sha)
                span.update_name(f"graphql {name}")
                span.set_attributes(
                    {
                        "graphql.operation.name": metrics.operation_attribute(name),
                        "graphql.operation.type": _operation_type(execution),
                        "cln.sha": sha,
                        "cln.caller.kind": metrics.caller_label(ctx.principal),
                    }
                )

    def _record(self, sha: str) -> str:
        execution = self.execution_context
        name = operation_name(execution) if execution.graphql_document is not None else "-"
        record = record_of(execution.context.request.scope)
        if record is not None:
            record.operation, record.sha = name, sha
        return name
