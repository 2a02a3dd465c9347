"""A selection's plain leaves compiled to one Python function, kept across requests.

A page's rows are mostly plain leaves (`members { nodes { id givenName ... } }`). The
executor's plan loop (schema/fastpath/executor.py) still pays, per field of every row, a plan
step, a type dispatch and a dict lookup for the coercion. A function written for
exactly the leaves of one selection does the same work inline: each value is read
once, checked against the one runtime type whose coercion is known, converted, and
put in the result dict. The selection's other fields (objects, resolvers, methods)
keep their places in that dict, and the plan loop fills them in.

The compiled function only takes the usual path. Anything else (a null in a non-null
field, a value of another type, an enum member without a GraphQL name, an attribute
that is missing) raises before any other field ran, and the executor completes that
object the general way, which gives the same data and the same located errors as
graphql-core. Reading a plain attribute twice has no effect, so nothing that could be
seen is done twice.
"""

from __future__ import annotations

import keyword
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from graphql.type.scalars import GRAPHQL_MAX_INT, GRAPHQL_MIN_INT

from schema.fastpath.fast_fields import PlainLeaf, int32

CompiledObject = Callable[[Any], dict[str, Any]]


class Compiled(NamedTuple):
    """A selection's compiled leaves, and the positions of the fields left to the
    executor (their places in the result hold None until it fills them)."""

    function: CompiledObject
    rest: tuple[int, ...]


TYPENAME = "__typename"
# a selection in order: each response name with its field's PlainLeaf, TYPENAME for
# `__typename`, or None for a field the executor completes
Selection = Sequence[tuple[str, PlainLeaf | str | None]]


class NotCompiled(Exception):
    """This object is completed the general way."""


def _attribute(leaf: PlainLeaf) -> str | None:
    name = leaf.attribute
    if name is None or not name.isidentifier() or keyword.iskeyword(name):
        return None
    return name


def _leaf_code(index: int, leaf: PlainLeaf, constants: dict[str, Any]) -> list[str] | None:
    """Lines that read field `index` into `v{index}`, coerced, or raise."""
    name = _attribute(leaf)
    exact = leaf.item_exact
    if name is None or not exact:
        return None
    v = f"v{index}"
    lines = [f"{v} = o.{name}"]
    if leaf.non_null:  # None fails the type checks below
        indent = ""
    else:
        lines.append(f"if {v} is not None:")
        indent = "    "
    if leaf.is_list:
        converted = _list_code(index, exact, constants)
        if converted is None:
            return None
        lines += [f"{indent}{line}" for line in converted]
    elif len(exact) == 1:
        ((kind, convert),) = exact.items()
        constants[f"K{index}"] = kind
        lines.append(f"{indent}if type({v}) is not K{index}: raise NotCompiled")
        if convert is int32:  # inline: the general path reports a value beyond 32 bits
            lines.append(
                f"{indent}if not {GRAPHQL_MIN_INT} <= {v} <= {GRAPHQL_MAX_INT}: raise NotCompiled"
            )
        elif convert is not None:
            lines.append(f"{indent}{v} = {_call(index, convert, v, constants)}")
    elif all(convert is not None for convert in exact.values()):  # e.g. date, datetime
        constants[f"C{index}"] = exact
        lines.append(f"{indent}{v} = C{index}[type({v})]({v})")
    else:
        constants[f"C{index}"] = exact
        lines.append(f"{indent}c = C{index}.get(type({v}), NotCompiled)")
        lines.append(f"{indent}if c is NotCompiled: raise NotCompiled")
        lines.append(f"{indent}if c is not None: {v} = c({v})")
    return lines


def _call(index: int, convert: Any, argument: str, constants: dict[str, Any]) -> str:
    """`convert(argument)`, or a subscript when `convert` is a dict's `__getitem__` (an
    enum's names by member): a KeyError sends the object the general way."""
    names = getattr(convert, "__self__", None)
    if isinstance(names, dict) and getattr(convert, "__name__", "") == "__getitem__":
        # by id: an Enum's __hash__ is a Python method, id() is not (members are
        # singletons, and the type was checked before)
        constants[f"N{index}"] = {id(member): name for member, name in names.items()}
        return f"N{index}[id({argument})]"
    constants[f"F{index}"] = convert
    return f"F{index}({argument})"


def _list_code(index: int, exact: dict[type, Any], constants: dict[str, Any]) -> list[str] | None:
    """A list leaf's items of the one known type, coerced; a shorter result than the
    list (an item of another type) or a list of another kind goes the general way."""
    if len(exact) != 1:
        return None
    ((kind, convert),) = exact.items()
    constants[f"K{index}"] = kind
    v = f"v{index}"
    item = "x" if convert is None else _call(index, convert, "x", constants)
    return [
        f"if type({v}) is not list: raise NotCompiled",
        f"w = [{item} for x in {v} if type(x) is K{index}]",
        f"if len(w) != len({v}): raise NotCompiled",
        f"{v} = w",
    ]


def compile_leaves(type_name: str, selection: Selection) -> Compiled | None:
    """The function completing the leaves of one object of `type_name` for this
    selection (the other fields' places kept, as None, in the order of the selection),
    or None when there is no leaf to compile."""
    constants: dict[str, Any] = {"NotCompiled": NotCompiled}
    body: list[str] = []
    entries: list[str] = []
    rest: list[int] = []
    for index, (response_name, leaf) in enumerate(selection):
        if leaf is TYPENAME:
            entries.append(f"{response_name!r}: {type_name!r}")
            continue
        lines = _leaf_code(index, leaf, constants) if isinstance(leaf, PlainLeaf) else None
        if lines is None:
            entries.append(f"{response_name!r}: None")  # completed by the executor
            rest.append(index)
            continue
        body.extend(lines)
        entries.append(f"{response_name!r}: v{index}")
    if not body:
        return None
    source = "def complete(o):\n"
    source += "".join(f"    {line}\n" for line in body)
    source += "    return {" + ", ".join(entries) + "}\n"
    namespace = dict(constants)
    # the source holds only attribute names checked as identifiers, reprs of GraphQL
    # names and the constants' names: nothing a request can inject
    exec(compile(source, f"<compiled {type_name} selection>", "exec"), namespace)
    return Compiled(namespace["complete"], tuple(rest))


class CompiledSelections:
    """Compiled functions by (type, fields with their response names), shared by every
    request of one schema; bounded, since aliases let a client make selections without
    end."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._functions: OrderedDict[tuple[Any, ...], Compiled | None] = OrderedDict()

    def get(self, type_name: str, selection: Selection) -> Compiled | None:
        key = (type_name, *((name, id(leaf)) for name, leaf in selection))
        try:
            function = self._functions[key]
        except KeyError:
            function = compile_leaves(type_name, selection)
            self._functions[key] = function
            if len(self._functions) > self.size:
                self._functions.popitem(last=False)
            return function
        self._functions.move_to_end(key)
        return function
