"""Operation limits whose checking time is linear in the document, whatever its fragments do.

A document may spread a fragment many times, and fragments spread each other: 30
fragments each spreading the next twice expand to 2**30 fields from about 1 KB of
text. A walker that follows every spread re-walks every expansion (strawberry's depth
and alias limiters do), so its time doubles per level. Here each fragment is walked
once and its summary (height, aliases, fields and fragments after expansion) reused
wherever it is spread, so checking costs one visit per selection of the text, and the
numbers, which may be astronomically large, are plain integers. Fragments are counted
as well as fields: a chain that ends in an unknown fragment or a cycle holds no field,
yet anything walking its expansion doubles per level.

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
their squares bounds the pairs that rule compares, and is limited too. The same rule
also compares every pair of fragments spread side by side (400 one-field fragments
spread in one selection set, 18 KB within every other limit, took 0.8 s of CPU), so
the pairs of fragments spread together in each selection set of the text are counted
and limited (`max_fragment_pairs`); and since that rule (like every rule of
graphql-core) also walks fragments no operation uses, an unused fragment is refused
here, with graphql-core's own message, before any rule walks it.

Whatever shape escapes these counts, the rule's own work is capped: graphql-core
meters it in units (a field or fragment comparison costs one or two) and aborts once
its budget is spent; `validate_within` runs graphql-core's rules with that budget set
to `max_validation_budget` (10 000 units, about 30 ms of CPU on the development
machine; the service's own operations spend none, 50 repetitions of one field about
6 000) instead of graphql-core's 500 000 (1.5 s), and reports an abort as this limit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OverlappingFieldsCanBeMergedRule,
    SelectionSetNode,
    ValidationContext,
)
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import ValidationCache
from strawberry.schema.schema import validate_document


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
    `aliases` and `fields`: how many aliased fields and fields the expansion holds;
    `fragments`: how many fragment spreads and inline fragments it holds (a fragment
    that ends in an unknown fragment or a cycle holds no field, yet walking its
    expansion would still double per level).
    """

    height: int = 0
    aliases: int = 0
    fields: int = 0
    fragments: int = 0


_EMPTY = Shape()
_IN_PROGRESS = Shape()  # a fragment being walked: a cycle back to it counts nothing


class DocumentShapes:
    """Shapes of a document's operations, each fragment walked once."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[str, Shape] = {}

    def reached(self) -> set[str]:
        """The fragments walked so far (from the operations: the ones they use)."""
        return set(self._memo)

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
        height = aliases = fields = fragments = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner = self.selection_set(selection.selection_set)
                fields += 1 + inner.fields
                aliases += (selection.alias is not None) + inner.aliases
                fragments += inner.fragments
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
            fragments += 1 + inner.fragments
            height = max(height, inner.height)
        return Shape(height, aliases, fields, fragments)


@dataclass(frozen=True)
class OperationLimits:
    """The document limits (the cost limit, which depends on variables, is in schema/cost.py)."""

    max_depth: int = 12
    max_aliases: int = 30
    max_fields: int = 2000
    max_merged_pairs: int = 10_000
    max_fragment_pairs: int = 2_000
    max_validation_budget: int = 10_000
    # fields and fragments of every operation of the document together, once expanded:
    # what counting the merged fields walks (a document may hold many operations)
    max_document_selections: int = 20_000

    def errors(self, document: DocumentNode) -> list[GraphQLError]:
        """One error per operation and limit exceeded; none for a document within them."""
        pairs = fragment_pairs(document)
        if pairs > self.max_fragment_pairs:
            return [
                OperationLimitExceeded(
                    f"the document spreads too many fragments side by side ({pairs} pairs"
                    f" to compare); the maximum is {self.max_fragment_pairs}",
                    limit="maxFragmentPairs",
                    value=pairs,
                    maximum=self.max_fragment_pairs,
                )
            ]
        shapes = DocumentShapes(document)
        errors: list[GraphQLError] = []
        operations: list[tuple[str, OperationDefinitionNode]] = []
        selections = 0
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
            elif shape.fragments > self.max_fields:
                # the same maximum: an expansion is walked below, fields and fragments
                errors.append(
                    OperationLimitExceeded(
                        f"'{name}' spreads {_count(shape.fragments)} fragments once they "
                        f"are expanded; the maximum is {self.max_fields}",
                        limit="maxFragmentSpreads",
                        value=_capped(shape.fragments),
                        maximum=self.max_fields,
                    )
                )
            operations.append((name, definition))
            selections += shape.fields + shape.fragments
        if not errors and selections > self.max_document_selections:
            errors.append(self._too_many_selections(selections))
        steps = [self.max_document_selections]  # what the walks below may visit, in all
        for name, definition in operations if not errors else ():
            try:
                pairs = merged_pairs(shapes.fragments, definition.selection_set, steps)
            except _WalkTooLong:
                # fragments that end in a cycle count nothing above; the walk stops anyway
                return [self._too_many_selections(self.max_document_selections + 1)]
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
        if not errors:
            reached = shapes.reached()
            # graphql-core's NoUnusedFragmentsRule says the same, after every other
            # rule has walked the fragment; the limits above never looked at it
            errors = [
                GraphQLError(f"Fragment '{name}' is never used.", definition)
                for name, definition in shapes.fragments.items()
                if name not in reached
            ]
        return errors

    def _too_many_selections(self, value: int) -> OperationLimitExceeded:
        return OperationLimitExceeded(
            f"the document's operations select {_count(value)} fields and fragments"
            f" together once expanded; the maximum is {self.max_document_selections}",
            limit="maxDocumentSelections",
            value=_capped(value),
            maximum=self.max_document_selections,
        )

    def validate(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        rules: tuple[type[ASTValidationRule], ...],
    ) -> list[GraphQLError]:
        """The limits, then (only for a document within them) graphql-core's rules,
        the overlap rule's work capped at `max_validation_budget`."""
        return self.errors(document) or validate_within(
            schema, document, rules, self.max_validation_budget
        )


