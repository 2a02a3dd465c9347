"""Full-text search (PostgreSQL FTS over generated, weighted tsvector columns)."""

from resolvers.search.schema import Query
from resolvers.search.types import SearchHit

types = [SearchHit]

__all__ = ["Query", "types"]
