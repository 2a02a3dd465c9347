"""Comparison of an SHA's organisations in one quarter, in one SQL statement
(window functions per SHA: rank and mean)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text

from resolvers.common.context import Context

COMPARISON_SQL = text(
    """
    SELECT sha_code, organisation_id, period, doctors_engaged_pct, rating, mes_index,
           count(*) OVER w AS compared,
           rank() OVER (PARTITION BY sha_code ORDER BY doctors_engaged_pct DESC) AS share_rank,
           avg(doctors_engaged_pct) OVER w AS mean_pct,
           doctors_engaged_pct - avg(doctors_engaged_pct) OVER w AS diff_pct,
           CASE WHEN mes_index IS NOT NULL THEN
               rank() OVER (PARTITION BY sha_code, mes_index IS NULL ORDER BY mes_index DESC)
           END AS mes_rank,
           mes_index - avg(mes_index) OVER w AS mes_diff
    FROM medical_engagement_scores
    WHERE sha_code IN :shas AND period = :period
    WINDOW w AS (PARTITION BY sha_code)
    ORDER BY sha_code, share_rank, organisation_id
    """
).bindparams(bindparam("shas", expanding=True))


async def compare(ctx: Context, shas: list[str], period: str) -> list[Any]:
    return list(await ctx.db.rows(COMPARISON_SQL, {"shas": shas, "period": period}))
