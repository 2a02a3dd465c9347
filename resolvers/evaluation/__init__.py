"""Evaluation: impact measures around CLN activity and members' personal progress."""

from strawberry.tools import merge_types

from resolvers.evaluation import evaluation_schema
from resolvers.evaluation.mutations import Mutation as RecordMutation
from resolvers.evaluation.queries import Query as MeasureQuery
from resolvers.evaluation.types import ImpactMeasure

Query = merge_types("Query", (MeasureQuery, evaluation_schema.Query))
Mutation = merge_types("Mutation", (RecordMutation, evaluation_schema.Mutation))

graphql_types = [ImpactMeasure]

__all__ = ["Mutation", "Query", "graphql_types"]
