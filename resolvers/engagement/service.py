"""Medical engagement writes: validate ranges, write, audit. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert

from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import FieldProblem, ValidationFailed, require
from resolvers.common.mutation import ensure_writable
from resolvers.directory.tables import organisations
from resolvers.engagement.tables import scores
from resolvers.engagement.types import MedicalEngagementScore
from resolvers.escalator.periods import check_recorded_period
from resolvers.escalator.service import check_text, readable_id, require_row

MES_COLUMNS = {
    "mes_index": "mes.overallIndex",
    "mes_open_culture": "mes.openCulture",
    "mes_purpose_direction": "mes.purposeAndDirection",
    "mes_valued_empowered": "mes.valuedAndEmpowered",
}


@dataclass
class ScoreChanges:
    period: str | None = None
    doctors_engaged_pct: float | None = None
    rating: int | None = None
    mes_index: float | None = None
    mes_open_culture: float | None = None
    mes_purpose_direction: float | None = None
    mes_valued_empowered: float | None = None
    source: str | None = None


def _in_range(value: float | None, low: float, high: float, name: str) -> list[FieldProblem]:
    if value is None or low <= value <= high:
        return []
    return [FieldProblem(name, f"must be between {low:g} and {high:g}")]


def _problems(changes: ScoreChanges) -> list[FieldProblem]:
    problems = check_recorded_period(changes.period, "period")
    problems += _in_range(changes.doctors_engaged_pct, 0, 100, "doctorsEngagedPct")
    problems += _in_range(changes.rating, 1, 5, "rating")
    for column, name in MES_COLUMNS.items():
        problems += _in_range(getattr(changes, column), 0, 100, name)
    problems += check_text(changes.source, "source", 200)
    return problems


def _values(changes: ScoreChanges) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("period", "rating"):
        if getattr(changes, name) is not None:
            values[name] = getattr(changes, name)
    for name in ("doctors_engaged_pct", *MES_COLUMNS):
        value = getattr(changes, name)
        if value is not None:
            values[name] = Decimal(str(round(value, 2)))
    if changes.source is not None:
        values["source"] = changes.source.strip()
    return values


async def record_score(
    ctx: Context, organisation_id: str, changes: ScoreChanges
) -> MedicalEngagementScore:
    org_gid = readable_id(ctx, organisation_id, "Organisation", "organisationId")
    ensure_writable(ctx, org_gid.sha_code)
    if (
        changes.period is None
        or changes.doctors_engaged_pct is None
        or changes.rating is None
        or changes.source is None
    ):
        raise ValidationFailed(
            [FieldProblem("input", "period, doctorsEngagedPct, rating and source are required")]
        )
    require(_problems(changes))
    org = await require_row(ctx, organisations, org_gid, "Organisation")
    values = {"sha_code": org_gid.sha_code, "organisation_id": org.id, **_values(changes)}
    row = await ctx.db.first(insert(scores).values(**values).returning(*scores.c))
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=org_gid.sha_code,
        action="engagement.score.create",
        entity_type="MedicalEngagementScore",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k != "sha_code"},
    )
    return MedicalEngagementScore.from_row(row)


async def update_score(ctx: Context, id: str, changes: ScoreChanges) -> MedicalEngagementScore:
    gid = readable_id(ctx, id, "MedicalEngagementScore", "id")
    ensure_writable(ctx, gid.sha_code)
    current = await require_row(ctx, scores, gid, "MedicalEngagementScore")
    require(_problems(changes))
    values = {"updated_at": func.now(), **_values(changes)}
    row = await update_audited(
        ctx.db,
        scores,
        sha_code=gid.sha_code,
        key=current.id,
        values=values,
        action="engagement.score.update",
        entity_type="MedicalEngagementScore",
        detail={k: v for k, v in values.items() if k != "updated_at"},
    )
    return MedicalEngagementScore.from_row(row)
