"""Evaluation: impact measures around CLN activity and members' personal progress."""

from resolvers.evaluation.mutations import Mutation
from resolvers.evaluation.queries import Query
from resolvers.evaluation.types import ImpactMeasure

graphql_types = [ImpactMeasure]

__all__ = ["Mutation", "Query", "graphql_types"]
