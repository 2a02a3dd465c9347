"""Ranking, with/without CLN comparison and corrections (see ranking.py, corrections.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.permissions import IsAuthenticated, IsShaAdmin
from resolvers.common.context import Info
from resolvers.common.errors import (
    BadUserInput,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationError,
)
from resolvers.common.mutation import run_mutation
from resolvers.directory.queries import ShaNarrowing, narrow_shas
from resolvers.evaluation import corrections, ranking
from resolvers.evaluation.enums import ImpactMeasureKind
from resolvers.evaluation.queries import add_months, month_start
from resolvers.evaluation.types import ImpactMeasure


@strawberry.input(description="Correct a recorded impact measure; the history is kept.")
class CorrectImpactMeasureInput:
    id: strawberry.ID = strawberry.field(description="The measure.")
    reason: str = strawberry.field(description="Why it is corrected.")
    value: float | None = strawberry.field(default=None, description="The corrected value.")
    source: str | None = strawberry.field(default=None, description="The corrected source.")


@strawberry.type(description="The measure as corrected.")
class CorrectImpactMeasurePayload:
    measure: ImpactMeasure = strawberry.field(description="The measure, with its corrections.")


CorrectImpactMeasureResult = Annotated[
    CorrectImpactMeasurePayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("CorrectImpactMeasureResult", description="Or why not."),
]


@strawberry.type
class Query:
    @strawberry.field(
        description="The SHAs you may read ranked by a measure, month by month (national"
        " leads: the national table).",
        permission_classes=[IsAuthenticated],
    )
    async def impact_ranking(
        self,
        info: Info,
        measure: Annotated[ImpactMeasureKind, strawberry.argument(description="The measure.")],
        period_from: Annotated[dt.date, strawberry.argument(description="First month.")],
        period_to: Annotated[dt.date, strawberry.argument(description="Last month.")],
        shas: ShaNarrowing = None,
    ) -> list[ranking.RankingPeriod]:
        if period_to < period_from or (period_to - period_from).days > 366 * 5:
            raise BadUserInput(
                "periodTo must follow periodFrom, within 5 years", argument="periodTo"
            )
        return await ranking.ranking(
            info.context,
            narrow_shas(info.context, shas),
            measure,
            month_start(period_from),
            period_to,
        )

    @strawberry.field(
        description="Organisations whose members take part in learning sets against the rest:"
        " mean of a measure in the `months` before a date and from it.",
        permission_classes=[IsAuthenticated],
    )
    async def impact_with_and_without_cln(
        self,
        info: Info,
        measure: Annotated[ImpactMeasureKind, strawberry.argument(description="The measure.")],
        activity_date: Annotated[dt.date, strawberry.argument(description="The CLN activity.")],
        months: Annotated[int, strawberry.argument(description="Window length, 1-36.")] = 6,
        shas: ShaNarrowing = None,
    ) -> list[ranking.ClnGroupComparison]:
        if not 1 <= months <= 36:
            raise BadUserInput("months must be between 1 and 36", argument="months")
        pivot = month_start(activity_date)
        return await ranking.with_and_without(
            info.context,
            narrow_shas(info.context, shas),
            measure,
            pivot,
            add_months(pivot, -months),
            add_months(pivot, months),
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Correct an impact measure (the SHA's admins); old and new values are kept.",
        permission_classes=[IsShaAdmin],
    )
    async def correct_impact_measure(
        self,
        info: Info,
        input: Annotated[CorrectImpactMeasureInput, strawberry.argument(description="The fix.")],
    ) -> CorrectImpactMeasureResult:
        async def act() -> CorrectImpactMeasurePayload:
            fixed = await corrections.correct(
                info.context, input.id, input.value, input.source, input.reason
            )
            return CorrectImpactMeasurePayload(measure=fixed)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
