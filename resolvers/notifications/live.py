"""`notificationAdded`: a member's new notifications as they are committed.

LISTEN on `notifications` through the process's broker; each NOTIFY names the SHA and
(for one recipient) the member. On one that may concern her, the subscriber re-reads
her own notifications newer than the last one sent, in a short tenant transaction
with her own scope, so RLS and the explicit predicates decide what is delivered: a
member of one SHA is never sent another SHA's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Any

from sqlalchemy import func, select

from resolvers.common.context import Context
from resolvers.common.errors import Forbidden
from resolvers.notifications.service import CHANNEL
from resolvers.notifications.tables import notifications
from resolvers.notifications.types import Notification
from resolvers.viewer.me import Me, me
from tenants.pubsub import broker_for
from tenants.transaction import tenant_transaction

BATCH = 200
# A notification's `created_at` is its transaction's start, which may be earlier than
# its commit: rows are re-read over this window and the ones already sent skipped.
WINDOW = dt.timedelta(seconds=60)


def _transaction(ctx: Context) -> Any:
    return tenant_transaction(
        ctx.engine,
        ctx.scope,
        actor=ctx.principal.audit_name if ctx.principal else "anonymous",
        statement_timeout_ms=ctx.settings.statement_timeout_ms,
        mode=ctx.settings.tenancy_mode,
        prepared=ctx.settings.fast_path,
    )


async def _since(
    ctx: Context, found: Me, horizon: dt.datetime | None
) -> tuple[dt.datetime, list[Any]]:
    """(the database's now, her feed's rows created after `horizon` or the window)."""
    n = notifications.c
    async with _transaction(ctx) as db:
        now = await db.scalar(select(func.now()))
        query = (
            select(notifications)
            .where(
                n.sha_code == found.sha_code,
                n.member_id == found.member_id,
                n.in_app.is_(True),
                n.created_at > (horizon if horizon is not None else now - WINDOW),
            )
            .order_by(n.created_at, n.id)
            .limit(BATCH)
        )
        return now, list(await db.rows(query))


async def notification_feed(
    ctx: Context, since: dt.datetime | None = None
) -> AsyncGenerator[Notification, None]:
    found = me(ctx)
    if found is None:
        raise Forbidden("only a member has a notification feed")
    broker = await broker_for(ctx.app_state)
    async with broker.subscribe(CHANNEL) as queue:
        # the LISTEN is in place: anything committed from now on is seen; what is
        # already there is not "added"
        now, rows = await _since(ctx, found, None)
        horizon = now - WINDOW
        seen: dict[Any, dt.datetime] = {r.id: r.created_at for r in rows}
        if since is not None:  # a replay closes the gap since the client's last page
            _, replay = await _since(ctx, found, since)
            for row in replay:
                seen[row.id] = row.created_at
                yield Notification.from_row(row)
        seen = {k: v for k, v in seen.items() if v > horizon}
        member = str(found.member_id)
        while True:
            event = await queue.get()
            if event.get("sha") != found.sha_code or event.get("member") not in (None, member):
                continue
            now, rows = await _since(ctx, found, horizon)
            for row in rows:
                if row.id in seen:
                    continue
                seen[row.id] = row.created_at
                yield Notification.from_row(row)
            horizon = max(horizon, now - WINDOW)
            seen = {k: v for k, v in seen.items() if v > horizon}
