"""Per-SHA settings: caps and targets each SHA sets for itself, over service defaults."""

from resolvers.sha_rules.mutations import Mutation
from resolvers.sha_rules.queries import Query
from resolvers.sha_rules.types import ShaRulesType

graphql_types = [ShaRulesType]

__all__ = ["Mutation", "Query", "graphql_types"]
