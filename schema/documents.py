"""Parse and validate each query text once, under the service's limits, in one
extension.

strawberry's `MaxTokensLimiter`, `AddValidationRules`, `ParserCache` and
`ValidationCache` do this as four extensions, and every extension costs every
request its hook lookups and generator context managers whether or not it has
work to do (about a tenth of a node lookup's CPU went to the extension machinery).
This is the same work, with the same caches, as one extension: the token limit is a
parse option (so a document over it is refused before it is cached), the extra
rules join the validation rules, and the validation cache is keyed by the document
and the rules as strawberry's is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from graphql import ASTValidationRule
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache


class CheckedDocuments(SchemaExtension):
    def __init__(
        self, *, rules: Sequence[type[ASTValidationRule]], max_tokens: int, maxsize: int
    ) -> None:
        self.rules = tuple(rules)
        self.max_tokens = max_tokens
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
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield


@functools.cache
def _caches(maxsize: int) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """strawberry's module-level LRU caches for this size, looked up once, not per
    request."""
    parser = ParserCache(maxsize=maxsize).cached_parse_document
    return parser, ValidationCache(maxsize=maxsize).cached_validate_document
