"""The service's periodic jobs: e-mail delivery of notifications, data exports,
reminders and retention. `run_once` is what `cln-graph run-jobs --once` runs; the app
also runs them every `CLN_JOBS_INTERVAL_S` in-process (`CLN_JOBS_IN_PROCESS`, on by
default), and several processes may: every job claims its rows with
`FOR UPDATE SKIP LOCKED` or is idempotent (dedupe keys, conditional deletes)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from foundation.settings import Settings

log = logging.getLogger("clngraph.jobs")


async def run_once(engine: AsyncEngine, settings: Settings) -> dict[str, Any]:
    from resolvers.gdpr.exports import build_pending
    from resolvers.gdpr.retention import enforce
    from resolvers.notifications.mailer import deliver_due, fail_interrupted
    from resolvers.notifications.reminders import overdue_plans

    report: dict[str, Any] = {}
    report["exports_built"] = await build_pending(engine, settings)
    report["plans_overdue_told"] = await overdue_plans(engine, settings)
    report["emails_interrupted"] = await fail_interrupted(engine, settings)
    delivery = await deliver_due(engine, settings)
    report["emails"] = {
        "sent": delivery.sent,
        "retried": delivery.retried,
        "failed": delivery.failed,
    }
    report["retention"] = await enforce(engine, settings)
    return report


async def run_forever(engine: AsyncEngine, settings: Settings) -> None:
    """Every interval, until cancelled; a failing round is logged and the next one runs."""
    while True:
        await asyncio.sleep(settings.jobs_interval_s)
        try:
            report = await run_once(engine, settings)
            log.info("jobs ran", extra={"report": report})
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("jobs failed; trying again next interval")
