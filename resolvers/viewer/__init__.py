"""The viewer: the caller, its reach, and a member's own home page."""

from resolvers.viewer.queries import Query
from resolvers.viewer.types import MyLearningSet, Viewer

graphql_types = [Viewer, MyLearningSet]

__all__ = ["Query", "graphql_types"]
