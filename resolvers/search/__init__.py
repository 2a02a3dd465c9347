"""Full-text search (PostgreSQL FTS over generated, weighted tsvector columns)."""

from resolvers.search.schema import Query
from resolvers.search.types import SearchHit

graphql_types = [SearchHit]

__all__ = ["Query", "graphql_types"]
