"""Notifications: the outbox, the feed, the live subscription and e-mail delivery.

Other domains call `resolvers.notifications.service.notify(...)` in their own
transaction."""

from resolvers.notifications.schema import Mutation, Subscription
from resolvers.notifications.types import (
    MarkNotificationsReadPayload,
    Notification,
    NotificationPreference,
    NotificationPreferencePayload,
)

graphql_types = [
    Notification,
    NotificationPreference,
    MarkNotificationsReadPayload,
    NotificationPreferencePayload,
]

__all__ = ["Mutation", "Subscription", "graphql_types"]
