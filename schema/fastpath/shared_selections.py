"""Collected sub-selections and their executor plans, kept across requests.

graphql-core collects an object's sub-fields once per request (its memo is keyed by
the identity of a field list that is new each request), and the executor plans each
collected selection once per request too: CPU spent on the same answer every time
(docs/benchmarks.md, round 8). A document served again is the same
object (strawberry's parse cache hands it back, schema/fastpath/documents.py validates it by
identity), and its selections collect to the same fields every time unless a
directive (`@skip`, `@include`, `@defer`) or a fragment argument makes them depend on
the variables. Selections free of both are kept here by the identity of their field
nodes, with the nodes themselves so that no id is reused while an entry lives.
Bounded: a client can send documents without end.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from graphql import FragmentSpreadNode, InlineFragmentNode, SelectionSetNode
from graphql.execution.collect_fields import CollectedFields, FieldDetails, FragmentDetails


class _Entry:
    __slots__ = ("collected", "nodes", "plan", "return_type")

    def __init__(
        self, return_type: Any, nodes: tuple[Any, ...], collected: CollectedFields
    ) -> None:
        self.return_type = return_type
        self.nodes = nodes
        self.collected = collected
        self.plan: Any = None  # the executor's plan of `collected`, once made


class SharedSelections:
    """One schema's shared selections (each schema's executor class holds one)."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._by_nodes: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()
        self._by_set: dict[int, _Entry] = {}  # id(grouped field set) -> its entry

    def __len__(self) -> int:
        return len(self._by_nodes)

    def collected(
        self, return_type: Any, field_details_list: list[FieldDetails]
    ) -> CollectedFields | None:
        nodes = tuple(d.node for d in field_details_list)
        entry = self._by_nodes.get((return_type, *map(id, nodes)))
        if entry is None or not _same(entry.nodes, nodes):
            return None
        return entry.collected

    def keep(
        self,
        return_type: Any,
        field_details_list: list[FieldDetails],
        collected: CollectedFields,
        fragments: Mapping[str, FragmentDetails],
    ) -> None:
        """Keep `collected` if no other variables could have collected it otherwise."""
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            return
        if any(_depends_on_variables(d, fragments) for d in field_details_list):
            return
        nodes = tuple(d.node for d in field_details_list)
        entry = _Entry(return_type, nodes, collected)
        self._by_nodes[(return_type, *map(id, nodes))] = entry
        self._by_set[id(collected.grouped_field_set)] = entry
        if len(self._by_nodes) > self.size:
            _, evicted = self._by_nodes.popitem(last=False)
            del self._by_set[id(evicted.collected.grouped_field_set)]

    def _entry_of(self, return_type: Any, grouped_field_set: Any) -> _Entry | None:
        entry = self._by_set.get(id(grouped_field_set))
        if (
            entry is None
            or entry.collected.grouped_field_set is not grouped_field_set
            or entry.return_type is not return_type
        ):
            return None
        return entry

    def plan(self, return_type: Any, grouped_field_set: Any) -> Any:
        """The plan kept for a shared selection, or None."""
        entry = self._entry_of(return_type, grouped_field_set)
        return entry.plan if entry is not None else None

    def keep_plan(self, return_type: Any, grouped_field_set: Any, plan: Any) -> None:
        """Keep the plan of a shared selection (of any other, nothing)."""
        entry = self._entry_of(return_type, grouped_field_set)
        if entry is not None:
            entry.plan = plan


def _same(kept: tuple[Any, ...], nodes: tuple[Any, ...]) -> bool:
    return len(kept) == len(nodes) and all(a is b for a, b in zip(kept, nodes, strict=True))


def _depends_on_variables(details: FieldDetails, fragments: Mapping[str, FragmentDetails]) -> bool:
    if details.defer_usage is not None or details.fragment_variable_values is not None:
        return True
    selection_set = details.node.selection_set
    return selection_set is not None and _has_directives(selection_set, fragments, set())


def _has_directives(
    selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDetails], seen: set[str]
) -> bool:
    """Whether collecting this selection set (its fragments included, not its fields'
    own selections) meets a directive or a fragment argument."""
    for selection in selection_set.selections:
        if selection.directives:
            return True
        if isinstance(selection, InlineFragmentNode):
            if _has_directives(selection.selection_set, fragments, seen):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            if getattr(selection, "arguments", None):
                return True
            name = selection.name.value
            if name in seen:
                continue
            seen.add(name)
            details = fragments.get(name)
            if details is None:
                return True  # not collected from at all; keep nothing of an odd document
            definition = details.definition
            if definition.directives or getattr(definition, "variable_definitions", None):
                return True
            if _has_directives(definition.selection_set, fragments, seen):
                return True
    return False
