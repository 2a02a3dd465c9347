"""Which fields the executor (schema/fastpath/executor.py) may complete by a short path, worked
out once per schema.

Three kinds, each with exactly the behaviour strawberry and graphql-core would give:

- `PlainLeaf`: a basic field (no resolver, extension or permission) or a synchronous
  `self`-only method, of a scalar or enum type (or a list of them): `getattr` plus
  the type's output coercion.
- `PlainObject`: a basic field or `self`-only method of an object type, or a list of
  non-null objects (a connection's `edges`, an edge's `node`): the value is read and
  its sub-selection executed straight away, without graphql-core's per-value type
  dispatch.
- `DirectResolver`: a resolver (a plain function or a coroutine function) taking
  `self`, optionally `info`, and arguments of the built-in scalar types, with no
  extension or permission (e.g. `Member.organisation`, `Member.networks(first:)`, a
  connection's `edges` and `nodes`): called directly, without strawberry's per-call
  argument conversion and extension chain, which for these arguments are
  identities; what it returns, once awaited, is completed as above (a leaf, e.g.
  `Member.email`, by its type's known coercion, as a `PlainLeaf`'s value is). One
  that reads only `info.context` (schema/fastpath/context_only.py) shares one `Info`
  per request; one of an interface (`node`) knows each implementation's shape by its
  class (`_runtime_shapes`).

A leaf's coercion is also known in advance for the runtime types it is usually given
(`str` for String and ID, dates for strawberry's date scalars, an enum's members):
one dict lookup by `type(value)` replaces the coercion call.
"""

from __future__ import annotations

import datetime as dt
import inspect
import operator
from collections.abc import Callable, Coroutine, Generator
from dataclasses import dataclass
from inspect import iscoroutinefunction
from typing import Any

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    is_leaf_type,
)
from graphql.type.scalars import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    serialize_boolean,
    serialize_id,
    serialize_int,
    serialize_string,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.schema.types.base_scalars import isoformat
from strawberry.types.info import Info

from schema.fastpath.context_only import reads_only_context
from schema.fastpath.datetime_text import datetime_text

DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF

# graphql-core's and strawberry's coercions of these raise on any other object
_STRICT_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID", "DateTime", "Date", "Time"})
# argument types whose strawberry conversion is the identity
_PLAIN_ARGUMENT_TYPES: dict[str, Any] = {
    "Int": int,
    "Float": float,
    "String": str,
    "Boolean": bool,
    "ID": strawberry.ID,  # a str, passed on as it is (not strawberry's GlobalID)
}


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """How to complete one plain leaf field of one object type."""

    read: Callable[[Any], Any]  # the attribute getter, or a self-only resolver
    leaf_type: GraphQLLeafType
    non_null: bool
    is_list: bool  # a list of non-null leaves, e.g. [MemberRole!]!
    field: GraphQLField
    # False for types whose coercion refuses anything but their own values (so an
    # awaitable cannot slip through as a value): no per-value awaitable check needed
    may_pass_awaitable: bool
    # runtime type -> what the type's coercion does to a value of exactly that type
    # (None: returns it unchanged), found by `type(value)` in one dict lookup: for a
    # list field's items (`item_exact`) and for the field's value (`exact`, empty for
    # a list field)
    item_exact: dict[type, Callable[[Any], Any] | None]
    exact: dict[type, Callable[[Any], Any] | None]
    # the attribute `read` gets, when it is a plain attribute (not a method): what a
    # compiled selection reads inline (schema/fastpath/compiled_leaves.py)
    attribute: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectShape:
    """An object type a field returns, alone or as a list of non-null items."""

    object_type: GraphQLObjectType
    non_null: bool
    is_list: bool
    # strawberry's own `is_type_of` (an isinstance check that ignores its info)
    is_type_of: Callable[[Any, Any], Any] | None
    # the Python class whose instances (not cast to another type) are of this type
    # and not awaitable, without a call: None when that is not known
    origin: type | None = None


