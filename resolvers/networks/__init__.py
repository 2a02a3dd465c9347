"""Network map: clinical networks per SHA, their members, links and gap analysis."""

from resolvers.networks.mutations import Mutation
from resolvers.networks.queries import Query
from resolvers.networks.types import Network, NetworkLink, NetworkMembership

graphql_types = [Network, NetworkMembership, NetworkLink]

__all__ = ["Mutation", "Query", "graphql_types"]
