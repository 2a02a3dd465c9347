"""Action learning sets: groups of 60-120 clinicians per SHA meeting monthly around a
care pathway or priority, their attendance and the service-reform actions."""

from resolvers.learning_sets import progress
from resolvers.learning_sets.mutations import Mutation
from resolvers.learning_sets.queries import Query
from resolvers.learning_sets.types import LearningSet, LearningSetAction, LearningSetMeeting

progress.register()

graphql_types = [LearningSet, LearningSetMeeting, LearningSetAction]

__all__ = ["Mutation", "Query", "graphql_types"]
