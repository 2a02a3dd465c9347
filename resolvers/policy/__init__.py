"""Policy access: consultations opened by policy leads and members' responses."""

from resolvers.policy.mutations import Mutation
from resolvers.policy.queries import Query
from resolvers.policy.types import Consultation, ConsultationClosedError, ConsultationResponse

graphql_types = [Consultation, ConsultationResponse, ConsultationClosedError]

__all__ = ["Mutation", "Query", "graphql_types"]
