"""Reminders no request triggers: an Engagement Escalator plan past its review date
tells its lead (once per plan and review date: the dedupe key)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from foundation.settings import Settings
from resolvers.common.ids import encode_id
from resolvers.notifications.enums import NotificationKind
from resolvers.notifications.service import notify
from resolvers.notifications.system import system_transaction

_OVERDUE = text(
    "SELECT sha_code, id, lead_id, service_change, next_review_on FROM engagement_plans"
    " WHERE sha_code = ANY(CAST(:shas AS text[])) AND lead_id IS NOT NULL"
    " AND status = 'ACTIVE' AND next_review_on < current_date"
    " ORDER BY sha_code, next_review_on, id LIMIT 1000"
)


async def overdue_plans(engine: AsyncEngine, settings: Settings) -> int:
    """Tell each overdue plan's lead; returns how many were told (now, not before)."""
    told = 0
    async with system_transaction(engine, settings, "reminders") as db:
        for plan in await db.rows(_OVERDUE, {"shas": sorted(db.scope.read)}):
            found = await notify(
                db,
                (plan.sha_code, plan.lead_id),
                NotificationKind.ENGAGEMENT_PLAN_OVERDUE,
                f"Engagement plan overdue for review: {plan.service_change}",
                f"Its review was due on {plan.next_review_on:%d %B %Y}.",
                subject_id=encode_id("EngagementPlan", plan.sha_code, plan.id),
                dedupe_key=f"plan-overdue:{plan.id}:{plan.next_review_on}",
            )
            told += found is not None
    return told
