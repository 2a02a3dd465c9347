"""A cost limit: refuse, before execution, an operation that could resolve too many fields.

Each selected field costs 1 for every time it may be resolved. A field with
`first`/`last` arguments (a Relay connection) resolves its selection up to that
many times (DEFAULT_PAGE_SIZE when neither is given); `ids: [...]` lists count
their length, as do `_entities(representations: [...])`. Nested connections multiply, so `members(first: 500) { edges {
node { ... } } }` inside another connection of 500 costs 250,000 times its
fields. `__typename` is free. Fragments on union members are summed (an upper
bound). A page size above MAX_PAGE_SIZE is refused here too, naming that limit.

A fragment's cost is linear in how many times it is resolved, so each fragment is
costed once per type it is spread on (at one resolution) and multiplied wherever it
is spread: the walk visits each selection of the text once, however the fragments
spread each other (schema/limits.py explains why that matters).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from resolvers.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

DEFAULT_MAX_COST = 25_000
# list arguments that say how many objects a field returns (`nodes(ids:)`, and the
# federation gateway's `_entities(representations:)`)
LIST_ARGUMENTS = ("ids", "representations")


class CostLimitExceeded(GraphQLError):
    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": "COST_LIMIT_EXCEEDED", **extensions})


class _Walker:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._fragment_costs: dict[tuple[str, str], int] = {}

    def fragment_cost(self, fragment: FragmentDefinitionNode, parent: GraphQLNamedType) -> int:
        """The cost of one resolution of `fragment` on `parent`, computed once (a cycle,
        which validation refuses, counts nothing)."""
        key = (fragment.name.value, parent.name)
        found = self._fragment_costs.get(key)
        if found is None:
            self._fragment_costs[key] = 0
            found = self.cost(fragment.selection_set, self._condition(fragment, parent), 1)
            self._fragment_costs[key] = found
        return found

    def _value(self, node: Any) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return list(node.values)
        return None

    def fanout(self, definition: GraphQLField, node: FieldNode) -> int:
        given = {a.name.value: self._value(a.value) for a in node.arguments or []}
        if "first" in definition.args or "last" in definition.args:
            size = given.get("first")
            if size is None:
                size = given.get("last")
            if not isinstance(size, int):
                return DEFAULT_PAGE_SIZE
            if size > MAX_PAGE_SIZE:
                raise CostLimitExceeded(
                    f"page size {size} on `{node.name.value}` exceeds the maximum page size "
                    f"of {MAX_PAGE_SIZE}",
                    limit="maxPageSize",
                    max=MAX_PAGE_SIZE,
                )
            return max(size, 0)
        for name in LIST_ARGUMENTS:
            values = given.get(name)
            if isinstance(values, list):
                return len(values)
        return 1

    def _field(self, parent: GraphQLNamedType, name: str) -> GraphQLField | None:
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return parent.fields.get(name)
        return None

    def _condition(self, node: Any, parent: GraphQLNamedType) -> GraphQLNamedType:
        condition = node.type_condition
        return self.schema.get_type(condition.name.value) or parent if condition else parent

    def cost(self, selection_set: SelectionSetNode, parent: GraphQLNamedType, times: int) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value == "__typename":
                    continue
                total += times
                definition = self._field(parent, selection.name.value)
                if definition is not None and selection.selection_set is not None:
                    child = get_named_type(definition.type)
                    fanout = self.fanout(definition, selection)
                    total += self.cost(selection.selection_set, child, times * fanout)
            elif isinstance(selection, InlineFragmentNode):
                total += self.cost(
                    selection.selection_set, self._condition(selection, parent), times
                )
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    total += times * self.fragment_cost(fragment, parent)
        return total


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _Walker(schema, document, variables or {}).cost(operation.selection_set, root, 1)


class CostLimiter(SchemaExtension):
    """Runs once the document is validated (CheckedDocuments, listed before it, validates
    on entering the validation phase) and before execution. A refusal is a
    pre-execution error, so every transport answers it as one."""

    def __init__(self, *, max_cost: int = DEFAULT_MAX_COST) -> None:
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.pre_execution_errors == [] and ctx.graphql_document is not None:
            try:
                self.check(ctx)
            except CostLimitExceeded as exc:
                ctx.pre_execution_errors = [exc]
        yield

    def check(self, ctx: Any) -> None:
        cost = operation_cost(
            ctx.schema.graphql_schema, ctx.graphql_document, ctx.operation_name, ctx.variables
        )
        if cost > self.max_cost:
            raise CostLimitExceeded(
                f"query cost {cost} exceeds the cost limit of {self.max_cost} "
                f"(each field counts once per item its lists may return: `first`/`last`, "
                f"{DEFAULT_PAGE_SIZE} when omitted)",
                limit="maxCost",
                cost=cost,
                max=self.max_cost,
            )
