"""Medical engagement queries: scores as a Relay connection, and the SHA comparison."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, select

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    Direction,
    Filtered,
    Ordering,
    PageArgs,
    SortDirection,
    paginate,
)
from resolvers.directory.queries import GlobalIdArg, ShaNarrowing, narrow_shas
from resolvers.engagement.comparison import compare
from resolvers.engagement.loaders import ScoreByIdLoader
from resolvers.engagement.tables import scores
from resolvers.engagement.types import EngagementComparison, MedicalEngagementScore
from resolvers.escalator.queries import period_arg


@strawberry.input(description="Narrow the score list; all conditions must hold.")
class MedicalEngagementFilter:
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this organisation."
    )
    period_from: str | None = strawberry.field(default=None, description="From this quarter.")
    period_to: str | None = strawberry.field(default=None, description="Up to this quarter.")
    min_rating: int | None = strawberry.field(default=None, description="Rating at least this.")


def score_query(shas: list[str], where: MedicalEngagementFilter | None) -> Select[Any]:
    c = scores.c
    query = select(scores).where(c.sha_code.in_(shas))
    if where is None:
        return query
    if where.organisation_id:
        org = decode_id(where.organisation_id, "Organisation")
        query = query.where(c.sha_code == org.sha_code, c.organisation_id == org.uuid)
    if period_arg(where.period_from, "periodFrom"):
        query = query.where(c.period >= where.period_from)
    if period_arg(where.period_to, "periodTo"):
        query = query.where(c.period <= where.period_to)
    if where.min_rating is not None:
        query = query.where(c.rating >= where.min_rating)
    return query


async def _fetch_score(ctx: Context, gid: GlobalId) -> MedicalEngagementScore | None:
    return await ctx.loader(ScoreByIdLoader).load((gid.sha_code, gid.uuid))


register_node("MedicalEngagementScore", _fetch_score)


@strawberry.type
class Query:
    @strawberry.field(
        description="Medical engagement scores of the SHAs in scope, by quarter.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def medical_engagement_scores(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[MedicalEngagementFilter | None] = None,
        direction: Direction = SortDirection.ASC,
        shas: ShaNarrowing = None,
    ) -> Connection[MedicalEngagementScore]:
        ctx = info.context
        c = scores.c
        return await paginate(
            ctx.db,
            score_query(narrow_shas(ctx, shas), filter),
            Ordering((c.period, c.sha_code, c.id), direction == SortDirection.DESC),
            page,
            MedicalEngagementScore.from_row,
        )

    @strawberry.field(description="One score by global id.", permission_classes=[IsAuthenticated])
    async def medical_engagement_score(
        self, info: Info, id: GlobalIdArg
    ) -> MedicalEngagementScore | None:
        gid = decode_id(id, "MedicalEngagementScore")
        if gid.sha_code not in info.context.scope.read:
            return None
        return await _fetch_score(info.context, gid)

    @strawberry.field(
        description="Organisations of each SHA in scope compared in one quarter: rank and"
        " difference from the SHA mean.",
        permission_classes=[IsAuthenticated],
    )
    async def medical_engagement_comparison(
        self,
        info: Info,
        period: Annotated[
            str, strawberry.argument(description="The quarter to compare, e.g. 2009Q1.")
        ],
        shas: ShaNarrowing = None,
    ) -> list[EngagementComparison]:
        ctx = info.context
        rows = await compare(ctx, narrow_shas(ctx, shas), period_arg(period, "period") or period)
        return [
            EngagementComparison(
                sha_code=r.sha_code,
                period=r.period,
                organisations_compared=r.compared,
                doctors_engaged_pct=float(r.doctors_engaged_pct),
                rank=r.share_rank,
                sha_mean_pct=round(float(r.mean_pct), 2),
                difference_from_mean=round(float(r.diff_pct), 2),
                rating=r.rating,
                mes_index=None if r.mes_index is None else float(r.mes_index),
                mes_index_rank=r.mes_rank,
                mes_index_difference_from_mean=None
                if r.mes_diff is None
                else round(float(r.mes_diff), 2),
                organisation_db_id=r.organisation_id,
            )
            for r in rows
        ]