@dataclass(frozen=True, slots=True)
class PlainObject:
    read: Callable[[Any], Any]
    shape: ObjectShape
    field: GraphQLField


@dataclass(frozen=True, slots=True)
class DirectResolver:
    func: Callable[..., Any]
    takes_self: bool
    is_async: bool  # returns an awaitable, completed once it is awaited
    info_name: str | None  # the resolver's `info` parameter, if it has one
    python_names: dict[str, str]  # GraphQL argument name -> Python parameter name
    strawberry_field: Any
    field: GraphQLField
    shape: ObjectShape | None  # when it returns objects, completed by the short path
    leaf: PlainLeaf | None = None  # when it returns leaves: their known coercions
    # a leaf returned at once, completed where it is called (the executor's
    # `_resolve_leaf`)
    sync_leaf: bool = False
    # a method of the object taking no GraphQL argument: `bare(source)`, or
    # `bare(source, info)` when it takes `info`, as strawberry would call it
    bare: Callable[..., Any] | None = None
    # a bare resolver that reads only `info.context` (schema/fastpath/context_only.py):
    # one `Info` serves every object of the request
    context_only: bool = False
    # a field of an interface (`node`): the shape of each implementation, by the class
    # strawberry's own `resolve_type` answers it for (`_runtime_shapes`)
    by_class: dict[type, ObjectShape] | None = None


FastField = PlainLeaf | PlainObject | DirectResolver


def _enum_names(type_: Any) -> dict[Any, str] | None:
    wrapped = getattr(type_, "wrapped_cls", None)
    if not isinstance(type_, GraphQLEnumType) or wrapped is None:
        return None
    return {m: name for name, v in type_.values.items() for m in wrapped if m.value == v.value}


_IDENTITY_COERCIONS: dict[Any, type] = {
    serialize_string: str,
    serialize_id: str,
    serialize_boolean: bool,
}


def int32(value: int) -> int:
    """graphql-core's `Int` coercion of a value whose type is exactly `int` (a bool's
    type is not): the value itself within 32 bits; outside, it raises, and the general
    path reports graphql-core's own error."""
    if GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT:
        return value
    raise OverflowError(value)


def _exact_coercions(type_: GraphQLLeafType) -> dict[type, Callable[[Any], Any] | None]:
    """The runtime types this leaf type coerces in a way known exactly: a built-in
    scalar's own type (unchanged; an `int` checked to fit 32 bits), strawberry's date and time scalars (`isoformat`, the
    very function they coerce with; for a datetime, `datetime_text`, which writes the
    same text), an enum's members (their names)."""
    if isinstance(type_, GraphQLEnumType):
        names = _enum_names(type_)
        wrapped = getattr(type_, "wrapped_cls", None)
        return {wrapped: names.__getitem__} if names and wrapped else {}
    coerce = getattr(type_, "coerce_output_value", None)
    if coerce is isoformat:
        return {dt.date: dt.date.isoformat, dt.datetime: datetime_text, dt.time: dt.time.isoformat}
    if coerce is serialize_int:
        return {int: int32}
    identity = _IDENTITY_COERCIONS.get(coerce)
    return {identity: None} if identity is not None else {}


def _plain_read(field: GraphQLField, strawberry_field: Any) -> Callable[[Any], Any] | None:
    """How to read a field that takes nothing but the object: its attribute, or its
    `self`-only method."""
    if field.args:
        return None
    if strawberry_field.base_resolver is None:
        basic = strawberry_field.is_basic_field and getattr(field.resolve, "_is_default", False)
        return operator.attrgetter(strawberry_field.python_name) if basic else None
    return _self_only_method(strawberry_field)


