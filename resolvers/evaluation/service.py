"""Writes of evaluation: validate, write, audit; never commit."""

from __future__ import annotations

import datetime as dt
import math
import uuid

from sqlalchemy import insert, select

from resolvers.common.audit import record_audit
from resolvers.common.context import Context
from resolvers.common.errors import FieldProblem, NotFound, require
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import parse_id
from resolvers.directory.tables import organisations
from resolvers.evaluation.enums import PERCENT_MEASURES, ImpactMeasureKind
from resolvers.evaluation.tables import impact_measures
from resolvers.evaluation.types import ImpactMeasure


def check_measure(
    measure: ImpactMeasureKind, period_start: dt.date, value: float, source: str
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if period_start.day != 1:
        problems.append(FieldProblem("periodStart", "must be the first day of a month"))
    if period_start > dt.date.today():
        problems.append(FieldProblem("periodStart", "must not be in the future"))
    if not math.isfinite(value) or abs(value) >= 1e9:
        problems.append(FieldProblem("value", "must be a finite number below 1e9"))
    elif measure in PERCENT_MEASURES and not 0 <= value <= 100:
        problems.append(FieldProblem("value", f"{measure.value} is a percentage (0 to 100)"))
    elif value < 0:
        problems.append(FieldProblem("value", "must not be negative"))
    if not 1 <= len(source.strip()) <= 200:
        problems.append(FieldProblem("source", "must be 1 to 200 characters"))
    return problems


async def record_measure(
    ctx: Context,
    organisation_id: str,
    measure: ImpactMeasureKind,
    period_start: dt.date,
    value: float,
    source: str,
) -> ImpactMeasure:
    gid = parse_id(organisation_id, "Organisation", "organisationId")
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("Organisation", organisation_id)
    ensure_writable(ctx, gid.sha_code)
    require(check_measure(measure, period_start, value, source))
    org = await ctx.db.first(
        select(organisations.c.id).where(
            organisations.c.sha_code == gid.sha_code, organisations.c.id == uuid.UUID(gid.key)
        )
    )
    if org is None:
        raise NotFound("Organisation", organisation_id)
    from resolvers.evaluation.corrections import refuse_duplicate

    await refuse_duplicate(ctx, gid.sha_code, org.id, measure, period_start)
    row = await ctx.db.first(
        insert(impact_measures)
        .values(
            sha_code=gid.sha_code,
            organisation_id=org.id,
            measure=measure.value,
            period_start=period_start,
            value=value,
            source=source.strip(),
        )
        .returning(*impact_measures.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=gid.sha_code,
        action="impact_measure.record",
        entity_type="ImpactMeasure",
        entity_id=str(row.id),
        detail={
            "organisation_id": str(org.id),
            "measure": measure.value,
            "period_start": period_start,
            "value": value,
        },
    )
    return ImpactMeasure.from_row(row)
