"""An executor that completes plain leaf fields without graphql-core's per-field
machinery.

Most fields of a page are plain attributes (a member's name, an organisation's
code). graphql-core still runs each through `execute_field`: a path object, a
resolve-info object, strawberry's attribute-getter wrapper, awaitable checks,
`complete_value` and its type dispatch; about 9 µs a field, the largest cost of a
wide page. For a field that strawberry itself calls *basic* (no resolver, no field
extension, no permission) with no arguments and a scalar or enum type (or a list of
them), the answer is `getattr` plus the type's output coercion, so this executor
does exactly that; likewise for a synchronous resolver that takes only `self`.
Anything unusual (a null in a non-null field, a value the type cannot coerce, an
awaitable) goes on to graphql-core's own completion with the value already read, and
a failing read is reported as the resolver's error would be: results and errors are
the same either way, and no attribute or method is read twice.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    is_leaf_type,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

_MISSING = object()


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """How to complete one plain leaf field of one object type."""

    read: Callable[[Any], Any]  # the attribute getter, or a self-only resolver
    leaf_type: GraphQLLeafType
    non_null: bool
    is_list: bool  # a list of non-null leaves, e.g. [MemberRole!]!
    enum_names: dict[Any, str] | None  # Python enum member -> GraphQL name
    field: GraphQLField
    # False for types whose coercion refuses anything but their own values (so an
    # awaitable cannot slip through as a value): no per-value awaitable check needed
    may_pass_awaitable: bool


# graphql-core's and strawberry's coercions of these raise on any other object
_STRICT_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID", "DateTime", "Date", "Time"})


def _enum_names(type_: Any) -> dict[Any, str] | None:
    wrapped = getattr(type_, "wrapped_cls", None)
    if not isinstance(type_, GraphQLEnumType) or wrapped is None:
        return None
    return {m: name for name, v in type_.values.items() for m in wrapped if m.value == v.value}


def _plain_leaf(field: Any) -> PlainLeaf | None:
    if field.args:
        return None
    strawberry_field = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if strawberry_field is None:
        return None
    read: Callable[[Any], Any] | None
    if strawberry_field.base_resolver is None:
        basic = strawberry_field.is_basic_field and getattr(field.resolve, "_is_default", False)
        read = operator.attrgetter(strawberry_field.python_name) if basic else None
    else:
        read = _self_only_method(strawberry_field)
    if read is None:
        return None
    type_ = field.type
    non_null = isinstance(type_, GraphQLNonNull)
    if non_null:
        type_ = type_.of_type
    is_list = isinstance(type_, GraphQLList)
    if is_list:
        item = type_.of_type
        if not isinstance(item, GraphQLNonNull):
            return None
        type_ = item.of_type
    if not is_leaf_type(type_):
        return None
    return PlainLeaf(
        read,
        type_,
        non_null,
        is_list,
        _enum_names(type_),
        field,
        not (isinstance(type_, GraphQLEnumType) or type_.name in _STRICT_SCALARS),
    )


def _self_only_method(strawberry_field: Any) -> Callable[[Any], Any] | None:
    """A resolver that is a plain synchronous method of the object, taking nothing but
    `self` and carrying no permission or extension (e.g. `Edge.cursor`), is as cheap
    to call directly as an attribute is to read."""
    resolver = strawberry_field.base_resolver
    if (
        strawberry_field.extensions
        or resolver.is_async
        or resolver.arguments
        or resolver.info_parameter is not None
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
        or resolver.self_parameter is None
        or isinstance(resolver.wrapped_func, staticmethod | classmethod)
    ):
        return None
    func: Callable[[Any], Any] = resolver.wrapped_func
    return func


def plain_leaves(schema: GraphQLSchema) -> dict[str, dict[str, PlainLeaf]]:
    """Every plain leaf field, by object type name and field name (built once)."""
    found: dict[str, dict[str, PlainLeaf]] = {}
    for name, type_ in schema.type_map.items():
        if not isinstance(type_, GraphQLObjectType) or name.startswith("__"):
            continue
        leaves = {f: leaf for f, field in type_.fields.items() if (leaf := _plain_leaf(field))}
        if leaves:
            found[name] = leaves
    return found


def _complete(leaf: PlainLeaf, value: Any) -> Any:
    """The coerced value, or _MISSING when the normal path must decide."""
    if value is None:
        return _MISSING if leaf.non_null else None
    if leaf.is_list:
        if not isinstance(value, list | tuple):
            return _MISSING
        items = [_coerce(leaf, v) for v in value]
        return _MISSING if any(i is _MISSING for i in items) else items
    return _coerce(leaf, value)


def _coerce(leaf: PlainLeaf, value: Any) -> Any:
    if leaf.enum_names is not None:
        # a dict lookup instead of strawberry's scan of the enum's values
        name = leaf.enum_names.get(value, _MISSING) if isinstance(value, Enum) else _MISSING
        if name is not _MISSING:
            return name
    try:
        coerced = leaf.leaf_type.coerce_output_value(value)
    except Exception:  # the normal path reports it, with its location
        return _MISSING
    return _MISSING if coerced is None or coerced is Undefined else coerced


class PlainLeafExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor with a short path for plain leaf fields; `for_schema`
    makes the subclass that knows one schema's leaves."""

    leaves: ClassVar[dict[str, dict[str, PlainLeaf]]] = {}

    @classmethod
    def for_schema(cls, schema: GraphQLSchema) -> type[PlainLeafExecutor]:
        return type(cls.__name__, (cls,), {"leaves": plain_leaves(schema)})

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        plain = self.leaves.get(parent_type.name)
        middleware = self.middleware_manager
        if not plain or (middleware is not None and middleware.middlewares):
            # field middleware (an extension's `resolve`) must see every field
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                leaf = plain.get(field_details_list[0].node.name.value)
                if leaf is None:
                    result = self.execute_field(
                        parent_type,
                        source_value,
                        field_details_list,
                        Path(path, response_name, parent_type.name),
                        position_context,
                    )
                    if result is Undefined:
                        continue
                else:
                    # read once; coerce here, or hand that same value to graphql-core
                    try:
                        value = leaf.read(source_value)
                    except Exception as raw_error:  # as strawberry's resolver would raise it
                        field_path = Path(path, response_name, parent_type.name)
                        self.handle_field_error(
                            raw_error, leaf.field.type, field_details_list, field_path
                        )
                        results[response_name] = None
                        continue
                    if not (leaf.may_pass_awaitable and is_awaitable(value)):
                        completed = _complete(leaf, value)
                        if completed is not _MISSING:
                            results[response_name] = completed  # never awaitable
                            continue
                    result = self._complete_read_value(
                        leaf,
                        parent_type,
                        value,
                        Path(path, response_name, parent_type.name),
                        field_details_list,
                        position_context,
                    )
                results[response_name] = result
                if is_awaitable(result):
                    awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[f] for f in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._gather(results, awaitable_fields)

    def _complete_read_value(
        self,
        leaf: PlainLeaf,
        parent_type: GraphQLObjectType,
        value: Any,
        field_path: Path,
        field_details_list: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's completion of a value already read (possibly awaitable): the
        usual located error for anything the short path would not complete."""
        return_type = leaf.field.type
        info = self.build_resolve_info(
            leaf.field, [d.node for d in field_details_list], parent_type, field_path
        )
        try:
            if self.is_awaitable(value):
                return self.complete_awaitable_value(
                    return_type, field_details_list, info, field_path, value, position_context
                )
            return self.complete_value(
                return_type, field_details_list, info, field_path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, field_path)
            return None

    async def _gather(self, results: dict[str, Any], awaitable_fields: list[str]) -> Any:
        if len(awaitable_fields) == 1:
            field = awaitable_fields[0]
            results[field] = await results[field]
        else:
            awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
        return results
