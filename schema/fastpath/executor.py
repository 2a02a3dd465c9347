"""An executor that completes the common fields of a page without graphql-core's
per-field machinery.

graphql-core runs every field through `execute_field`: a path object, a resolve-info
object, strawberry's resolver wrapper (argument conversion, the field-extension
chain), awaitable checks, `complete_value` and its type dispatch. For a page of
members that is most of the CPU. `schema/fastpath/fast_fields.py` finds, once per schema, the
fields where all of that reduces to something simpler (plain leaves, plain objects
and lists of them, direct resolvers); this executor runs those directly. A
selection's plain attribute leaves go further still: `schema/fastpath/compiled_leaves.py`
compiles them into one function per selection, and the plan loop fills in the rest.

Anything unusual (a null in a non-null field, a value the type cannot coerce, an
awaitable, a deferred fragment, an object of another type) goes on to graphql-core's
own completion with the value already read, and a failing read or resolver is
reported as graphql-core would report it: results and errors are the same either
way, and no attribute, method or resolver is called twice. Field middleware (an
extension's `resolve`) turns the short paths off, since it must see every field.
"""

from __future__ import annotations

from typing import Any, ClassVar

from graphql import ExecutionResult, GraphQLObjectType, GraphQLSchema
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined, gather_with_cancel
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE
from strawberry.types.info import Info

from schema.fastpath.compiled_leaves import TYPENAME, CompiledObject, CompiledSelections, Selection
from schema.fastpath.fast_fields import (
    DirectResolver,
    FastField,
    ObjectShape,
    PlainLeaf,
    fast_fields,
)
from schema.fastpath.shared_selections import SharedSelections

_MISSING: Any = object()
# a selection's fields in order: response name, short path (None: graphql-core's
# execute_field), the field's details as graphql-core collected them
_Plan = list[tuple[str, FastField | None, Any]]
# a selection's plan (None: graphql-core's execute_fields), its compiled leaves (None:
# the plan's loop does all) and the plan's other fields, with the selection itself so
# that its id is not reused while it is cached
_Selection = tuple[Any, _Plan | None, CompiledObject | None, _Plan]


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
    convert = leaf.item_exact.get(type(value), _MISSING)
    if convert is None:
        return value
    if convert is not _MISSING:
        try:
            return convert(value)
        except Exception:  # e.g. an enum member without a GraphQL name: the long way
            pass
    try:
        coerced = leaf.leaf_type.coerce_output_value(value)
    except Exception:  # the normal path reports it, with its location
        return _MISSING
    return _MISSING if coerced is None or coerced is Undefined else coerced


class LazyResolveInfo:
    """A direct resolver's resolve info: `context` at once, everything else read from
    graphql-core's info, built on first use. A relation resolver (a member's
    organisation, its networks) reads only `info.context`, and a directory page calls
    a hundred of them."""

    __slots__ = ("_arguments", "_built", "_executor", "context")

    def __init__(self, executor: Any, arguments: tuple[Any, ...]) -> None:
        self.context = executor.context_value
        self._executor = executor
        self._arguments = arguments  # (field, field_details_list, parent_type, path)
        self._built: Any = None

    def built(self) -> Any:
        if self._built is None:
            field, field_details_list, parent_type, path = self._arguments
            self._built = self._executor.build_resolve_info(
                field, [d.node for d in field_details_list], parent_type, path
            )
        return self._built

    def __getattr__(self, name: str) -> Any:  # any attribute but the ones in __slots__
        return getattr(self.built(), name)


