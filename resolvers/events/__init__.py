"""Events: the annual Clinical Congress and regional meetings, sessions, registrations
with capacity and a waiting list; national events are open to every SHA."""

from resolvers.events.mutations import Mutation
from resolvers.events.queries import Query
from resolvers.events.types import Event, EventRegistration, EventSession

graphql_types = [Event, EventSession, EventRegistration]

__all__ = ["Mutation", "Query", "graphql_types"]
