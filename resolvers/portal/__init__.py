"""Regional portal: each SHA's branding, about text and public pages, and what anyone
may read of a region with no token (public events, nationally published case studies).
See docs/portal.md."""

from resolvers.portal.mutations import Mutation
from resolvers.portal.queries import Query

graphql_types: list[type] = []

__all__ = ["Mutation", "Query", "graphql_types"]
