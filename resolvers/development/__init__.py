"""Leadership development: competency frameworks, the training directory,
self-assessments, learning needs and the aggregate gap per SHA."""

from resolvers.development.mutations import Mutation
from resolvers.development.queries import Query
from resolvers.development.types import (
    CompetencyFramework,
    SelfAssessment,
    TrainingProgramme,
    TrainingProvider,
)

graphql_types = [CompetencyFramework, TrainingProvider, TrainingProgramme, SelfAssessment]

__all__ = ["Mutation", "Query", "graphql_types"]