class _ContextOnly:
    """The resolve info of a resolver that reads only `info.context`
    (schema/fastpath/context_only.py): the context, and nothing else to read."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


def _path(where: Any, parent_type: GraphQLObjectType) -> Path:
    """A field's path from its object's path and response name (`_resolve_leaf`)."""
    parent_path, response_name = where
    return Path(parent_path, response_name, parent_type.name)


def _typename(field_details_list: Any) -> str | None:
    return TYPENAME if field_details_list[0].node.name.value == TYPENAME else None


def _finished(*_args: Any) -> Any:
    raise RuntimeError("the operation has finished executing")


# what a finished executor holds in place of its async helpers
_FINISHED = GraphQLResolveInfoHelpers(gather=_finished, track=_finished)


class FastFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor with short paths for the fields `fast_fields` found;
    `for_schema` makes the subclass that knows one schema's fields."""

    fast: ClassVar[dict[str, dict[str, FastField]]] = {}
    info_class: ClassVar[type[Info]] = Info
    compiled: ClassVar[CompiledSelections] = CompiledSelections()
    shared: ClassVar[SharedSelections] = SharedSelections()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a direct resolver's Python arguments, per (field node, field): the same for
        # every object of a list, since variables are fixed for the operation
        self._arguments: dict[tuple[int, int], dict[str, Any]] = {}
        self._plans: dict[tuple[str, int], _Selection] = {}
        self._context_infos: dict[int, Any] = {}  # by id(spec): `_context_info`

    def build_response(self, data: dict[str, Any] | None) -> Any:
        """The response, and then the executor let go of its async helpers: they are
        bound methods of the executor, a cycle that held the whole request (context,
        loaders, rows, objects) until the collector ran, and the collector's walks
        over them were a measurable part of a page's CPU under concurrency
        (docs/benchmarks.md, round 10). Without it reference counting
        frees the request when it is done. An incremental result (@defer, @stream)
        keeps them, as its work goes on after this."""
        response = super().build_response(data)
        if isinstance(response, ExecutionResult):
            self.async_helpers = _FINISHED
        return response

    @classmethod
    def for_schema(cls, schema: GraphQLSchema) -> type[FastFieldExecutor]:
        strawberry_schema = getattr(schema, "_strawberry_schema", None)
        info_class = strawberry_schema.config.info_class if strawberry_schema else Info
        attributes = {
            "fast": fast_fields(schema),
            "info_class": info_class,
            "compiled": CompiledSelections(),
            "shared": SharedSelections(),
        }
        return type(cls.__name__, (cls,), attributes)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        _selection, plan, compiled, rest = self._plan(parent_type, grouped_field_set)
        if compiled is not None:
            try:
                results = compiled(source_value)
            except Exception:  # this object goes the general way
                results = None
            if results is not None:
                if not rest:
                    return results
                return self._execute_plan(
                    rest, parent_type, source_value, path, position_context, results
                )
        if plan is None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        return self._execute_plan(plan, parent_type, source_value, path, position_context, {})

    def _execute_plan(
        self,
        plan: _Plan,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        position_context: Any,
        results: dict[str, Any],
    ) -> Any:
        """The plan's fields into `results` (a compiled function's, for the fields it
        left, or an empty dict), awaitables gathered."""
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, spec, field_details_list in plan:
                if isinstance(spec, PlainLeaf):
                    # read once; coerce here, or hand that same value to graphql-core
                    try:
                        value = spec.read(source_value)
                    except Exception as raw_error:  # as strawberry's resolver would raise it
                        field_path = Path(path, response_name, parent_type.name)
                        self.handle_field_error(
                            raw_error, spec.field.type, field_details_list, field_path
                        )
                        results[response_name] = None
                        continue
                    if spec.exact.get(type(value), _MISSING) is None:
                        results[response_name] = value  # e.g. a str in a String field
                        continue
                    if not (spec.may_pass_awaitable and is_awaitable(value)):
                        completed = _complete(spec, value)
                        if completed is not _MISSING:
                            results[response_name] = completed  # never awaitable
                            continue
                    result = self._complete_normally(
                        spec.field,
                        parent_type,
                        value,
                        Path(path, response_name, parent_type.name),
                        field_details_list,
                        position_context,
                    )
                else:
                    field_path = Path(path, response_name, parent_type.name)
                    args = (parent_type, source_value, field_details_list, field_path)
                    if spec is None:
                        result = self.execute_field(*args, position_context)
                        if result is Undefined:
                            results.pop(response_name, None)  # a compiled place
                            continue
                    elif spec.__class__ is DirectResolver and spec.sync_leaf:
                        result = self._resolve_leaf(
                            spec,
                            parent_type,
                            source_value,
                            field_details_list,
                            field_path,
                            position_context,
                        )
                    else:
                        result = self._execute_fast(spec, *args, position_context)
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

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> _Selection:
        """Each field of a selection with its short path (or None), and the selection's
        compiled leaves (schema/fastpath/compiled_leaves.py) with the fields they leave: worked
        out once per selection and reused for every object of a list, and across
        requests for a shared selection (schema/fastpath/shared_selections.py). No plan when
        the type has no short path or field middleware must see every field."""
        key = (parent_type.name, id(grouped_field_set))
        cached = self._plans.get(key)
        if cached is not None and cached[0] is grouped_field_set:
            return cached
        middleware = self.middleware_manager
        plain = middleware is None or not middleware.middlewares
        if plain:
            cached = self.shared.plan(parent_type, grouped_field_set)
            if cached is not None:
                self._plans[key] = cached
                return cached
        fast = self.fast.get(parent_type.name)
        plan: _Plan | None = None
        compiled = None
        if fast and plain:
            plan = [
                (response_name, fast.get(details[0].node.name.value), details)
                for response_name, details in grouped_field_set.items()
            ]
            leaves: Selection = [
                (name, spec if isinstance(spec, PlainLeaf) else _typename(details))
                for name, spec, details in plan
            ]
            compiled = self.compiled.get(parent_type.name, leaves)
        selection = self._plans[key] = (
            grouped_field_set,
            plan,
            compiled.function if compiled else None,
            [plan[i] for i in compiled.rest] if plan and compiled else [],
        )
        if plain:
            self.shared.keep_plan(parent_type, grouped_field_set, selection)
        return selection

    def collect_subfields(self, return_type: GraphQLObjectType, field_details_list: Any) -> Any:
        """graphql-core's collected sub-fields (memoized for the request, as graphql-core
        does), kept across requests when no variable can change them
        (schema/fastpath/shared_selections.py)."""
        key = (return_type, id(field_details_list))
        memo = self._relevant_sub_fields
        cached = memo.get(key)
        if cached is not None:
            return cached[1]
        collected = self.shared.collected(return_type, field_details_list)
        if collected is None:
            collected = super().collect_subfields(return_type, field_details_list)
            self.shared.keep(return_type, field_details_list, collected, self.fragments)
        else:
            memo[key] = (field_details_list, collected)  # kept alive: its id is the key
        return collected

    def _execute_fast(
        self,
        spec: Any,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        field_path: Path,
        position_context: Any,
    ) -> Any:
        """A plain object field or a direct resolver: the value (awaited, for a coroutine
        function), then its completion (called with `execute_field`'s arguments)."""
        info: Any = None
        try:
            if isinstance(spec, DirectResolver):
                if spec.info_name is not None and not spec.context_only:
                    # else built only if completion needs it
                    info = LazyResolveInfo(
                        self, (spec.field, field_details_list, parent_type, field_path)
                    )
                value = self._call(spec, source, field_details_list, info)
            else:
                value = spec.read(source)
        except Exception as raw_error:  # as graphql-core reports a resolver's error
            self.handle_field_error(raw_error, spec.field.type, field_details_list, field_path)
            return None
        args = (spec, parent_type, field_details_list, field_path, position_context, info)
        if isinstance(spec, DirectResolver) and spec.is_async:
            return self._complete_awaited(value, *args)
        return self._complete_fast(value, *args)

    def _resolve_leaves(
        self,
        rest: _Plan,
        object_type: GraphQLObjectType,
        item: Any,
        item_path: Path,
        results: dict[str, Any],
    ) -> Any:
        """The fields an object's compiled leaves left, when each is a synchronous
        resolver of a leaf: `_execute_plan` without its dispatch on the kind of field."""
        awaiting: list[str] = []
        spec: Any
        try:
            for response_name, spec, details in rest:
                result = self._resolve_leaf(
                    spec, object_type, item, details, (item_path, response_name), None
                )
                results[response_name] = result
                if self.is_awaitable(result):  # only by graphql-core's completion
                    awaiting.append(response_name)
        except Exception:  # a null bubbling from a non-null field
            if awaiting:
                self.settle_in_background([results[f] for f in awaiting])
            raise
        return self._gather(results, awaiting) if awaiting else results

    def _resolve_leaf(
        self,
        spec: DirectResolver,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        where: Path | tuple[Path, str],
        position_context: Any,
    ) -> Any:
        """A synchronous resolver of a leaf (a member's e-mail behind its privacy check,
        once a row): `_execute_fast` and `_complete_fast` for that one case, without
        their dispatch on the kind of field. `where` is the field's path, or its
        object's path and response name, made into a path only when something reads
        it (an `info` that is more than its context, an error, graphql-core's
        completion)."""
        info: Any = None
        field_path: Any = where if where.__class__ is Path else None
        if spec.info_name is not None and not spec.context_only:
            field_path = field_path or _path(where, parent_type)
            info = LazyResolveInfo(self, (spec.field, field_details_list, parent_type, field_path))
        try:
            value = self._call(spec, source, field_details_list, info)
        except Exception as raw_error:  # as graphql-core reports a resolver's error
            field_path = field_path or _path(where, parent_type)
            self.handle_field_error(raw_error, spec.field.type, field_details_list, field_path)
            return None
        leaf: Any = spec.leaf
        if leaf.exact.get(type(value), _MISSING) is None:
            return value  # e.g. a str in a String field, as it is
        if not (leaf.may_pass_awaitable and self.is_awaitable(value)):
            completed = _complete(leaf, value)
            if completed is not _MISSING:
                return completed
        return self._complete_normally(
            spec.field,
            parent_type,
            value,
            field_path or _path(where, parent_type),
            field_details_list,
            position_context,
            info,
        )

    async def _complete_awaited(
        self,
        awaitable: Any,
        spec: Any,
        parent_type: GraphQLObjectType,
        field_details_list: Any,
        field_path: Path,
        position_context: Any,
        info: Any,
    ) -> Any:
        """A coroutine function's result, completed as `_complete_fast` would; an error
        it raises is reported as graphql-core reports an awaited resolver's error."""
        try:
            value = await awaitable
        except Exception as raw_error:
            self.handle_field_error(raw_error, spec.field.type, field_details_list, field_path)
            return None
        completed = self._complete_fast(
            value, spec, parent_type, field_details_list, field_path, position_context, info
        )
        return await completed if self.is_awaitable(completed) else completed

    def _complete_fast(
        self,
        value: Any,
        spec: Any,
        parent_type: GraphQLObjectType,
        field_details_list: Any,
        field_path: Path,
        position_context: Any,
        info: Any,
    ) -> Any:
        leaf: PlainLeaf | None = spec.leaf if isinstance(spec, DirectResolver) else None
        if leaf is not None and not (leaf.may_pass_awaitable and self.is_awaitable(value)):
            completed = _complete(leaf, value)
            if completed is not _MISSING:
                return completed  # e.g. a str in a String field: what graphql-core gives
        shape: ObjectShape | None = spec.shape
        if shape is None and spec.__class__ is DirectResolver and spec.by_class is not None:
            shape = spec.by_class.get(type(value))  # an interface's: the value's own type
        if (
            shape is not None
            and (
                completed := self._complete_objects(
                    shape, spec.field.type, value, field_details_list, field_path
                )
            )
            is not _MISSING
        ):
            return completed
        return self._complete_normally(
            spec.field, parent_type, value, field_path, field_details_list, position_context, info
        )

    def _call(self, spec: DirectResolver, source: Any, field_details_list: Any, info: Any) -> Any:
        """The resolver, called as strawberry would call it: the same `self`, `info` and
        (identity-converted) arguments; one taking none of them but `info` straight away
        (`DirectResolver.bare`)."""
        bare = spec.bare
        if bare is not None:
            if spec.info_name is None:
                return bare(source)
            if spec.context_only:
                return bare(source, self._context_info(spec))
            return bare(source, self.info_class(_raw_info=info, _field=spec.strawberry_field))
        details = field_details_list[0]
        key = (id(details.node), id(spec))
        cached = self._arguments.get(key)
        if cached is None:
            arguments = (
                get_argument_values(
                    spec.field,
                    details.node,
                    self.variable_values,
                    details.fragment_variable_values,
                    self.hide_suggestions,
                )
                if spec.python_names or details.node.arguments
                else {}
            )
            cached = {spec.python_names[name]: value for name, value in arguments.items()}
            if details.fragment_variable_values is None:
                self._arguments[key] = cached
        kwargs = dict(cached)
        if spec.info_name is not None:
            kwargs[spec.info_name] = self.info_class(_raw_info=info, _field=spec.strawberry_field)
        return spec.func(source, **kwargs) if spec.takes_self else spec.func(**kwargs)

    def _context_info(self, spec: DirectResolver) -> Any:
        """The one `Info` of this request for a resolver that reads only its context."""
        key = id(spec)
        info = self._context_infos.get(key)
        if info is None:
            raw: Any = _ContextOnly(self.context_value)
            info = self._context_infos[key] = self.info_class(
                _raw_info=raw, _field=spec.strawberry_field
            )
        return info

    def _complete_objects(
        self,
        shape: ObjectShape,
        return_type: Any,
        value: Any,
        field_details_list: Any,
        field_path: Path,
    ) -> Any:
        """An object, or a list of non-null objects, executed straight away; _MISSING
        (before anything ran) when graphql-core's completion must decide."""
        if value is None:
            return _MISSING if shape.non_null else None
        items = value if shape.is_list else (value,)
        if shape.is_list and not isinstance(value, list | tuple):
            return _MISSING
        is_awaitable = self.is_awaitable
        is_type_of = shape.is_type_of
        origin = shape.origin
        for item in items:
            if type(item) is origin and getattr(item, TYPE_CAST_ATTRIBUTE, None) is None:
                continue  # what is_type_of answers for it, and not awaitable (ObjectShape)
            if item is None or is_awaitable(item):
                return _MISSING
            if is_type_of is not None and not is_type_of(item, None):
                return _MISSING
        grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(
            shape.object_type, field_details_list
        )
        if new_defer_usages:
            return _MISSING
        object_type = shape.object_type
        # what execute_fields does for each object, with the selection's plan looked up
        # once for all of them: its compiled leaves, then the fields they left (none:
        # each object is that one call, without a path)
        _selection, plan, compiled, rest = self._plan(object_type, grouped_field_set)
        leaves_first = compiled if plan is not None else None
        resolved_leaves = leaves_first is not None and all(
            spec.__class__ is DirectResolver and spec.sync_leaf for _, spec, _ in rest
        )
        completed: list[Any] = []
        pending: list[int] = []
        try:
            for index, item in enumerate(items):
                results = None
                if leaves_first is not None:
                    try:
                        results = leaves_first(item)
                    except Exception:  # this object goes the plan's way
                        results = None
                    if results is not None and not rest:
                        completed.append(results)
                        continue
                item_path = Path(field_path, index, None) if shape.is_list else field_path
                if plan is None:
                    result = self.execute_fields(
                        object_type, item, item_path, grouped_field_set, None
                    )
                elif results is not None and resolved_leaves:
                    result = self._resolve_leaves(rest, object_type, item, item_path, results)
                elif results is not None:
                    result = self._execute_plan(rest, object_type, item, item_path, None, results)
                else:
                    result = self._execute_plan(plan, object_type, item, item_path, None, {})
                if is_awaitable(result):
                    pending.append(index)
                completed.append(result)
        except Exception as raw_error:
            if pending:
                self.settle_in_background([completed[i] for i in pending])
            self.handle_field_error(raw_error, return_type, field_details_list, field_path)
            return None
        if pending:
            return self._await_objects(
                shape, return_type, completed, pending, field_details_list, field_path
            )
        return completed if shape.is_list else completed[0]

    async def _await_objects(
        self,
        shape: ObjectShape,
        return_type: Any,
        completed: list[Any],
        pending: list[int],
        field_details_list: Any,
        field_path: Path,
    ) -> Any:
        try:
            if len(pending) == 1:
                completed[pending[0]] = await completed[pending[0]]
            else:
                awaited = await gather_with_cancel(*(completed[i] for i in pending))
                for index, result in zip(pending, awaited, strict=True):
                    completed[index] = result
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, field_path)
            return None
        return completed if shape.is_list else completed[0]

    def _complete_normally(
        self,
        field: Any,
        parent_type: GraphQLObjectType,
        value: Any,
        field_path: Path,
        field_details_list: Any,
        position_context: Any,
        info: Any = None,
    ) -> Any:
        """graphql-core's completion of a value already read (possibly awaitable): the
        usual located error for anything the short path would not complete."""
        return_type = field.type
        if info is None:
            info = self.build_resolve_info(
                field, [d.node for d in field_details_list], parent_type, field_path
            )
        # a LazyResolveInfo goes as it is: completing a leaf reads nothing of it, and
        # anything else graphql-core reads (a list's items, an abstract type's
        # resolve_type) builds it
        try:
            if self.is_awaitable(value):
                return self.complete_awaitable_value(
                    return_type, field_details_list, info, field_path, value, position_context
                )
            completed = self.complete_value(
                return_type, field_details_list, info, field_path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, field_path)
            return None
        if self.is_awaitable(completed):
            return self._await_completed(completed, return_type, field_details_list, field_path)
        return completed

    async def _await_completed(
        self, completed: Any, return_type: Any, field_details_list: Any, field_path: Path
    ) -> Any:
        try:
            return await completed
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
