"""Merge each domain's Query, Mutation and Subscription mixins into one schema.

Domains are discovered (every package under `resolvers/` except `common`), so
adding a domain needs no edit here; order is alphabetical, so the printed schema
is stable.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

import resolvers
from schema.errors import should_mask
from schema.transaction import FinishTransaction

SKIP = {"common"}


def domain_modules() -> list[ModuleType]:
    names = sorted(
        m.name for m in pkgutil.iter_modules(resolvers.__path__) if m.ispkg and m.name not in SKIP
    )
    return [importlib.import_module(f"resolvers.{name}") for name in names]


def _merged(name: str, attr: str, modules: list[ModuleType]) -> Any | None:
    parts = tuple(getattr(m, attr) for m in modules if hasattr(m, attr))
    return merge_types(name, parts) if parts else None


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    modules = domain_modules()
    extra_types: list[Any] = [t for m in modules for t in getattr(m, "types", [])]
    # The limiters make a new rule class per instance, which defeats ValidationCache
    # (its key holds the rule classes): build their rules once, add them per request.
    limits = [
        *QueryDepthLimiter(max_depth=12).validation_rules,
        *MaxAliasesLimiter(max_alias_count=30).validation_rules,
    ]
    extensions: list[Any] = [
        FinishTransaction,
        lambda: AddValidationRules(limits),
        lambda: MaxTokensLimiter(max_token_count=5000),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: MaskErrors(should_mask_error=should_mask),
    ]
    if not introspection:
        from strawberry.extensions import DisableIntrospection

        extensions.append(DisableIntrospection)
    query = _merged("Query", "Query", modules)
    assert query is not None, "no domain exports a Query"
    return strawberry.Schema(
        query=query,
        mutation=_merged("Mutation", "Mutation", modules),
        subscription=_merged("Subscription", "Subscription", modules),
        types=extra_types,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
    )
