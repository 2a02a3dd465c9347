"""Retention periods per kind of record (`CLN_RETENTION_DAYS`, foundation/settings.py),
enforced by `cln-graph enforce-retention` and the in-process jobs (clngraph/jobs.py).

Also drops the documents of exports whose link has expired: an expired export keeps
its row (that it was asked for and when) and loses its content at once."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from foundation.settings import Settings
from resolvers.notifications.system import system_transaction

_SHAS = "sha_code = ANY(CAST(:shas AS text[]))"
_DAYS = "make_interval(days => :days)"

STATEMENTS: dict[str, tuple[str, ...]] = {
    "notifications": (
        f"DELETE FROM notifications WHERE {_SHAS} AND created_at < now() - {_DAYS}"
        " AND email_status NOT IN ('PENDING', 'SENDING')",
    ),
    "data_exports": (f"DELETE FROM data_exports WHERE {_SHAS} AND requested_at < now() - {_DAYS}",),
    "decided_requests": tuple(
        f"DELETE FROM {table} WHERE {_SHAS} AND status <> 'PENDING'"
        f" AND coalesce(decided_at, requested_at) < now() - {_DAYS}"
        for table in (
            "organisation_move_requests",
            "network_join_requests",
            "learning_set_join_requests",
            "leave_requests",
        )
    ),
}
_EXPIRE = text(
    f"UPDATE data_exports SET status = 'EXPIRED', document = NULL"
    f" WHERE {_SHAS} AND status = 'READY' AND expires_at <= now()"
)


async def enforce(engine: AsyncEngine, settings: Settings) -> dict[str, int]:
    """Remove what is past its period; returns rows removed by kind."""
    removed: dict[str, int] = {}
    async with system_transaction(engine, settings, "retention") as db:
        shas = sorted(db.scope.read)
        expired = await db.rows(text(str(_EXPIRE) + " RETURNING id"), {"shas": shas})
        removed["expired_exports"] = len(expired)
        for kind, statements in STATEMENTS.items():
            days = settings.retention_days[kind]
            count = 0
            for statement in statements:
                rows = await db.rows(text(statement + " RETURNING 1"), {"shas": shas, "days": days})
                count += len(rows)
            removed[kind] = count
        removed["personal_data_reads"] = int(
            await db.scalar(
                text("SELECT purge_personal_data_reads(:days)"),
                {"days": settings.retention_days["personal_data_reads"]},
            )
            or 0
        )
    return removed
