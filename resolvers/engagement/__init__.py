"""Medical engagement: share of doctors engaged, ratings and MES scores per organisation."""

from resolvers.engagement.mutations import Mutation
from resolvers.engagement.queries import Query
from resolvers.engagement.types import MedicalEngagementScore

graphql_types = [MedicalEngagementScore]

__all__ = ["Mutation", "Query", "graphql_types"]