def fragment_pairs(document: DocumentNode) -> int:
    """Sum over the selection sets of the text (every definition's, each visited once;
    an inline fragment's selections count with its enclosing set, as graphql-core's
    overlap rule collects them) of the pairs of distinct fragments spread there."""
    total = 0

    def visit(selection_set: SelectionSetNode) -> set[str]:
        """The fragment names spread in `selection_set` (inline fragments flattened);
        fields' own selection sets are counted on the way."""
        spread: set[str] = set()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.selection_set is not None:
                    count(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                spread |= visit(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                spread.add(selection.name.value)
        return spread

    def count(selection_set: SelectionSetNode) -> None:
        nonlocal total
        n = len(visit(selection_set))
        total += n * (n - 1) // 2

    for definition in document.definitions:
        selection_set = getattr(definition, "selection_set", None)
        if isinstance(selection_set, SelectionSetNode):
            count(selection_set)
    return total


class _WalkTooLong(Exception):
    pass


def merged_pairs(
    fragments: dict[str, FragmentDefinitionNode],
    selection_set: SelectionSetNode,
    steps: list[int],
) -> int:
    """Sum over response paths of (fields merged at that path) squared. Walks the
    expansion, so call it only once the expansion (its fields and its fragments) is
    known to be bounded; `steps[0]` is what the walk may still visit (shared by the
    walks of one document), and _WalkTooLong is raised once it is spent."""
    counts: dict[tuple[str, ...], int] = {}

    def walk(
        selections: SelectionSetNode, path: tuple[str, ...], spreading: frozenset[str]
    ) -> None:
        steps[0] -= len(selections.selections)
        if steps[0] < 0:
            raise _WalkTooLong
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


def _budgeted_overlap_rule(budget: int) -> type[ASTValidationRule]:
    """graphql-core's OverlappingFieldsCanBeMergedRule with its complexity budget set to
    `budget` units for this validation (graphql-core reads its module-level
    MAX_COMPLEXITY_BUDGET into the rule's context when the rule starts; setting the
    context's copy keeps the cap to this service's documents)."""

    class BudgetedOverlappingFieldsRule(OverlappingFieldsCanBeMergedRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.rule_context.remaining_complexity_budget = budget

    return BudgetedOverlappingFieldsRule


_BUDGETED: dict[int, type[ASTValidationRule]] = {}
_ABORTED = "Validation aborted."


def validate_within(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: tuple[type[ASTValidationRule], ...],
    budget: int,
) -> list[GraphQLError]:
    """strawberry's `validate_document` with the overlap rule's budget capped; an
    abort for the budget is this service's OPERATION_LIMIT_EXCEEDED (`validationBudget`)."""
    rule = _BUDGETED.get(budget)
    if rule is None:
        rule = _BUDGETED[budget] = _budgeted_overlap_rule(budget)
    capped = tuple(rule if r is OverlappingFieldsCanBeMergedRule else r for r in rules)
    errors = validate_document(schema, document, capped)
    # the budget's abort (graphql-core's error limit aborts with a longer message)
    if any(isinstance(e, ValidationAbortedError) and e.message == _ABORTED for e in errors):
        return [
            OperationLimitExceeded(
                "validating this document needs more work than allowed"
                f" ({budget} units of field and fragment comparisons)",
                limit="validationBudget",
                value=budget + 1,
                maximum=budget,
            )
        ]
    return errors


@functools.cache
def _limited_validation(limits: OperationLimits, maxsize: int) -> Any:
    """One LRU cache of `limits.validate` per limits and size, shared by every request
    (as strawberry's ValidationCache shares its cache of `validate_document`)."""
    return functools.lru_cache(maxsize=maxsize)(limits.validate)


class LimitedValidationCache(ValidationCache):
    """strawberry's ValidationCache for stock strawberry (`CLN_FAST_PATH=0`), validating
    with `OperationLimits.validate`: the limits first, graphql-core's rules only for a
    document within them (as a validation rule beside the others, the limits would not
    stop graphql-core's quadratic rule from running)."""

    def __init__(self, *, limits: OperationLimits, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self.cached_validate_document = _limited_validation(limits, maxsize)
