"""Mutation and Subscription mixins of notifications (the feed itself is on `viewer`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from sqlalchemy import select

from auth.permissions import IsAuthenticated
from resolvers.common.context import Context, Info
from resolvers.common.ids import GlobalId
from resolvers.common.mutation import run_mutation
from resolvers.common.node import register_node
from resolvers.notifications import feed
from resolvers.notifications.enums import NotificationChannel, NotificationKind
from resolvers.notifications.live import notification_feed
from resolvers.notifications.tables import notifications
from resolvers.notifications.types import (
    MarkNotificationsReadPayload,
    MarkNotificationsReadResult,
    Notification,
    NotificationPreferencePayload,
    NotificationPreferenceResult,
)
from resolvers.viewer.me import me


async def _fetch(ctx: Context, gid: GlobalId) -> Notification | None:
    """Only her own notifications resolve by id."""
    found = me(ctx)
    if found is None or gid.sha_code != found.sha_code:
        return None
    n = notifications.c
    row = await ctx.db.first(
        select(notifications).where(
            n.sha_code == found.sha_code, n.id == gid.uuid, n.member_id == found.member_id
        )
    )
    return Notification.from_row(row) if row else None


register_node("Notification", _fetch)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Mark my notifications read: the ids given (at most 100), or all of them.",
        permission_classes=[IsAuthenticated],
    )
    async def mark_notifications_read(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID] | None, strawberry.argument(description="Notification ids.")
        ] = None,
        all: Annotated[bool, strawberry.argument(description="Mark every one read.")] = False,
    ) -> MarkNotificationsReadResult:
        async def act() -> MarkNotificationsReadPayload:
            marked, left = await feed.mark_read(
                info.context, [str(i) for i in ids] if ids is not None else None, all
            )
            return MarkNotificationsReadPayload(marked=marked, unread_count=left)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="How I hear of one kind of event: IN_APP (default), EMAIL or OFF.",
        permission_classes=[IsAuthenticated],
    )
    async def set_notification_preference(
        self,
        info: Info,
        kind: Annotated[NotificationKind, strawberry.argument(description="The kind of event.")],
        channel: Annotated[NotificationChannel, strawberry.argument(description="The channel.")],
    ) -> NotificationPreferenceResult:
        async def act() -> NotificationPreferencePayload:
            saved = await feed.set_preference(info.context, kind, channel)
            return NotificationPreferencePayload(preference=saved)

        return await run_mutation(info.context, act)  # type: ignore[return-value]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="My new notifications as they are committed (members only); `since`"
        " first replays the ones made after that time (at most 200).",
        permission_classes=[IsAuthenticated],
    )
    async def notification_added(
        self,
        info: Info,
        since: Annotated[
            dt.datetime | None,
            strawberry.argument(description="Replay notifications made after this time first."),
        ] = None,
    ) -> AsyncGenerator[Notification, None]:
        generator: Any = notification_feed(info.context, since)
        async for item in generator:
            yield item
