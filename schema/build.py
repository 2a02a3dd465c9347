"""Merge each domain's Query, Mutation and Subscription mixins into one schema.

The schema is an Apollo Federation 2 subgraph (`strawberry.federation.Schema`,
Federation 2 is the only version strawberry still builds); entity types declare
`@strawberry.federation.type(keys=["id"])` (see resolvers/common/federation.py).

Domains are discovered (every package under `resolvers/` except `common`), so
adding a domain needs no edit here (a domain may also export `extensions`,
schema extensions that run inside the request transaction); order is alphabetical, so the printed schema
is stable.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType
from typing import Any, cast

import strawberry
from graphql import GraphQLSchema
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

import resolvers
from schema.cost import DEFAULT_MAX_COST, CostLimiter
from schema.entities import CheckedEntities
from schema.errors import MaskErrorsWithId, QuietClientErrors
from schema.fastpath import CachedHooksSchema, document_extensions, install
from schema.inputs import CleanStringLiterals, CleanVariables
from schema.limits import OperationLimits
from schema.observe import ObserveOperation
from schema.partner_access import PartnerAccess, PartnerAccessPolicy
from schema.persisted import MemoryAPQStore, PersistedQueries
from schema.transaction import FinishTransaction

SKIP = {"common"}


class CoreSchema:
    """A schema mixin: graphql-core's schema under a public name. strawberry keeps it
    in `_schema` and offers no accessor; the cost limit, the partner access policy, the
    national read audit, the contract check and the benchmarks call graphql-core's own
    functions on it, and read it here, the one place that knows the private name."""

    @property
    def graphql_schema(self) -> GraphQLSchema:
        core: GraphQLSchema = cast(Any, self)._schema
        return core


class ServiceSchema(CoreSchema, QuietClientErrors, CheckedEntities, CachedHooksSchema):
    """The service's schema on the fast path (schema/fastpath/): extensions run by the
    cached-hooks runner, client errors logged as such, federation representations
    checked."""


class StockServiceSchema(
    CoreSchema, QuietClientErrors, CheckedEntities, strawberry.federation.Schema
):
    """The service's schema on stock strawberry (`CLN_FAST_PATH=0`)."""


def domain_modules() -> list[ModuleType]:
    names = sorted(
        m.name for m in pkgutil.iter_modules(resolvers.__path__) if m.ispkg and m.name not in SKIP
    )
    return [importlib.import_module(f"resolvers.{name}") for name in names]


def _describe(merged: Any | None, description: str) -> None:
    """merge_types drops descriptions; the root types need one too."""
    if merged is not None:
        merged.__strawberry_definition__.description = description


def _merged(name: str, attr: str, modules: list[ModuleType]) -> Any | None:
    parts = tuple(getattr(m, attr) for m in modules if hasattr(m, attr))
    return merge_types(name, parts) if parts else None


@dataclass(frozen=True)
class Limits:
    """Per-operation limits, checked before execution (docs/api-contract.md)."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_fields: int = 2000
    max_merged_pairs: int = 10_000
    max_fragment_pairs: int = 2_000
    max_validation_budget: int = 10_000
    max_cost: int = DEFAULT_MAX_COST
    apq_cache_size: int = 2000


def build_schema(
    *, introspection: bool = True, limits: Limits | None = None, fast_path: bool = True
) -> ServiceSchema | StockServiceSchema:
    """The service's schema; `fast_path=False` runs it on stock strawberry and
    graphql-core only (schema/fastpath/)."""
    lim = limits or Limits()
    modules = domain_modules()
    extra_types: list[Any] = [t for m in modules for t in getattr(m, "graphql_types", [])]
    apq_store = MemoryAPQStore(lim.apq_cache_size) if lim.apq_cache_size > 0 else None
    # depth, aliases, fields after expansion and the comparisons graphql-core's overlap
    # rule will make, each fragment walked once; that rule's work capped (schema/limits.py)
    document_limits = OperationLimits(
        max_depth=lim.max_depth,
        max_aliases=lim.max_aliases,
        max_fields=lim.max_fields,
        max_merged_pairs=lim.max_merged_pairs,
        max_fragment_pairs=lim.max_fragment_pairs,
        max_validation_budget=lim.max_validation_budget,
    )
    access = PartnerAccessPolicy()  # bound to the schema below; unbound, it refuses nothing
    extensions: list[Any] = [
        lambda: PersistedQueries(store=apq_store),  # first: see schema/persisted.py
        ObserveOperation,  # around FinishTransaction: the span holds the commit
        FinishTransaction,
        *document_extensions(
            fast=fast_path,
            rules=(CleanStringLiterals,),
            max_tokens=lim.max_tokens,
            maxsize=512,
            limits=document_limits,
        ),
        lambda: CostLimiter(max_cost=lim.max_cost),
        lambda: PartnerAccess(policy=access),
        CleanVariables,
        MaskErrorsWithId,
        # Domain extensions run inside FinishTransaction, so they can still write.
        *[e for m in modules for e in getattr(m, "extensions", [])],
    ]
    if not introspection:
        from strawberry.extensions import DisableIntrospection

        extensions.append(DisableIntrospection)
    query = _merged("Query", "Query", modules)
    assert query is not None, "no domain exports a Query"
    mutation = _merged("Mutation", "Mutation", modules)
    _describe(query, "Read the network: every domain's queries, scoped to the caller's SHAs.")
    _describe(mutation, "Change the network: every domain's mutations, atomic and audited.")
    subscription = _merged("Subscription", "Subscription", modules)
    _describe(subscription, "Live updates over graphql-transport-ws, under the same tenant rules.")
    schema_class = ServiceSchema if fast_path else StockServiceSchema
    schema: ServiceSchema | StockServiceSchema = schema_class(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=extra_types,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
    )
    # every type gets a scope area, or the build fails (auth/areas.py)
    access.bind(schema.graphql_schema)
    if fast_path:
        install(schema)
    return schema
