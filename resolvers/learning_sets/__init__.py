"""Action learning sets: an SHA's clinicians (60-120 per SHA) meeting monthly in sets around a
care pathway or priority, their attendance and the service-reform actions."""

from resolvers.learning_sets import progress
from resolvers.learning_sets.mutations import Mutation
from resolvers.learning_sets.queries import Query
from resolvers.learning_sets.types import LearningSet, LearningSetAction, LearningSetMeeting

progress.register()

graphql_types = [LearningSet, LearningSetMeeting, LearningSetAction]

__all__ = ["Mutation", "Query", "graphql_types"]
