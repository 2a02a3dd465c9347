"""Identity administration: partner organisations, OAuth clients, data-sharing agreements."""

from resolvers.identity.mutations import Mutation

types: list[type] = []

__all__ = ["Mutation", "types"]
