"""Record every cross-region read by a national or partner caller.

After a query that returned data, if the caller is national or a partner and the
SHAs it reached are more than one, or not its home, one row goes into
`cross_region_reads` in the same transaction (one INSERT). The SHAs recorded are
the request's read scope narrowed by any `shas:` argument of the root fields,
so a national lead asking for `members(shas: [Q31, Q36])` is recorded as
reading Q31 and Q36. Operations that read no tenant table (nothing but the
registry, front-end settings or this log itself) are not recorded.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

from graphql import (
    FieldNode,
    OperationDefinitionNode,
    OperationType,
    get_argument_values,
    get_variable_values,
)
from sqlalchemy import bindparam, insert
from sqlalchemy.exc import DBAPIError
from strawberry.extensions import SchemaExtension

from auth.principal import Principal
from resolvers.common.context import Context
from resolvers.national.tables import cross_region_reads
from tenants.prepared import prepared
from tenants.transaction import TransactionAborted

log = logging.getLogger(__name__)

_RECORDED = (
    "actor",
    "principal_kind",
    "home_sha",
    "shas",
    "operation_name",
    "root_fields",
    "request_id",
)
# built once: compiled once and run on the request's connection as a prepared statement
# (`inline`: no RETURNING of the generated id, which nothing reads)
_RECORD = prepared(insert(cross_region_reads).values({c: bindparam(c) for c in _RECORDED}).inline())

# Root fields that read no tenant rows. `shas` is not among them: its counts are
# figures of every region in reach, so a national caller reading them is audited.
NON_TENANT_ROOT_FIELDS = frozenset(
    {
        "__typename",
        "__schema",
        "__type",
        "viewer",
        "sha",
        "shaFrontEnd",
        "shaFrontEnds",
        "crossRegionReads",
    }
)


def crosses_regions(principal: Principal | None, shas: Iterable[str]) -> bool:
    if principal is None or not (principal.kind == "partner" or principal.is_national):
        return False
    reached = set(shas)
    if not reached:
        return False
    return len(reached) > 1 or principal.home_sha not in reached


def _operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    for definition in getattr(document, "definitions", []):
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name and definition.name.value == name)
        ):
            return definition
    return None


def reached_shas(
    ctx: Context, schema: Any, operation: OperationDefinitionNode, variables: Any
) -> tuple[set[str], list[str]]:
    """(SHAs the root fields could read, names of those root fields)."""
    query_type = schema.query_type
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return set(ctx.scope.read), ["..."]
    reached: set[str] = set()
    fields: list[str] = []
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            return set(ctx.scope.read), ["..."]
        name = selection.name.value
        if name in NON_TENANT_ROOT_FIELDS:
            continue
        fields.append(name)
        definition = query_type.fields.get(name)
        wanted = None
        if definition is not None and "shas" in definition.args:
            wanted = get_argument_values(definition, selection, coerced).get("shas")
        codes = {str(c).upper() for c in wanted} if wanted else set(ctx.scope.read)
        reached |= codes & ctx.scope.read
    return reached, fields


class CrossRegionReadAudit(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        ec = self.execution_context
        ctx: Context = ec.context
        result = ec.result
        if result is None or result.data is None or not ctx.db.begun:
            return
        if not (ctx.principal and (ctx.principal.kind == "partner" or ctx.principal.is_national)):
            return
        operation = _operation(ec.graphql_document, ec.operation_name)
        if operation is None or operation.operation != OperationType.QUERY:
            return
        schema: Any = ec.schema  # the service's schema (schema/build.py: CoreSchema)
        shas, fields = reached_shas(ctx, schema.graphql_schema, operation, ec.variables or {})
        if not fields or not crosses_regions(ctx.principal, shas):
            return
        try:
            await ctx.db.rows(
                _RECORD,
                {
                    "actor": ctx.principal.audit_name,
                    "principal_kind": ctx.principal.kind,
                    "home_sha": ctx.principal.home_sha,
                    "shas": sorted(shas),
                    "operation_name": ec.operation_name,
                    "root_fields": fields,
                    "request_id": ctx.request_id or None,
                },
            )
        except (DBAPIError, TransactionAborted):
            # Only an already-failed transaction gets here; nothing of it commits.
            log.warning("cross-region read not recorded", exc_info=True)
