"""Leadership development: competency frameworks, the training directory,
self-assessments, learning needs and the aggregate gap per SHA."""

from strawberry.tools import merge_types

from resolvers.development import quality_schema
from resolvers.development.mutations import Mutation as DirectoryMutation
from resolvers.development.queries import Query as DirectoryQuery
from resolvers.development.types import (
    CompetencyFramework,
    SelfAssessment,
    TrainingProgramme,
    TrainingProvider,
)

Query = merge_types("Query", (DirectoryQuery, quality_schema.Query))
Mutation = merge_types("Mutation", (DirectoryMutation, quality_schema.Mutation))

graphql_types = [CompetencyFramework, TrainingProvider, TrainingProgramme, SelfAssessment]

__all__ = ["Mutation", "Query", "graphql_types"]
