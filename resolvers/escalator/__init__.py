"""Engagement Escalator: self-assessments, clinical engagement plans, the SHA's collation."""

from resolvers.escalator.mutations import Mutation
from resolvers.escalator.queries import Query
from resolvers.escalator.types import EngagementPlan, EscalatorAssessment, LevelSkipError

graphql_types = [EscalatorAssessment, EngagementPlan, LevelSkipError]

__all__ = ["Mutation", "Query", "graphql_types"]
