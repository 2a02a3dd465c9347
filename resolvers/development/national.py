"""The training-gap section of the national dashboard: per SHA and competency, members
whose latest self-assessment shows a need, and whether any programme covers it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import String, bindparam, text

from resolvers.common.loaders import RequestLoader

ShaKey = tuple[str, ...]

# One statement: each member's latest assessment per framework, scores below the
# framework's need threshold grouped by SHA and competency, and programme cover (the
# SHA's own programmes or any published nationally) as an EXISTS over the few
# programmes read once. Both are materialized: Citus refuses a correlated subquery
# next to a distributed table, and runs one over two intermediate results.
_GAPS = text(
    """
    WITH latest AS (
        SELECT DISTINCT ON (sha_code, member_id, framework_code) sha_code, id, framework_code
        FROM self_assessments
        WHERE sha_code IN :shas
        ORDER BY sha_code, member_id, framework_code, assessed_on DESC, created_at DESC
    ), needs AS MATERIALIZED (
        SELECT s.sha_code, l.framework_code, s.competency_code,
               count(*) AS assessed,
               count(*) FILTER (WHERE s.score < f.need_below) AS in_need
        FROM self_assessment_scores s
        JOIN latest l ON l.sha_code = s.sha_code AND l.id = s.assessment_id
        JOIN competency_frameworks f ON f.code = l.framework_code
        WHERE s.sha_code IN :shas
        GROUP BY s.sha_code, l.framework_code, s.competency_code
    ), cover AS MATERIALIZED (
        SELECT sha_code, published_nationally, competency_codes FROM training_programmes
        WHERE sha_code IN :shas OR published_nationally
    )
    SELECT n.*,
           EXISTS (SELECT 1 FROM cover p
                   WHERE (p.sha_code = n.sha_code OR p.published_nationally)
                     AND n.competency_code = ANY (p.competency_codes)) AS covered
    FROM needs n
    WHERE n.in_need > 0
    ORDER BY n.sha_code, n.in_need DESC, n.framework_code, n.competency_code
    """
).bindparams(
    bindparam("shas", type_=String, expanding=True, literal_execute=True)
)  # see common/sql.py


@dataclass(frozen=True)
class TrainingGap:
    """Members of one SHA needing one competency, and whether training exists for it."""

    sha_code: str
    framework_code: str
    competency_code: str
    members_assessed: int
    members_in_need: int
    covered: bool


class TrainingGapsByShasLoader(RequestLoader[ShaKey, list[TrainingGap]]):
    async def load_batch(self, keys: list[ShaKey]) -> Sequence[list[TrainingGap]]:
        codes = sorted({c for key in keys for c in key})
        if not codes:
            return [[] for _ in keys]
        rows = [
            TrainingGap(
                r.sha_code,
                r.framework_code,
                r.competency_code,
                r.assessed,
                r.in_need,
                r.covered,
            )
            for r in await self.ctx.db.rows(_GAPS, {"shas": codes})
        ]
        return [[r for r in rows if r.sha_code in key] for key in keys]