def _self_only_method(strawberry_field: Any) -> Callable[[Any], Any] | None:
    """A resolver that is a plain synchronous method of the object, taking nothing but
    `self` and carrying no permission or extension (e.g. `Edge.cursor`), is as cheap
    to call directly as an attribute is to read."""
    resolver = strawberry_field.base_resolver
    if (
        _resolver_is_wrapped(strawberry_field)
        or resolver.arguments
        or resolver.info_parameter is not None
        or resolver.self_parameter is None
    ):
        return None
    func: Callable[[Any], Any] = resolver.wrapped_func
    return func


def _resolver_is_wrapped(strawberry_field: Any, allow_async: bool = False) -> bool:
    resolver = strawberry_field.base_resolver
    return bool(
        strawberry_field.extensions
        or (resolver.is_async and not (allow_async and iscoroutinefunction(resolver.wrapped_func)))
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
        or isinstance(resolver.wrapped_func, staticmethod | classmethod)
    )


def _plain_leaf(
    field: GraphQLField, read: Callable[[Any], Any], attribute: str | None
) -> PlainLeaf | None:
    type_: Any = field.type
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
    exact = _exact_coercions(type_)
    return PlainLeaf(
        read,
        type_,
        non_null,
        is_list,
        field,
        not (isinstance(type_, GraphQLEnumType) or type_.name in _STRICT_SCALARS),
        exact,
        {} if is_list else exact,
        attribute,
    )


def _object_shape(type_: GraphQLOutputType) -> ObjectShape | None:
    non_null = isinstance(type_, GraphQLNonNull)
    inner: Any = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    is_list = isinstance(inner, GraphQLList)
    if is_list:
        if not isinstance(inner.of_type, GraphQLNonNull):
            return None
        inner = inner.of_type.of_type
    if not isinstance(inner, GraphQLObjectType):
        return None
    definition = (inner.extensions or {}).get(DEFINITION)
    if definition is None or definition.is_type_of is not None:
        return None  # a hand-written is_type_of may read its info: the normal path
    origin = definition.origin
    plain_origin = (
        origin
        if isinstance(origin, type) and not definition.concrete_of and not _may_be_awaitable(origin)
        else None
    )
    return ObjectShape(inner, non_null, is_list, inner.is_type_of, plain_origin)


def _runtime_shapes(
    type_: GraphQLOutputType, schema: GraphQLSchema
) -> dict[type, ObjectShape] | None:
    """For a field of one interface (not a list), each implementation's shape by its
    class. strawberry's `resolve_type` answers an object that is not cast and is an
    instance of the interface by its class's own definition, so an object of exactly
    one of these classes is of that type. None when the interface resolves its types
    itself."""
    non_null = isinstance(type_, GraphQLNonNull)
    inner: Any = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if not isinstance(inner, GraphQLInterfaceType):
        return None
    interface = (inner.extensions or {}).get(DEFINITION)
    if (
        interface is None
        or interface.resolve_type is not None
        or not isinstance(interface.origin, type)
    ):
        return None
    shapes: dict[type, ObjectShape] = {}
    for possible in schema.get_possible_types(inner):
        shape = _object_shape(GraphQLNonNull(possible) if non_null else possible)
        definition = (possible.extensions or {}).get(DEFINITION)
        origin = shape.origin if shape else None
        if (
            shape is None
            or origin is None
            or definition is None
            or definition.is_graphql_generic
            or not issubclass(origin, interface.origin)
            or getattr(origin, "__strawberry_definition__", None) is not definition
        ):
            continue
        shapes[origin] = shape
    return shapes or None


def _may_be_awaitable(kind: type) -> bool:
    """Whether an instance of `kind` could pass graphql-core's awaitable check."""
    return hasattr(kind, "__await__") or issubclass(kind, Coroutine | Generator)


