"""A span per GraphQL operation, and the operation's name for the request metrics.

The name is the operation's own (`query MembersPage`), else `apq_<hash prefix>` for
a persisted operation sent by hash, else `anonymous`; `clngraph.metrics` bounds it.
With tracing off this costs one dictionary lookup; with it on, the span carries the
operation name and type, the SHA label and the caller kind (never a variable, a token
or a member's data).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from clngraph import metrics
from clngraph.middleware.metrics import record_of
from clngraph.tracing import active_tracer


def operation_name(execution: Any) -> str:
    name = execution.operation_name
    if name:
        return str(name)
    persisted = (execution.operation_extensions or {}).get("persistedQuery")
    if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
        return "apq_" + persisted["sha256Hash"][:16].lower()
    return "anonymous"


class ObserveOperation(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        ctx = execution.context
        name = operation_name(execution)
        sha = metrics.sha_label(ctx.scope.read)
        record = record_of(ctx.request.scope)
        if record is not None:
            record.operation, record.sha = name, sha
        tracer = active_tracer()
        operation_type = execution.operation_type
        if tracer is None or operation_type is OperationType.SUBSCRIPTION:
            # a subscription's execution outlives the request context a span needs
            yield
            return
        attributes = {
            "graphql.operation.name": metrics.operation_label(name),
            "graphql.operation.type": getattr(operation_type, "value", str(operation_type)),
            "cln.sha": sha,
            "cln.caller.kind": metrics.caller_label(ctx.principal),
        }
        with tracer.start_as_current_span(f"graphql {name}", attributes=attributes):
            yield
