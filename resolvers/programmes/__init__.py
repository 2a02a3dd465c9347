"""Leadership programmes (Healthy Ambitions, aim B): funded places, application windows,
applications with statement and sponsor, selection into cohorts, attendance, completion."""

from resolvers.programmes.mutations import Mutation
from resolvers.programmes.queries import Query
from resolvers.programmes.types import Programme, ProgrammeApplication, ProgrammeCohort

graphql_types = [Programme, ProgrammeApplication, ProgrammeCohort]

__all__ = ["Mutation", "Query", "graphql_types"]