def _direct_resolver(
    field: GraphQLField, strawberry_field: Any, info_class: type, schema: GraphQLSchema
) -> DirectResolver | None:
    resolver = strawberry_field.base_resolver
    if resolver is None or _resolver_is_wrapped(strawberry_field, allow_async=True):
        return None
    python_names: dict[str, str] = {}
    for name, argument in field.args.items():
        type_: Any = argument.type
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        strawberry_argument = (argument.extensions or {}).get(DEFINITION)
        plain = _PLAIN_ARGUMENT_TYPES.get(getattr(type_, "name", ""))
        if (
            strawberry_argument is None
            or not isinstance(type_, GraphQLScalarType)
            or plain is None
            or plain not in _annotation_types(strawberry_argument)
        ):
            return None
        python_names[name] = strawberry_argument.python_name
    info = resolver.info_parameter
    leaf = _plain_leaf(field, resolver.wrapped_func, None)
    bare = _bare(resolver, field)
    context_only = (
        bare is not None
        and info is not None
        and reads_only_context(resolver.wrapped_func, info.name, info_class)
    )
    return DirectResolver(
        resolver.wrapped_func,
        resolver.self_parameter is not None,
        resolver.is_async,
        info.name if info is not None else None,
        python_names,
        strawberry_field,
        field,
        _object_shape(field.type),
        leaf,
        sync_leaf=leaf is not None and not resolver.is_async,
        bare=bare,
        context_only=context_only,
        by_class=_runtime_shapes(field.type, schema),
    )


def _bare(resolver: Any, field: GraphQLField) -> Callable[..., Any] | None:
    """The resolver itself when strawberry calls it with the object and, at most, its
    `info`, in that order (`def email(self, info)`): no argument to convert."""
    if field.args or resolver.self_parameter is None:
        return None
    func = resolver.wrapped_func
    parameters = list(inspect.signature(func).parameters.values())
    expected = [resolver.self_parameter.name]
    if resolver.info_parameter is not None:
        expected.append(resolver.info_parameter.name)
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if [p.name for p in parameters] != expected or any(
        p.kind not in positional for p in parameters
    ):
        return None
    return func


def _annotation_types(argument: Any) -> set[Any]:
    """The plain Python types an argument is declared as (`int`, `int | None`)."""
    type_ = argument.type
    of_type = getattr(type_, "of_type", None)  # StrawberryOptional
    return {type_, of_type} - {None}


def _fast_field(
    field: GraphQLField, resolvers_ok: bool, info_class: type, schema: GraphQLSchema
) -> FastField | None:
    strawberry_field = (field.extensions or {}).get(DEFINITION)
    if strawberry_field is None or not (resolvers_ok or strawberry_field.base_resolver is None):
        return None
    read = _plain_read(field, strawberry_field)
    if read is not None:
        is_attribute = isinstance(read, operator.attrgetter)
        leaf = _plain_leaf(field, read, strawberry_field.python_name if is_attribute else None)
        if leaf is not None:
            return leaf
        shape = _object_shape(field.type)
        if shape is not None:
            return PlainObject(read, shape, field)
    return _direct_resolver(field, strawberry_field, info_class, schema)


def fast_fields(schema: GraphQLSchema) -> dict[str, dict[str, FastField]]:
    """Every field with a short path, by object type name and field name (built once).
    Field exception handlers (strawberry's `exception_handlers`) leave resolvers to
    strawberry."""
    strawberry_schema = getattr(schema, "_strawberry_schema", None)
    converter = getattr(strawberry_schema, "schema_converter", None)
    resolvers_ok = not getattr(converter, "_exception_handler_specs", None)
    info_class = strawberry_schema.config.info_class if strawberry_schema else Info
    found: dict[str, dict[str, FastField]] = {}
    for name, type_ in schema.type_map.items():
        if (
            not isinstance(type_, GraphQLObjectType)
            or name.startswith("__")
            or type_ is schema.subscription_type  # its fields are event streams
        ):
            continue
        fields = {
            f: fast
            for f, field in type_.fields.items()
            if (fast := _fast_field(field, resolvers_ok, info_class, schema))
        }
        if fields:
            found[name] = fields
    return found
