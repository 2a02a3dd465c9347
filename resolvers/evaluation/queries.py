"""Evaluation queries: impact measures, before/after comparisons, personal progress."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, func, select

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.errors import BadUserInput
from resolvers.common.ids import GlobalId, MemberIdArg, decode_id
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    Filtered,
    Ordering,
    PageArgs,
    paginate,
)
from resolvers.development.privacy import may_read_assessments_of
from resolvers.directory.loaders import MemberByIdLoader
from resolvers.directory.queries import ShaNarrowing, narrow_shas
from resolvers.evaluation.enums import ImpactMeasureKind
from resolvers.evaluation.loaders import ImpactMeasureByIdLoader
from resolvers.evaluation.tables import impact_measures
from resolvers.evaluation.types import ImpactComparison, ImpactMeasure, PersonalProgress


@strawberry.input(description="Narrow the impact measure list; all conditions must hold.")
class ImpactMeasureFilter:
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="One organisation."
    )
    measures: list[ImpactMeasureKind] | None = strawberry.field(
        default=None, description="Only these measures."
    )
    from_period: dt.date | None = strawberry.field(default=None, description="From this month.")
    to_period: dt.date | None = strawberry.field(default=None, description="Up to this month.")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def measure_query(shas: list[str], where: ImpactMeasureFilter | None) -> Select[Any]:
    m = impact_measures.c
    query = select(impact_measures).where(m.sha_code.in_(shas))
    if where is None:
        return query
    if where.organisation_id:
        gid = decode_id(where.organisation_id, "Organisation")
        query = query.where(m.sha_code == gid.sha_code, m.organisation_id == gid.uuid)
    if where.measures:
        query = query.where(m.measure.in_([k.value for k in where.measures]))
    if where.from_period:
        query = query.where(m.period_start >= month_start(where.from_period))
    if where.to_period:
        query = query.where(m.period_start <= where.to_period)
    return query


async def _fetch_measure(ctx: Context, gid: GlobalId) -> ImpactMeasure | None:
    return await ctx.loader(ImpactMeasureByIdLoader).load((gid.sha_code, gid.uuid))


register_node("ImpactMeasure", _fetch_measure)


@strawberry.type
class Query:
    @strawberry.field(
        description="Monthly impact measures of organisations in scope, newest first.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def impact_measures(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[ImpactMeasureFilter | None] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[ImpactMeasure]:
        ctx = info.context
        c = impact_measures.c
        return await paginate(
            ctx.db,
            measure_query(narrow_shas(ctx, shas), filter),
            Ordering((c.period_start, c.sha_code, c.id), descending=True),
            page,
            ImpactMeasure.from_row,
        )

    @strawberry.field(
        description=(
            "Per organisation: mean of a measure in the `months` months before the month of"
            " a CLN activity, and in that month and the `months - 1` after (one GROUP BY)."
        ),
        permission_classes=[IsAuthenticated],
    )
    @paged(backwards=False)
    async def impact_comparisons(
        self,
        info: Info,
        measure: Annotated[
            ImpactMeasureKind, strawberry.argument(description="The measure to compare.")
        ],
        activity_date: Annotated[
            dt.date,
            strawberry.argument(
                description="Day of the CLN activity; its month is the first month counted as after."
            ),
        ],
        months: Annotated[
            int,
            strawberry.argument(
                description="Length of the before and after windows in months (1 to 36, default 6)."
            ),
        ] = 6,
        organisation_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this organisation (global id); default every organisation in scope."
            ),
        ] = None,
        page: PageArgs = PageArgs(),
        shas: ShaNarrowing = None,
    ) -> Connection[ImpactComparison]:
        if not 1 <= months <= 36:
            raise BadUserInput("months must be between 1 and 36", argument="months")
        ctx = info.context
        pivot = month_start(activity_date)
        m = impact_measures.c
        before = m.period_start < pivot
        query = (
            select(
                m.sha_code,
                m.organisation_id,
                func.avg(m.value).filter(before).label("before_mean"),
                func.avg(m.value).filter(~before).label("after_mean"),
                func.count().filter(before).label("before_periods"),
                func.count().filter(~before).label("after_periods"),
            )
            .where(
                m.sha_code.in_(narrow_shas(ctx, shas)),
                m.measure == measure.value,
                m.period_start >= add_months(pivot, -months),
                m.period_start < add_months(pivot, months),
            )
            .group_by(m.sha_code, m.organisation_id)
        )
        if organisation_id:
            gid = decode_id(organisation_id, "Organisation")
            query = query.where(m.sha_code == gid.sha_code, m.organisation_id == gid.uuid)
        grouped = query.subquery()

        def to_node(row: Any) -> ImpactComparison:
            b = float(row.before_mean) if row.before_mean is not None else None
            a = float(row.after_mean) if row.after_mean is not None else None
            return ImpactComparison(
                sha_code=row.sha_code,
                organisation_db_id=row.organisation_id,
                measure=measure,
                activity_month=pivot,
                before_mean=round(b, 3) if b is not None else None,
                after_mean=round(a, 3) if a is not None else None,
                before_periods=row.before_periods,
                after_periods=row.after_periods,
                change=round(a - b, 3) if a is not None and b is not None else None,
            )

        return await paginate(
            ctx.db,
            select(grouped),
            Ordering((grouped.c.sha_code, grouped.c.organisation_id)),
            page,
            to_node,
        )

    @strawberry.field(
        description=(
            "A member's development over time (yourself, or anyone in scope for SHA admins"
            " and national leads)."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def personal_progress(
        self,
        info: Info,
        member_id: MemberIdArg,
    ) -> PersonalProgress | None:
        ctx = info.context
        gid = decode_id(member_id, "Member")
        if gid.sha_code not in ctx.scope.read:
            return None
        key = gid.uuid
        if not may_read_assessments_of(ctx, gid.sha_code, key):
            return None
        member = await ctx.loader(MemberByIdLoader).load((gid.sha_code, key))
        if member is None:
            return None
        return PersonalProgress(sha_code=gid.sha_code, member_db_id=member.db_id)
