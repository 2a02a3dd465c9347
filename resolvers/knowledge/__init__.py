"""Knowledge sharing: case studies owned by an SHA, publishable regionally and nationally."""

from resolvers.knowledge.mutations import Mutation
from resolvers.knowledge.queries import Query
from resolvers.knowledge.types import CaseStudy

graphql_types = [CaseStudy]

__all__ = ["Mutation", "Query", "graphql_types"]
