"""The SHA's collation of Escalator assessments, computed in SQL (one statement each).

Early-support rule (N = `periods`, default 2), per organisation and policy area,
looking at its assessments in period order (only periods up to `asOfPeriod`):

* FELL_BACK: its latest N assessments are all below the highest level it reached
  before them.
* STALLED: its latest N+1 assessments all record the same level, below 4
  (no progress for N periods), and it did not fall back.
* OVERDUE_PLAN (per organisation): a clinical engagement plan is ACTIVE and its
  next review date is before `asOf` (default today).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, func, select, text

from resolvers.common.context import Context
from resolvers.escalator.tables import assessments

FLAGS_SQL = text(
    """
    WITH ranked AS (
        SELECT sha_code, organisation_id, policy_area, period, level,
               row_number() OVER (PARTITION BY sha_code, organisation_id, policy_area
                                  ORDER BY period DESC) AS rn
        FROM escalator_assessments
        WHERE sha_code IN :shas AND (CAST(:as_of_period AS text) IS NULL OR period <= :as_of_period)
    ), summary AS (
        SELECT sha_code, organisation_id, policy_area,
               max(period) FILTER (WHERE rn = 1) AS latest_period,
               max(level) FILTER (WHERE rn = 1) AS latest_level,
               count(*) FILTER (WHERE rn <= :n + 1) AS window_size,
               min(level) FILTER (WHERE rn <= :n + 1) AS window_min,
               max(level) FILTER (WHERE rn <= :n + 1) AS window_max,
               count(*) FILTER (WHERE rn <= :n) AS recent_size,
               max(level) FILTER (WHERE rn <= :n) AS recent_max,
               max(level) FILTER (WHERE rn > :n) AS earlier_peak
        FROM ranked GROUP BY sha_code, organisation_id, policy_area
    ), flags AS (
        SELECT sha_code, organisation_id, 'FELL_BACK' AS reason, policy_area,
               latest_period, latest_level, earlier_peak AS reference,
               NULL::uuid AS plan_id, NULL::date AS review_on
        FROM summary WHERE recent_size = :n AND recent_max < earlier_peak
        UNION ALL
        SELECT sha_code, organisation_id, 'STALLED', policy_area,
               latest_period, latest_level, window_max, NULL::uuid, NULL::date
        FROM summary
        WHERE window_size = :n + 1 AND window_min = window_max AND window_max < 4
          AND NOT (recent_size = :n AND recent_max < coalesce(earlier_peak, 0))
        UNION ALL
        SELECT sha_code, organisation_id, 'OVERDUE_PLAN', NULL, NULL, NULL, NULL,
               id, next_review_on
        FROM engagement_plans
        WHERE sha_code IN :shas AND status = 'ACTIVE' AND next_review_on < :as_of
    )
    SELECT * FROM flags ORDER BY sha_code, organisation_id, reason, policy_area, plan_id
    """
).bindparams(bindparam("shas", expanding=True))

TREND_SQL = text(
    """
    SELECT sha_code, organisation_id, policy_area, period, level,
           level - lag(level) OVER (PARTITION BY sha_code, organisation_id, policy_area
                                    ORDER BY period) AS change
    FROM escalator_assessments
    WHERE sha_code IN :shas
      AND (CAST(:org AS uuid) IS NULL OR organisation_id = CAST(:org AS uuid))
      AND (CAST(:areas AS text[]) IS NULL OR policy_area = ANY (CAST(:areas AS text[])))
    ORDER BY sha_code, organisation_id, policy_area, period
    """
).bindparams(bindparam("shas", expanding=True))


async def level_distribution(
    ctx: Context,
    shas: list[str],
    areas: list[str] | None,
    period_from: str | None,
    period_to: str | None,
) -> list[Any]:
    a = assessments.c
    counts = [func.count().filter(a.level == k).label(f"l{k}") for k in range(1, 5)]
    query = select(a.sha_code, a.policy_area, a.period, *counts, func.count().label("total")).where(
        a.sha_code.in_(shas)
    )
    if areas:
        query = query.where(a.policy_area.in_(areas))
    if period_from:
        query = query.where(a.period >= period_from)
    if period_to:
        query = query.where(a.period <= period_to)
    query = query.group_by(a.sha_code, a.policy_area, a.period).order_by(
        a.sha_code, a.policy_area, a.period
    )
    return list(await ctx.db.rows(query))


async def trends(
    ctx: Context, shas: list[str], organisation: Any | None, areas: list[str] | None
) -> list[Any]:
    params = {
        "shas": shas,
        "org": str(organisation) if organisation else None,
        "areas": areas or None,
    }
    return list(await ctx.db.rows(TREND_SQL, params))


async def early_support(
    ctx: Context, shas: list[str], periods: int, as_of: dt.date, as_of_period: str | None
) -> list[Any]:
    params = {"shas": shas, "n": periods, "as_of": as_of, "as_of_period": as_of_period}
    return list(await ctx.db.rows(FLAGS_SQL, params))
