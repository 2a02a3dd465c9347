"""Parse and validate each query text once, under the service's limits, in one
extension.

strawberry's `MaxTokensLimiter`, `AddValidationRules`, `ParserCache` and
`ValidationCache` do this as four extensions, and every extension costs every
request its hook lookups and generator context managers whether or not it has
work to do (docs/benchmarks.md, rounds 4 and 6).
This is the same work, with the same caches, as one extension: the token limit is a
parse option (so a document over it is refused before it is cached), the extra
rules join the validation rules, and the validation cache is keyed by the document
and the rules as strawberry's is.

The document limits (schema/limits.py: depth, aliases, fields after expansion, fields
and fragments to compare, unused fragments) are checked first, in time linear in the
text; a document over them is refused without running graphql-core's rules on it, and
those rules run with the overlap rule's work capped (`OperationLimits.validate`).

The validation cache is keyed by the document's identity, not its value: the parse
cache hands back the same document object for the same text, and hashing a document
by value (graphql-core's nodes are dataclasses) walks the whole tree on every request.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import ParserCache, SchemaExtension

from schema.limits import OperationLimits


class CheckedDocuments(SchemaExtension):
    def __init__(
        self,
        *,
        rules: Sequence[type[ASTValidationRule]],
        max_tokens: int,
        maxsize: int,
        limits: OperationLimits | None = None,
    ) -> None:
        self.rules = tuple(rules)
        self.max_tokens = max_tokens
        self.limits = limits or OperationLimits()
        self.parse, self.validate = _caches(maxsize)

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.validation_rules = context.validation_rules + self.rules
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = self.parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context: Any = self.execution_context
        context.pre_execution_errors = self.validate(
            context.schema._schema, context.graphql_document, context.validation_rules, self.limits
        )
        yield


class ValidatedDocuments:
    """Validation errors by document identity (with the schema and rules they were
    found under), bounded, least recently used first out. Each entry holds its document,
    so an id is not reused while it is cached."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[int, tuple[Any, ...]] = OrderedDict()

    def __call__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        rules: tuple[type[ASTValidationRule], ...],
        limits: OperationLimits,
    ) -> list[GraphQLError]:
        key = id(document)
        entry = self._entries.get(key)
        if (
            entry is not None
            and entry[0] is document
            and entry[1] is schema
            and entry[2] == rules
            and entry[3] == limits
        ):
            self._entries.move_to_end(key)
            errors: list[GraphQLError] = entry[4]
            return errors
        errors = limits.validate(schema, document, rules)
        self._entries[key] = (document, schema, rules, limits, errors)
        self._entries.move_to_end(key)
        if len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
        return errors


@functools.cache
def _caches(maxsize: int) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """strawberry's module-level LRU parse cache and a validation cache for this size,
    looked up once, not per request."""
    return ParserCache(maxsize=maxsize).cached_parse_document, ValidatedDocuments(maxsize)
