"""Forums: discussion per topic or role, moderation, and a live feed of new posts."""

from resolvers.forums.mutations import Mutation
from resolvers.forums.queries import Query, Subscription
from resolvers.forums.types import Forum, ForumPost, ForumThread, PostReport

graphql_types = [Forum, ForumThread, ForumPost, PostReport]

__all__ = ["Mutation", "Query", "Subscription", "graphql_types"]
