"""Core fields every client needs: `node` and `nodes` (`viewer` is in resolvers/viewer)."""

from resolvers.core.queries import Query

graphql_types: list[type] = []

__all__ = ["Query", "graphql_types"]
