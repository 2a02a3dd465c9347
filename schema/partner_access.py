"""Partner access by type, checked in one place before an operation runs.

At schema build time every object, interface and union type is given its area
(auth/areas.py); a type without one fails the build. For a partner's operation the
scopes it demands are collected from its selections (each fragment walked once per
type, as the limits are): every selected field demands the read scope of the area of
the type it is on and of the type it returns, plus the contact scope for personal
fields; a root field demands the read scope (Mutation: the write scope) of the domain
that defines it. An operation demanding a scope the token lacks, or touching a type
closed to partners, is refused with FORBIDDEN naming them, before any SQL. The same
check covers queries, mutations and subscriptions on every transport; `node`,
`nodes` and `_entities`, whose abstract result says nothing of the concrete type,
are also checked per id (resolvers/common/node.py).

Staff and anonymous callers are not checked here: their reach is role and region.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types.lazy_type import LazyType

from auth.areas import (
    NOT_PERSONAL,
    PERSONAL_FIELDS,
    PERSONAL_NAME,
    PUBLIC,
    Area,
    MissingArea,
    area_of,
)
from auth.principal import Principal

_COMPOSITE = (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)


def _type_area(graphql_type: Any) -> tuple[Area | None, str | None]:
    """The area of a composite type, and the module it was looked up by."""
    definition = graphql_type.extensions.get("strawberry-definition")
    if definition is None:
        return None, None
    # a specialised generic (MemberConnection, MemberEdge) belongs with its type argument
    for argument in (getattr(definition, "type_var_map", None) or {}).values():
        if isinstance(argument, LazyType):  # Connection[Annotated[..., lazy(...)]]
            argument = argument.resolve_type()
        inner = getattr(argument, "__strawberry_definition__", None)
        if inner is not None:
            return area_of(inner.name, argument.__module__), argument.__module__
    origin: str | None = getattr(getattr(definition, "origin", None), "__module__", None)
    return area_of(graphql_type.name, origin), origin


def _field_module(graphql_field: Any) -> str | None:
    strawberry_field = graphql_field.extensions.get("strawberry-definition")
    if strawberry_field is None:
        return None
    resolver = getattr(strawberry_field, "base_resolver", None)
    if resolver is not None:
        return str(resolver.wrapped_func.__module__)
    origin = getattr(strawberry_field, "origin", None)
    return getattr(origin, "__module__", None)


@dataclass
class TypeAreas:
    """The area of every composite type and root field of one schema."""

    types: dict[str, Area] = field(default_factory=dict)
    root_fields: dict[tuple[str, str], Area] = field(default_factory=dict)

    @classmethod
    def of(cls, schema: GraphQLSchema) -> TypeAreas:
        """Raises MissingArea naming every type and root field without an area."""
        result = cls()
        missing: list[str] = []
        roots = {
            t.name: t
            for t in (schema.query_type, schema.mutation_type, schema.subscription_type)
            if t is not None
        }
        for name, graphql_type in schema.type_map.items():
            if name.startswith("__") or not isinstance(graphql_type, _COMPOSITE):
                continue
            if name in roots or name == "_Service" or isinstance(graphql_type, GraphQLUnionType):
                # roots: per field below; unions: their members are checked where selected
                result.types[name] = PUBLIC
            else:
                area, module = _type_area(graphql_type)
                if area is None:
                    missing.append(f"type {name} ({module})")
                else:
                    result.types[name] = area
            if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
                for field_name in graphql_type.fields:
                    key = (name, field_name)
                    if PERSONAL_NAME.search(field_name) and not (
                        key in PERSONAL_FIELDS or key in NOT_PERSONAL
                    ):
                        missing.append(
                            f"field {name}.{field_name} looks personal: name it in"
                            " auth/areas.py PERSONAL_FIELDS or NOT_PERSONAL"
                        )
        for root in roots.values():
            for field_name, graphql_field in root.fields.items():
                module = _field_module(graphql_field)
                if field_name in ("_entities", "_service") or module is None:
                    area = PUBLIC if field_name.startswith("_") else None
                else:
                    area = area_of("", module)
                if area is None:
                    missing.append(f"field {root.name}.{field_name} ({module})")
                else:
                    result.root_fields[(root.name, field_name)] = area
        for key in PERSONAL_FIELDS:
            found = schema.type_map.get(key[0])
            if not isinstance(found, GraphQLObjectType) or key[1] not in found.fields:
                missing.append(f"PERSONAL_FIELDS names {key[0]}.{key[1]}, which does not exist")
        if missing:
            raise MissingArea(
                "every GraphQL type needs a scope area (auth/areas.py): " + "; ".join(missing)
            )
        return result


@dataclass(frozen=True)
class Demands:
    """What an operation asks of a partner token."""

    scopes: frozenset[str]
    closed: frozenset[str]  # types closed to partners that it selects


class _Walker:
    def __init__(self, schema: GraphQLSchema, areas: TypeAreas, document: DocumentNode) -> None:
        self.schema = schema
        self.areas = areas
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
        self.mutation_root = schema.mutation_type.name if schema.mutation_type else None

    def _demand(self, area: Area, scopes: set[str], closed: set[str], type_name: str) -> None:
        if area.closed:
            closed.add(type_name)
        elif area.read:
            scopes.add(area.read)

    def _type_area(
        self, graphql_type: GraphQLNamedType, scopes: set[str], closed: set[str]
    ) -> None:
        area = self.areas.types.get(graphql_type.name)
        if area is None:  # a scalar or an enum: its parent's area decides
            return
        self._demand(area, scopes, closed, graphql_type.name)

    def walk(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType
    ) -> tuple[set[str], set[str]]:
        scopes: set[str] = set()
        closed: set[str] = set()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__"):
                    continue
                self._field(selection, parent, scopes, closed)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                if target is not None and selection.selection_set is not None:
                    inner_scopes, inner_closed = self.walk(selection.selection_set, target)
                    scopes |= inner_scopes
                    closed |= inner_closed
            elif isinstance(selection, FragmentSpreadNode):
                inner_scopes, inner_closed = self.fragment(selection.name.value)
                scopes |= inner_scopes
                closed |= inner_closed
        return scopes, closed

    def _field(
        self, node: FieldNode, parent: GraphQLNamedType, scopes: set[str], closed: set[str]
    ) -> None:
        name = node.name.value
        root_area = self.areas.root_fields.get((parent.name, name))
        if root_area is not None:
            if parent.name == self.mutation_root:
                # deny by default: a mutation needs its area's write scope, and an area
                # without one (public content, staff settings...) is closed to partners
                if root_area.write is None:
                    closed.add(f"{parent.name}.{name}")
                else:
                    scopes.add(root_area.write)
            else:
                self._demand(root_area, scopes, closed, f"{parent.name}.{name}")
        else:
            self._type_area(parent, scopes, closed)
        personal = PERSONAL_FIELDS.get((parent.name, name))
        if personal:
            scopes.add(personal)
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        definition = parent.fields.get(name)
        if definition is None:
            return
        returned = get_named_type(definition.type)
        self._type_area(returned, scopes, closed)
        if node.selection_set is not None:
            inner_scopes, inner_closed = self.walk(node.selection_set, returned)
            scopes |= inner_scopes
            closed |= inner_closed

    def fragment(self, name: str) -> tuple[set[str], set[str]]:
        definition = self.fragments.get(name)
        if definition is None:
            return set(), set()
        target = self.schema.get_type(definition.type_condition.name.value)
        if target is None:
            return set(), set()
        key = (name, target.name)
        found = self._memo.get(key)
        if found is None:
            self._memo[key] = (set(), set())  # a cycle (refused by validation) adds nothing
            found = self.walk(definition.selection_set, target)
            self._memo[key] = found
        return found


def demands(
    schema: GraphQLSchema, areas: TypeAreas, document: DocumentNode, operation_name: str | None
) -> Demands:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return Demands(frozenset(), frozenset())
    root = schema.get_root_type(operation.operation)
    if root is None:
        return Demands(frozenset(), frozenset())
    scopes, closed = _Walker(schema, areas, document).walk(operation.selection_set, root)
    return Demands(frozenset(scopes), frozenset(closed))


class PartnerAccessError(GraphQLError):
    def __init__(self, missing: list[str], closed: list[str]) -> None:
        parts = []
        if missing:
            parts.append(f"scopes {', '.join(missing)}")
        if closed:
            parts.append(f"types closed to partners ({', '.join(closed)})")
        super().__init__(
            "This operation needs " + " and ".join(parts) + "; the token does not grant them",
            extensions={
                "code": "FORBIDDEN",
                "reason": "SCOPE_MISSING" if not closed else "STAFF_ONLY",
                "missingScopes": missing,
                "closedTypes": closed,
            },
        )


class PartnerAccessPolicy:
    """The areas of one schema (bound once it is built) and the demands of recent
    documents, by document identity (the parse cache hands back the same object for
    the same text)."""

    def __init__(self, maxsize: int = 512) -> None:
        self.schema: GraphQLSchema | None = None
        self.areas: TypeAreas | None = None
        self.maxsize = maxsize
        self._demands: OrderedDict[tuple[int, str | None], tuple[DocumentNode, Demands]] = (
            OrderedDict()
        )

    def bind(self, schema: GraphQLSchema) -> None:
        self.areas = TypeAreas.of(schema)
        self.schema = schema

    def demands(self, document: DocumentNode, operation_name: str | None) -> Demands:
        assert self.schema is not None and self.areas is not None, "bind the schema first"
        key = (id(document), operation_name)
        entry = self._demands.get(key)
        if entry is not None and entry[0] is document:
            self._demands.move_to_end(key)
            return entry[1]
        found = demands(self.schema, self.areas, document, operation_name)
        self._demands[key] = (document, found)
        if len(self._demands) > self.maxsize:
            self._demands.popitem(last=False)
        return found

    def refusal(
        self, principal: Principal | None, document: DocumentNode, operation_name: str | None
    ) -> PartnerAccessError | None:
        if principal is None or principal.kind != "partner":
            return None
        wanted = self.demands(document, operation_name)
        missing = sorted(wanted.scopes - principal.scopes)
        if missing or wanted.closed:
            return PartnerAccessError(missing, sorted(wanted.closed))
        return None


class PartnerAccess(SchemaExtension):
    """Runs once the document is validated (CheckedDocuments, listed before it, validates
    on entering the validation phase), before execution. The refusal is a
    pre-execution error, not an exception, so every transport answers it as one (over
    graphql-transport-ws an `error` message)."""

    def __init__(self, *, policy: PartnerAccessPolicy) -> None:
        self.policy = policy

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.pre_execution_errors == [] and ctx.graphql_document is not None:
            principal = getattr(ctx.context, "principal", None)
            refusal = self.policy.refusal(principal, ctx.graphql_document, ctx.operation_name)
            if refusal is not None:
                ctx.pre_execution_errors = [refusal]
        yield
