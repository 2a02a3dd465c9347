"""SHA ranking per measure and month, and organisations with and without CLN activity.

The 2009 launch article: "Prior to CLN involvement, North West overall performance
was fourth nationally. Following the network activity, the SHA was ranked first
overall. Those primary care trusts with CLN membership demonstrated an improved
uptake profile." Ranks are computed in Python from one GROUP BY (no window function
over a non-distribution column, so the statement also runs on Citus); they rank the
SHAs the caller may read, so a national lead sees the national table.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry
from sqlalchemy import and_, exists, func, select

from resolvers.common.context import Context
from resolvers.directory.tables import members
from resolvers.evaluation.enums import ImpactMeasureKind
from resolvers.evaluation.tables import impact_measures
from resolvers.learning_sets.tables import set_members

LOWER_IS_BETTER = {ImpactMeasureKind.MRSA_BACTERAEMIA_RATE, ImpactMeasureKind.EMERGENCY_ADMISSIONS}


@strawberry.type(description="One SHA's place in one month.")
class ShaRank:
    sha_code: str = strawberry.field(description="The SHA.")
    mean: float = strawberry.field(description="Mean of its organisations' values.")
    organisations: int = strawberry.field(description="Organisations with a value.")
    rank: int = strawberry.field(description="1 = best among the SHAs ranked.")


@strawberry.type(description="The SHAs ranked by a measure in one month.")
class RankingPeriod:
    period_start: dt.date = strawberry.field(description="The month.")
    ranks: list[ShaRank] = strawberry.field(description="Best first.")


async def ranking(
    ctx: Context,
    shas: list[str],
    measure: ImpactMeasureKind,
    period_from: dt.date,
    period_to: dt.date,
) -> list[RankingPeriod]:
    m = impact_measures.c
    rows = await ctx.db.rows(
        select(
            m.period_start,
            m.sha_code,
            func.avg(m.value).label("mean"),
            func.count().label("n"),
        )
        .where(
            m.sha_code.in_(shas),
            m.measure == measure.value,
            m.period_start >= period_from,
            m.period_start <= period_to,
        )
        .group_by(m.period_start, m.sha_code)
    )
    by_month: dict[dt.date, list[tuple[str, float, int]]] = {}
    for r in rows:
        by_month.setdefault(r.period_start, []).append((r.sha_code, float(r.mean), r.n))
    descending = measure not in LOWER_IS_BETTER
    result = []
    for month in sorted(by_month):
        entries = sorted(by_month[month], key=lambda e: (-e[1] if descending else e[1], e[0]))
        result.append(
            RankingPeriod(
                period_start=month,
                ranks=[
                    ShaRank(sha_code=sha, mean=round(mean, 2), organisations=n, rank=i + 1)
                    for i, (sha, mean, n) in enumerate(entries)
                ],
            )
        )
    return result


@strawberry.enum(description="Whether an organisation's members take part in learning sets.")
class ClnActivity(Enum):
    WITH_CLN = "WITH_CLN"
    WITHOUT_CLN = "WITHOUT_CLN"


@strawberry.type(
    description="Organisations with or without CLN activity (members in a learning set),"
    " before and after a date."
)
class ClnGroupComparison:
    group: ClnActivity = strawberry.field(description="Which group.")
    organisations: int = strawberry.field(description="Organisations with values in both windows.")
    before_mean: float | None = strawberry.field(description="Mean before.")
    after_mean: float | None = strawberry.field(description="Mean after.")
    change: float | None = strawberry.field(description="After minus before.")


async def with_and_without(
    ctx: Context,
    shas: list[str],
    measure: ImpactMeasureKind,
    pivot: dt.date,
    window_from: dt.date,
    window_to: dt.date,
) -> list[ClnGroupComparison]:
    m, s, mem = impact_measures.c, set_members.c, members.c
    active = exists().where(
        and_(
            mem.sha_code == m.sha_code,
            mem.organisation_id == m.organisation_id,
            s.sha_code == mem.sha_code,
            s.member_id == mem.id,
            s.sha_code.in_(shas),
            mem.sha_code.in_(shas),
        )
    )
    before = m.period_start < pivot
    per_org = (
        select(
            active.label("with_cln"),
            func.avg(m.value).filter(before).label("b"),
            func.avg(m.value).filter(~before).label("a"),
        )
        .where(
            m.sha_code.in_(shas),
            m.measure == measure.value,
            m.period_start >= window_from,
            m.period_start < window_to,
        )
        .group_by(m.sha_code, m.organisation_id)
        .subquery()
    )
    both = and_(per_org.c.b.is_not(None), per_org.c.a.is_not(None))
    rows = await ctx.db.rows(
        select(
            per_org.c.with_cln,
            func.count().filter(both).label("n"),
            func.avg(per_org.c.b).filter(both).label("b"),
            func.avg(per_org.c.a).filter(both).label("a"),
        ).group_by(per_org.c.with_cln)
    )
    found = {bool(r.with_cln): r for r in rows}
    result = []
    for flag, group in ((True, ClnActivity.WITH_CLN), (False, ClnActivity.WITHOUT_CLN)):
        r = found.get(flag)
        b = float(r.b) if r is not None and r.b is not None else None
        a = float(r.a) if r is not None and r.a is not None else None
        result.append(
            ClnGroupComparison(
                group=group,
                organisations=r.n if r is not None else 0,
                before_mean=None if b is None else round(b, 2),
                after_mean=None if a is None else round(a, 2),
                change=None if a is None or b is None else round(a - b, 2),
            )
        )
    return result
