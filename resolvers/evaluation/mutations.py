"""Evaluation mutations, for SHA administrators."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.permissions import IsShaAdmin
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.evaluation import service
from resolvers.evaluation.enums import ImpactMeasureKind
from resolvers.evaluation.types import ImpactMeasure


@strawberry.input(description="One organisation's value of a measure for one month.")
class RecordImpactMeasureInput:
    organisation_id: strawberry.ID = strawberry.field(description="The organisation measured.")
    measure: ImpactMeasureKind = strawberry.field(description="What was measured.")
    period_start: dt.date = strawberry.field(description="First day of the month.")
    value: float = strawberry.field(description="The value (0-100 for percentages).")
    source: str = strawberry.field(description="Where the figure came from.")


@strawberry.type(description="The measure as saved.")
class ImpactMeasurePayload:
    measure: ImpactMeasure = strawberry.field(description="The measure.")


ImpactMeasureResult = Annotated[
    ImpactMeasurePayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("ImpactMeasureResult", description="Saved measure or why not."),
]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Record a monthly impact measure (one per organisation, measure and month).",
        permission_classes=[IsShaAdmin],
    )
    async def record_impact_measure(
        self,
        info: Info,
        input: Annotated[
            RecordImpactMeasureInput,
            strawberry.argument(
                description="The organisation, the measure, its month (first day) and value, and the source."
            ),
        ],
    ) -> ImpactMeasureResult:
        async def act() -> ImpactMeasurePayload:
            measure = await service.record_measure(
                info.context,
                input.organisation_id,
                input.measure,
                input.period_start,
                input.value,
                input.source,
            )
            return ImpactMeasurePayload(measure=measure)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
