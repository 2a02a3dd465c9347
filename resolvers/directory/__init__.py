"""Directory: SHAs, organisations and members."""

from resolvers.directory.mutations import Mutation
from resolvers.directory.queries import Query
from resolvers.directory.types import Member, Organisation, Sha

graphql_types = [Sha, Organisation, Member]

__all__ = ["Mutation", "Query", "graphql_types"]
