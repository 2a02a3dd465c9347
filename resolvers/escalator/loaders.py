"""DataLoaders of the Escalator: one SQL statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import null, select, union_all

from resolvers.common.loaders import RequestLoader
from resolvers.common.sql import by_key
from resolvers.escalator.tables import (
    assessments,
    engagement_plans,
    national_policy_areas,
    policy_areas,
)
from resolvers.escalator.types import EngagementPlan, EscalatorAssessment, PolicyArea

Key = tuple[str, uuid.UUID]


class PolicyAreaByCodeLoader(RequestLoader[tuple[str, str], PolicyArea | None]):
    """(sha, code) -> the SHA's own area of that code, else the national one."""

    async def load_batch(self, keys: list[tuple[str, str]]) -> Sequence[PolicyArea | None]:
        shas = sorted({k[0] for k in keys})
        codes = sorted({k[1] for k in keys})
        national = select(
            national_policy_areas.c.code,
            national_policy_areas.c.name,
            null().label("sha_code"),
        ).where(national_policy_areas.c.code.in_(codes))
        own = select(policy_areas.c.code, policy_areas.c.name, policy_areas.c.sha_code).where(
            policy_areas.c.sha_code.in_(shas), policy_areas.c.code.in_(codes)
        )
        rows = await self.ctx.db.rows(union_all(national, own))
        by_national = {r.code: r for r in rows if r.sha_code is None}
        by_sha = {(r.sha_code, r.code): r for r in rows if r.sha_code is not None}
        found: list[PolicyArea | None] = []
        for sha, code in keys:
            row = by_sha.get((sha, code)) or by_national.get(code)
            found.append(
                PolicyArea(code=row.code, name=row.name, sha_code=row.sha_code) if row else None
            )
        return found


class EscalatorAssessmentByIdLoader(RequestLoader[Key, EscalatorAssessment | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[EscalatorAssessment | None]:
        rows = await self.ctx.db.rows(*by_key(assessments, keys))
        found = {(r.sha_code, r.id): EscalatorAssessment.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class EngagementPlanByIdLoader(RequestLoader[Key, EngagementPlan | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[EngagementPlan | None]:
        rows = await self.ctx.db.rows(*by_key(engagement_plans, keys))
        found = {(r.sha_code, r.id): EngagementPlan.from_row(r) for r in rows}
        return [found.get(k) for k in keys]
