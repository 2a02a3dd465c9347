"""Correct an impact measure, keeping the history: old and new value and source, why,
who, when. A second record for the same organisation, measure and month is refused
with the measure to correct instead."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Sequence
from typing import Any

import strawberry
from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert

from auth.principal import Role
from resolvers.common.audit import update_audited
from resolvers.common.context import Context
from resolvers.common.errors import Conflict, FieldProblem, NotAllowed, NotFound, require
from resolvers.common.ids import encode_id
from resolvers.common.loaders import RequestLoader
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import parse_id
from resolvers.evaluation.enums import PERCENT_MEASURES, ImpactMeasureKind
from resolvers.evaluation.tables import corrections, impact_measures
from resolvers.evaluation.types import ImpactMeasure


@strawberry.type(description="One correction of an impact measure.")
class ImpactMeasureCorrection:
    old_value: float = strawberry.field(description="The value before.")
    new_value: float = strawberry.field(description="The value after.")
    old_source: str = strawberry.field(description="The source before.")
    new_source: str = strawberry.field(description="The source after.")
    reason: str = strawberry.field(description="Why it was corrected.")
    corrected_at: dt.datetime = strawberry.field(description="When.")

    @classmethod
    def from_row(cls, row: Any) -> ImpactMeasureCorrection:
        return cls(
            old_value=float(row.old_value),
            new_value=float(row.new_value),
            old_source=row.old_source,
            new_source=row.new_source,
            reason=row.reason,
            corrected_at=row.corrected_at,
        )


Key = tuple[str, uuid.UUID]


class CorrectionsByMeasureLoader(RequestLoader[Key, list[ImpactMeasureCorrection]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[ImpactMeasureCorrection]]:
        c = corrections.c
        rows = await self.ctx.db.rows(
            select(corrections)
            .where(c.sha_code.in_(sorted({k[0] for k in keys})))
            .where(tuple_(c.sha_code, c.measure_id).in_(keys))
            .order_by(c.corrected_at, c.id)
        )
        found: dict[Key, list[ImpactMeasureCorrection]] = {k: [] for k in keys}
        for r in rows:
            found[(r.sha_code, r.measure_id)].append(ImpactMeasureCorrection.from_row(r))
        return [found[k] for k in keys]


class MeasureExists(Conflict):
    def __init__(self, existing: str) -> None:
        super().__init__(
            f"this organisation already has a value for that measure and month ({existing}):"
            " correct it with correctImpactMeasure"
        )


async def refuse_duplicate(
    ctx: Context, sha: str, org: Any, measure: ImpactMeasureKind, period_start: dt.date
) -> None:
    m = impact_measures.c
    existing = await ctx.db.scalar(
        select(m.id).where(
            m.sha_code == sha,
            m.organisation_id == org,
            m.measure == measure.value,
            m.period_start == period_start,
        )
    )
    if existing is not None:
        raise MeasureExists(encode_id("ImpactMeasure", sha, existing))


async def correct(
    ctx: Context, id: str, value: float | None, source: str | None, reason: str
) -> ImpactMeasure:
    gid = parse_id(id, "ImpactMeasure", "id")
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("ImpactMeasure", id)
    ensure_writable(ctx, gid.sha_code)
    p = ctx.principal
    if p is None or not (
        p.has_role(Role.PLATFORM_ADMIN)
        or (p.has_role(Role.SHA_ADMIN) and p.home_sha == gid.sha_code)
    ):
        raise NotAllowed(f"admins of SHA {gid.sha_code} correct its impact measures")
    m = impact_measures.c
    current = await ctx.db.first(
        select(impact_measures).where(m.sha_code == gid.sha_code, m.id == uuid.UUID(gid.key))
    )
    if current is None:
        raise NotFound("ImpactMeasure", id)
    problems: list[FieldProblem] = []
    if not 1 <= len(reason.strip()) <= 1000:
        problems.append(FieldProblem("reason", "say why, in 1 to 1000 characters"))
    if value is None and source is None:
        problems.append(FieldProblem("input", "give the corrected value or source"))
    kind = ImpactMeasureKind(current.measure)
    if value is not None:
        if not math.isfinite(value) or abs(value) >= 1e9 or value < 0:
            problems.append(FieldProblem("value", "must be a finite number from 0 below 1e9"))
        elif kind in PERCENT_MEASURES and value > 100:
            problems.append(FieldProblem("value", f"{kind.value} is a percentage (0 to 100)"))
    if source is not None and not 1 <= len(source.strip()) <= 200:
        problems.append(FieldProblem("source", "must be 1 to 200 characters"))
    require(problems)
    new_value = current.value if value is None else value
    new_source = current.source if source is None else source.strip()
    await ctx.db.rows(
        insert(corrections).values(
            sha_code=current.sha_code,
            measure_id=current.id,
            old_value=current.value,
            new_value=new_value,
            old_source=current.source,
            new_source=new_source,
            reason=reason.strip(),
            corrected_by=ctx.db.actor,
        )
    )
    row = await update_audited(
        ctx.db,
        impact_measures,
        sha_code=current.sha_code,
        key=current.id,
        values={"value": new_value, "source": new_source},
        action="impact_measure.correct",
        entity_type="ImpactMeasure",
        detail={
            "old_value": float(current.value),
            "new_value": float(new_value),
            "reason": reason.strip(),
        },
    )
    return ImpactMeasure.from_row(row)
