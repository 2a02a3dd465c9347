"""GraphQL types of the notification feed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.notifications.enums import EmailStatus, NotificationChannel, NotificationKind


@strawberry.type(description="Something a member was told of, in her feed.")
class Notification(Node):
    kind: NotificationKind = strawberry.field(description="What happened.")
    title: str = strawberry.field(description="One line to show.")
    body: str = strawberry.field(description="More detail (plain text).")
    subject_id: str | None = strawberry.field(
        description="Global id of what it is about (a thread, an event registration...)."
    )
    created_at: dt.datetime = strawberry.field(description="When it happened.")
    read_at: dt.datetime | None = strawberry.field(description="When she marked it read.")
    email_status: EmailStatus = strawberry.field(
        description="NONE unless she asked for e-mail; then PENDING, SENDING, SENT or FAILED."
    )
    sha_code: strawberry.Private[str]
    db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> Notification:
        return cls(
            id=strawberry.ID(encode_id("Notification", row.sha_code, row.id)),
            sha_code=row.sha_code,
            db_id=row.id,
            kind=NotificationKind(row.kind),
            title=row.title,
            body=row.body,
            subject_id=row.subject_id,
            created_at=row.created_at,
            read_at=row.read_at,
            email_status=EmailStatus(row.email_status),
        )

    @strawberry.field(description="Whether she has read it.")
    def read(self) -> bool:
        return self.read_at is not None


@strawberry.type(description="How a member hears of one kind of event.")
class NotificationPreference:
    kind: NotificationKind = strawberry.field(description="The kind of event.")
    channel: NotificationChannel = strawberry.field(description="In the feed, by e-mail, or off.")


@strawberry.type(description="Notifications marked read, and what is left unread.")
class MarkNotificationsReadPayload:
    marked: int = strawberry.field(description="How many were newly marked read.")
    unread_count: int = strawberry.field(description="Unread notifications left.")


@strawberry.type(description="The preference as saved.")
class NotificationPreferencePayload:
    preference: NotificationPreference = strawberry.field(description="The saved preference.")


MarkNotificationsReadResult = Annotated[
    MarkNotificationsReadPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("MarkNotificationsReadResult", description="Marked, or why not."),
]
NotificationPreferenceResult = Annotated[
    NotificationPreferencePayload
    | ValidationError
    | NotFoundError
    | ForbiddenError
    | ConflictError,
    strawberry.union("NotificationPreferenceResult", description="Saved, or why not."),
]
