"""DataLoaders and small reads of evaluation: one SQL statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import text

from resolvers.common.context import Context
from resolvers.common.loaders import RequestLoader
from resolvers.common.sql import by_key
from resolvers.evaluation.hooks import MemberKey, ProgressKind, progress_counter
from resolvers.evaluation.tables import impact_measures
from resolvers.evaluation.types import ImpactMeasure, ProgressPoint

Key = tuple[str, uuid.UUID]
MAX_POINTS = 100


class ImpactMeasureByIdLoader(RequestLoader[Key, ImpactMeasure | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[ImpactMeasure | None]:
        rows = await self.ctx.db.rows(*by_key(impact_measures, keys))
        found = {(r.sha_code, r.id): ImpactMeasure.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


_POINTS = text(
    f"""
    SELECT a.assessed_on, a.framework_code, avg(s.score)::float AS average_score,
           count(*) FILTER (WHERE s.score < f.need_below) AS learning_needs
    FROM self_assessments a
    JOIN self_assessment_scores s ON s.sha_code = a.sha_code AND s.assessment_id = a.id
    JOIN competency_frameworks f ON f.code = a.framework_code
    WHERE a.sha_code = :sha AND s.sha_code = :sha AND a.member_id = :member
      AND (CAST(:framework AS text) IS NULL OR a.framework_code = :framework)
    GROUP BY a.id, a.assessed_on, a.framework_code
    ORDER BY a.assessed_on, a.framework_code
    LIMIT {MAX_POINTS}
    """
)


async def progress_points(
    ctx: Context, sha: str, member: uuid.UUID, framework: str | None
) -> list[ProgressPoint]:
    rows = await ctx.db.rows(_POINTS, {"sha": sha, "member": member, "framework": framework})
    return [
        ProgressPoint(
            assessed_on=r.assessed_on,
            framework_code=r.framework_code,
            average_score=round(r.average_score, 2),
            learning_needs=r.learning_needs,
        )
        for r in rows
    ]


def counter_available(kind: ProgressKind) -> bool:
    return progress_counter(kind) is not None


class _HookLoader(RequestLoader[MemberKey, int]):
    kind: ProgressKind

    async def load_batch(self, keys: list[MemberKey]) -> Sequence[int]:
        counter = progress_counter(self.kind)
        assert counter is not None, "resolvers check counter_available first"
        return await counter(self.ctx, keys)


class SetsAttendedLoader(_HookLoader):
    kind: ProgressKind = "sets_attended"


class ActionsCompletedLoader(_HookLoader):
    kind: ProgressKind = "actions_completed"
