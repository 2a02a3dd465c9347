"""The notification outbox's depth for `/metrics`: e-mails waiting to be sent, read at
scrape time in a system transaction over every SHA (RLS still applies)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from foundation.metrics import OUTBOX_DEPTH
from resolvers.notifications.system import system_transaction

_WAITING = text(
    "SELECT count(*) FROM notifications"
    " WHERE sha_code = ANY(CAST(:shas AS text[])) AND email_status IN ('PENDING', 'SENDING')"
)


async def outbox_depth(state: Any) -> None:
    async with system_transaction(state.engine, state.settings, "metrics") as db:
        OUTBOX_DEPTH.set(int(await db.scalar(_WAITING, {"shas": sorted(db.scope.read)}) or 0))
