"""Reading and marking a member's own feed."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, update

from resolvers.common.audit import record_audit
from resolvers.common.context import Context
from resolvers.common.errors import FieldProblem, ValidationFailed
from resolvers.common.ids import decode_id
from resolvers.notifications.enums import NotificationChannel, NotificationKind
from resolvers.notifications.tables import notification_preferences, notifications
from resolvers.notifications.types import NotificationPreference
from resolvers.viewer.me import Me, require_member

MAX_MARK = 100


def feed_query(found: Me, unread_only: bool) -> Any:
    n = notifications.c
    query = select(notifications).where(
        n.sha_code == found.sha_code, n.member_id == found.member_id, n.in_app.is_(True)
    )
    if unread_only:
        query = query.where(n.read_at.is_(None))
    return query


async def unread_count(ctx: Context, found: Me) -> int:
    n = notifications.c
    count = await ctx.db.scalar(
        select(func.count()).where(
            n.sha_code == found.sha_code,
            n.member_id == found.member_id,
            n.in_app.is_(True),
            n.read_at.is_(None),
        )
    )
    return int(count or 0)


def _keys(found: Me, ids: list[str]) -> list[uuid.UUID]:
    if len(ids) > MAX_MARK:
        raise ValidationFailed([FieldProblem("ids", f"at most {MAX_MARK} ids at once")])
    keys = []
    for value in ids:
        try:
            gid = decode_id(value, "Notification")
            key = uuid.UUID(gid.key)
        except Exception:
            raise ValidationFailed([FieldProblem("ids", "not a Notification id")]) from None
        if gid.sha_code == found.sha_code:  # another region's id is simply not hers
            keys.append(key)
    return keys


async def mark_read(ctx: Context, ids: list[str] | None, everything: bool) -> tuple[int, int]:
    """Mark her own notifications read: the ids given, or all of them."""
    found = await require_member(ctx)
    if (ids is None) == (not everything):
        raise ValidationFailed([FieldProblem("ids", "give ids, or all: true")])
    n = notifications.c
    statement = update(notifications).where(
        n.sha_code == found.sha_code, n.member_id == found.member_id, n.read_at.is_(None)
    )
    if not everything:
        statement = statement.where(n.id.in_(_keys(found, ids or [])))
    rows = await ctx.db.rows(statement.values(read_at=func.now()).returning(n.id))
    await record_audit(
        ctx.db,
        sha_code=found.sha_code,
        action="notification.mark_read",
        entity_type="Member",
        entity_id=str(found.member_id),
        detail={"count": len(rows), "all": everything},
    )
    return len(rows), await unread_count(ctx, found)


async def preferences(ctx: Context, found: Me) -> list[NotificationPreference]:
    p = notification_preferences.c
    rows = await ctx.db.rows(
        select(p.kind, p.channel).where(
            p.sha_code == found.sha_code, p.member_id == found.member_id
        )
    )
    chosen = {r.kind: r.channel for r in rows}
    return [
        NotificationPreference(
            kind=kind, channel=NotificationChannel(chosen.get(kind.value, "IN_APP"))
        )
        for kind in NotificationKind
    ]


async def set_preference(
    ctx: Context, kind: NotificationKind, channel: NotificationChannel
) -> NotificationPreference:
    from sqlalchemy.dialects.postgresql import insert

    found = await require_member(ctx)
    statement = insert(notification_preferences).values(
        sha_code=found.sha_code, member_id=found.member_id, kind=kind.value, channel=channel.value
    )
    await ctx.db.rows(
        statement.on_conflict_do_update(
            index_elements=["sha_code", "member_id", "kind"],
            set_={"channel": channel.value},
        )
    )
    await record_audit(
        ctx.db,
        sha_code=found.sha_code,
        action="notification.preference",
        entity_type="Member",
        entity_id=str(found.member_id),
        detail={"kind": kind.value, "channel": channel.value},
    )
    return NotificationPreference(kind=kind, channel=channel)
