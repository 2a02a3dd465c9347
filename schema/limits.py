"""Operation limits whose checking time is linear in the document, whatever its fragments do.

A document may spread a fragment many times, and fragments spread each other: 30
fragments each spreading the next twice expand to 2**30 fields from about 1 KB of
text. A walker that follows every spread re-walks every expansion (strawberry's depth
and alias limiters do), so its time doubles per level. Here each fragment is walked
once and its summary (height, aliases, fields after expansion) reused wherever it is
spread, so checking costs one visit per selection of the text, and the numbers, which
may be astronomically large, are plain integers.

These checks run before graphql-core's validation rules (schema/fastpath/documents.py): a
document over a limit is refused without walking it again. A fragment cycle counts as
nothing here; graphql-core's NoFragmentCyclesRule refuses it.

One of graphql-core's own rules is not linear: OverlappingFieldsCanBeMerged compares
every pair of fields that answer under the same name, level by level, so
`{ viewer { subject } viewer { subject } ... }` costs the square of its repetitions,
enough for one small document within every other limit to hold a worker for seconds
(docs/security.md). Once a document is
known to expand to at most `max_fields` fields, its expansion is walked (at most that
many fields) to count, for each response path, the fields merged there; the sum of
their squares bounds the pairs that rule compares, and is limited too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)


class OperationLimitExceeded(GraphQLError):
    """A document over one of the operation limits (extensions name which)."""

    def __init__(self, message: str, *, limit: str, value: int, maximum: int) -> None:
        super().__init__(
            message,
            extensions={
                "code": "OPERATION_LIMIT_EXCEEDED",
                "limit": limit,
                "value": value,
                "max": maximum,
            },
        )


@dataclass(frozen=True)
class Shape:
    """What a selection set amounts to once every fragment is expanded.

    `height`: fields on the longest path (introspection fields not counted);
    `aliases` and `fields`: how many aliased fields and fields the expansion holds.
    """

    height: int = 0
    aliases: int = 0
    fields: int = 0


_EMPTY = Shape()
_IN_PROGRESS = Shape()  # a fragment being walked: a cycle back to it counts nothing


class DocumentShapes:
    """Shapes of a document's operations, each fragment walked once."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[str, Shape] = {}

    def fragment(self, name: str) -> Shape:
        found = self._memo.get(name)
        if found is not None:
            return found
        definition = self.fragments.get(name)
        if definition is None:
            return _EMPTY
        self._memo[name] = _IN_PROGRESS
        shape = self.selection_set(definition.selection_set)
        self._memo[name] = shape
        return shape

    def selection_set(self, selection_set: SelectionSetNode | None) -> Shape:
        if selection_set is None:
            return _EMPTY
        height = aliases = fields = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner = self.selection_set(selection.selection_set)
                fields += 1 + inner.fields
                aliases += (selection.alias is not None) + inner.aliases
                if not selection.name.value.startswith("__"):
                    height = max(height, 1 + inner.height)
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self.selection_set(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
            else:  # pragma: no cover - graphql-core has no other selection
                continue
            fields += inner.fields
            aliases += inner.aliases
            height = max(height, inner.height)
        return Shape(height, aliases, fields)


@dataclass(frozen=True)
class OperationLimits:
    """The document limits (the cost limit, which depends on variables, is in schema/cost.py)."""

    max_depth: int = 12
    max_aliases: int = 30
    max_fields: int = 2000
    max_merged_pairs: int = 10_000

    def errors(self, document: DocumentNode) -> list[GraphQLError]:
        """One error per operation and limit exceeded; none for a document within them."""
        shapes = DocumentShapes(document)
        errors: list[GraphQLError] = []
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            name = definition.name.value if definition.name else "anonymous"
            shape = shapes.selection_set(definition.selection_set)
            depth = max(shape.height - 1, 0)
            if depth > self.max_depth:
                errors.append(
                    OperationLimitExceeded(
                        f"'{name}' exceeds maximum operation depth of {self.max_depth}",
                        limit="maxDepth",
                        value=depth,
                        maximum=self.max_depth,
                    )
                )
            if shape.aliases > self.max_aliases:
                errors.append(
                    OperationLimitExceeded(
                        f"{_count(shape.aliases)} aliases found. Allowed: {self.max_aliases}",
                        limit="maxAliases",
                        value=_capped(shape.aliases),
                        maximum=self.max_aliases,
                    )
                )
            if shape.fields > self.max_fields:
                errors.append(
                    OperationLimitExceeded(
                        f"'{name}' selects {_count(shape.fields)} fields once its fragments "
                        f"are expanded; the maximum is {self.max_fields}",
                        limit="maxFields",
                        value=_capped(shape.fields),
                        maximum=self.max_fields,
                    )
                )
            if not errors:
                pairs = merged_pairs(shapes.fragments, definition.selection_set)
                if pairs > self.max_merged_pairs:
                    errors.append(
                        OperationLimitExceeded(
                            f"'{name}' selects fields under the same response name too often"
                            f" ({pairs} pairs to compare); the maximum is"
                            f" {self.max_merged_pairs}",
                            limit="maxMergedPairs",
                            value=pairs,
                            maximum=self.max_merged_pairs,
                        )
                    )
        return errors


def merged_pairs(
    fragments: dict[str, FragmentDefinitionNode], selection_set: SelectionSetNode
) -> int:
    """Sum over response paths of (fields merged at that path) squared. Walks the
    expansion, so call it only once the expansion is known to be bounded."""
    counts: dict[tuple[str, ...], int] = {}

    def walk(
        selections: SelectionSetNode, path: tuple[str, ...], spreading: frozenset[str]
    ) -> None:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                key = (*path, (selection.alias or selection.name).value)
                counts[key] = counts.get(key, 0) + 1
                if selection.selection_set is not None:
                    walk(selection.selection_set, key, spreading)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, path, spreading)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in spreading:
                    walk(fragment.selection_set, path, spreading | {name})

    walk(selection_set, (), frozenset())
    return sum(n * n for n in counts.values())


# JSON numbers beyond 2**53 lose precision in clients; say "more than" instead.
_JSON_SAFE = 2**53


def _capped(value: int) -> int:
    return min(value, _JSON_SAFE)


def _count(value: int) -> Any:
    return value if value < _JSON_SAFE else f"more than {_JSON_SAFE}"


def limits_rule(limits: OperationLimits) -> type[ASTValidationRule]:
    """`limits` as a validation rule, for stock strawberry (`CLN_FAST_PATH=0`)."""

    class OperationLimitsRule(ASTValidationRule):
        def enter_document(self, node: DocumentNode, *_args: Any) -> None:
            for error in limits.errors(node):
                self.report_error(error)

    return OperationLimitsRule
