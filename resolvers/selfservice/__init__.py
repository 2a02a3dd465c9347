"""Self-service: a member's own profile, organisation moves, networks, learning sets and
followed threads, and the requests administrators and facilitators decide."""

from resolvers.selfservice.schema import Mutation, Query
from resolvers.selfservice.types import (
    DonePayload,
    JoinNetworkPayload,
    MembershipRequest,
    MembershipRequestPayload,
    MyProfilePayload,
)

graphql_types = [
    MembershipRequest,
    MembershipRequestPayload,
    MyProfilePayload,
    JoinNetworkPayload,
    DonePayload,
]

__all__ = ["Mutation", "Query", "graphql_types"]
