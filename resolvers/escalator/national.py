"""The Escalator section of the national dashboard: level distribution by SHA and policy
area, one GROUP BY over each organisation's latest assessment (or one period's)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, text

from resolvers.common.loaders import RequestLoader

# (SHA codes, period or None for each organisation's latest assessment)
DistributionKey = tuple[tuple[str, ...], str | None]

# Every key DESC: the unique index (sha_code, organisation_id, policy_area, period) is
# then walked backwards and DISTINCT ON needs no sort (docs/benchmarks.md).
_DISTRIBUTION = """
    WITH chosen AS (
        SELECT DISTINCT ON (sha_code, organisation_id, policy_area)
               sha_code, policy_area, level
        FROM escalator_assessments
        WHERE sha_code IN :shas {period_filter}
        ORDER BY sha_code DESC, organisation_id DESC, policy_area DESC, period DESC
    )
    SELECT sha_code, policy_area,
           count(*) FILTER (WHERE level = 1) AS l1,
           count(*) FILTER (WHERE level = 2) AS l2,
           count(*) FILTER (WHERE level = 3) AS l3,
           count(*) FILTER (WHERE level = 4) AS l4,
           count(*) AS total
    FROM chosen
    GROUP BY sha_code, policy_area
    ORDER BY sha_code, policy_area
    """


@functools.cache
def _distribution(with_period: bool) -> Any:
    """One statement for the latest assessments, one for a given period (a generic plan
    of `(:period IS NULL OR period = :period)` could not drop the unused branch), the
    SHA codes written in as literals (resolvers/common/sql.py `sha_literals`)."""
    sql = _DISTRIBUTION.format(period_filter="AND period = :period" if with_period else "")
    return text(sql).bindparams(
        bindparam("shas", type_=String, expanding=True, literal_execute=True)
    )


@dataclass(frozen=True)
class LevelDistribution:
    """Organisations at each Escalator level in one SHA and policy area."""

    sha_code: str
    policy_area: str
    levels: tuple[int, int, int, int]
    organisations: int


class LevelDistributionByShasLoader(RequestLoader[DistributionKey, list[LevelDistribution]]):
    async def load_batch(self, keys: list[DistributionKey]) -> Sequence[list[LevelDistribution]]:
        found: dict[DistributionKey, list[LevelDistribution]] = {}
        # one statement per distinct period asked for (a request normally asks for one)
        for period in sorted({k[1] for k in keys}, key=lambda p: p or ""):
            codes = sorted({c for key in keys if key[1] == period for c in key[0]})
            rows = (
                await self.ctx.db.rows(
                    _distribution(period is not None),
                    {"shas": codes, **({"period": period} if period is not None else {})},
                )
                if codes
                else []
            )
            items = [
                LevelDistribution(r.sha_code, r.policy_area, (r.l1, r.l2, r.l3, r.l4), r.total)
                for r in rows
            ]
            for key in keys:
                if key[1] == period:
                    found[key] = [i for i in items if i.sha_code in key[0]]
        return [found[k] for k in keys]
