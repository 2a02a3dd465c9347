"""Rollout: onboarding and status changes of regions, and their public front-end settings."""

from resolvers.rollout.mutations import Mutation
from resolvers.rollout.queries import Query
from resolvers.rollout.types import (
    InvalidTransitionError,
    OnboardShaPayload,
    ShaFrontEnd,
    ShaSettingsPayload,
    ShaStatusPayload,
)

graphql_types = [
    ShaFrontEnd,
    InvalidTransitionError,
    OnboardShaPayload,
    ShaStatusPayload,
    ShaSettingsPayload,
]

__all__ = ["Mutation", "Query", "graphql_types"]
