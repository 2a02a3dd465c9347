"""Identity administration: partner organisations, OAuth clients, data-sharing agreements."""

from resolvers.identity.mutations import Mutation

graphql_types: list[type] = []

__all__ = ["Mutation", "graphql_types"]
