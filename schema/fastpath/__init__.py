"""The fast path: every part of the service that bypasses strawberry's, graphql-core's or
SQLAlchemy's public API to save CPU, in one place, behind one setting (`CLN_FAST_PATH`,
default on); the one exception, the request transaction's, is named at the end.

With the setting off the schema is stock strawberry: `strawberry.federation.Schema`
and its own executor, extension runner and document extensions (`MaxTokensLimiter`,
`AddValidationRules`, `ParserCache`, `ValidationCache`), and the request transaction
runs every statement through SQLAlchemy (no `prepared.py` plans). The
differential test (`tests/fastpath/test_differential.py`) runs a corpus through both
and requires the same status, data (key order included) and errors (paths and order).
Each part was checked against the exact versions pinned in `pyproject.toml`; upgrading
one of them is one commit whose CI runs that test.

Modules, and the private or internal APIs each relies on:

- `executor.py` (`FastFieldExecutor`, a subclass of strawberry's
  `StrawberryGraphQLCoreExecutionContext`, itself graphql-core's `ExecutionContext`):
  overrides graphql-core's `execute_fields`, `execute_field`, `complete_value`,
  `complete_list_value`, `complete_object_value` contract and calls
  `collect_subfields`, `build_resolve_info`, `handle_field_error`,
  `complete_awaitable_value`, `is_awaitable`, `_relevant_sub_fields` (graphql-core
  private), `gather_with_cancel`; reads `Info._raw_info` and `Info._field`
  (strawberry private) and `TYPE_CAST_ATTRIBUTE` (strawberry internal).
- `fast_fields.py`: reads the strawberry definition graphql-core types carry in
  `extensions[DEFINITION_BACKREF]`, `StrawberryField.base_resolver`, `.extensions`,
  `.is_basic_field`, a resolver's `_is_default` mark, the schema's
  `_strawberry_schema` and its `_exception_handler_specs`, and graphql-core's
  `serialize_*` scalar functions.
- `datetime_text.py`: DateTime leaves written by orjson in place of strawberry's
  `isoformat` coercion (public APIs only; here because only the fast-field path uses it).
- `compiled_leaves.py`: writes one Python function per selection (`exec` of generated
  source holding only positions and response names) to fill an object's plain leaves.
- `shared_selections.py`: caches graphql-core's `CollectedFields`, `FieldDetails`,
  `FragmentDetails` (internal types of `graphql.execution.collect_fields`) across
  requests, keyed by the document's selection nodes.
- `extension_runner.py`: subclasses strawberry's `SchemaExtensionsRunner` and the
  context managers of `strawberry.extensions.context` (`ExtensionContextManagerBase`,
  `WrappedHook`, `HOOK_NAME`, `default_hook`), internal to strawberry.
- `documents.py`: one extension doing the work of four, calling
  `OperationLimits.validate` (schema/limits.py: strawberry's `validate_document`
  under the limits) and `ParserCache.cached_parse_document`
  and reading `ExecutionContext.parse_options` / `validation_rules` /
  `pre_execution_errors`.

- `prepared.py`: compiles the statements `tenants.prepared` marks as built once, for
  the request transaction to run on the asyncpg connection, through SQLAlchemy's
  `_result_columns`, `_bind_processors`, `positiontup` and `_cached_result_processor`
  (SQLAlchemy internal); `install` hands it to `tenants.prepared.use_compiler`, and
  `TenantDB(prepared=False)` (the setting off) never asks for it.

Below the schema layer, and on both paths: the request transaction
(`tenants/transaction.py`) begins with the tenant context in one message and ends on
the asyncpg connection, under SQLAlchemy's adapter (`_transaction`, `_execute_mutex`,
`_handle_exception`, SQLAlchemy internal).
On both paths too, graphql-core's schema is read from strawberry's `Schema._schema`
(strawberry has no public accessor) in one place: `CoreSchema.graphql_schema`
(`schema/build.py`), which everything else uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphql import ASTValidationRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache

from schema.fastpath.documents import CheckedDocuments
from schema.fastpath.executor import FastFieldExecutor
from schema.fastpath.extension_runner import Schema as CachedHooksSchema
from schema.fastpath.prepared import compile_plan
from schema.limits import LimitedValidationCache, OperationLimits
from tenants.prepared import use_compiler

__all__ = ["CachedHooksSchema", "document_extensions", "install"]


def document_extensions(
    *,
    fast: bool,
    rules: Sequence[type[ASTValidationRule]],
    max_tokens: int,
    maxsize: int,
    limits: OperationLimits,
) -> list[Callable[[], Any]]:
    """Parsing and validation under the service's limits: one extension on the fast
    path, strawberry's four otherwise (the same caches, limits and rules)."""
    if fast:
        return [
            lambda: CheckedDocuments(
                rules=rules, max_tokens=max_tokens, maxsize=maxsize, limits=limits
            )
        ]
    return [
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: AddValidationRules(list(rules)),
        lambda: ParserCache(maxsize=maxsize),
        # strawberry's ValidationCache, the limits checked before graphql-core's rules
        lambda: LimitedValidationCache(limits=limits, maxsize=maxsize),
    ]


def install(schema: Any) -> None:
    """Run `schema` with the fast-field executor (it needs the built schema to find
    its plain leaf fields), and plan `tenants.prepared` statements for the driver."""
    schema.execution_context_class = FastFieldExecutor.for_schema(schema._schema)
    use_compiler(compile_plan)
