"""Queries and mutations of training quality and commissioning (see quality.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from sqlalchemy import select

from auth.permissions import IsAuthenticated
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.development import quality
from resolvers.development.quality import (
    CommissioningDecision,
    CommissioningRequest,
    CommissioningStatus,
    ProviderBenchmark,
    TrainingRating,
)
from resolvers.development.tables import commissioning_requests
from resolvers.directory.queries import ShaNarrowing, narrow_shas


@strawberry.input(description="Rate a programme you completed.")
class RateTrainingProgrammeInput:
    programme_id: strawberry.ID = strawberry.field(description="The programme.")
    rating: int = strawberry.field(description="1 (poor) to 5 (excellent).")
    completed_on: dt.date = strawberry.field(description="When you completed it.")
    comment: str | None = strawberry.field(default=None, description="What others should know.")


@strawberry.input(description="Ask to commission training for an uncovered competency.")
class RaiseCommissioningRequestInput:
    sha_code: str | None = strawberry.field(default=None, description="Your SHA.")
    framework_code: str = strawberry.field(description="e.g. MLCF.")
    competency_code: str = strawberry.field(description="The uncovered competency.")
    rationale: str = strawberry.field(description="Why the SHA needs it.")


@strawberry.input(description="Decide a commissioning request.")
class DecideCommissioningRequestInput:
    id: strawberry.ID = strawberry.field(description="The request.")
    decision: CommissioningDecision = strawberry.field(description="APPROVED or DECLINED.")
    note: str | None = strawberry.field(default=None, description="Required to decline.")


@strawberry.type(description="The rating as saved.")
class TrainingRatingPayload:
    rating: TrainingRating = strawberry.field(description="The rating.")


@strawberry.type(description="The request as saved.")
class CommissioningRequestPayload:
    request: CommissioningRequest = strawberry.field(description="The request.")


Errors = ValidationError | NotFoundError | ForbiddenError | ConflictError
TrainingRatingResult = Annotated[
    TrainingRatingPayload | Errors,
    strawberry.union("TrainingRatingResult", description="Or why not."),
]
CommissioningRequestResult = Annotated[
    CommissioningRequestPayload | Errors,
    strawberry.union("CommissioningRequestResult", description="Or why not."),
]


@strawberry.type
class Query:
    @strawberry.field(
        description="Each provider's quality benchmark from the ratings you may read (your"
        " SHA's members; national leads: every SHA), best first.",
        permission_classes=[IsAuthenticated],
    )
    async def training_provider_benchmarks(
        self, info: Info, shas: ShaNarrowing = None
    ) -> list[ProviderBenchmark]:
        return await quality.benchmarks(info.context, narrow_shas(info.context, shas))

    @strawberry.field(
        description="Commissioning requests of the SHAs in scope, newest first.",
        permission_classes=[IsAuthenticated],
    )
    async def commissioning_requests(
        self,
        info: Info,
        status: Annotated[
            CommissioningStatus | None, strawberry.argument(description="Only this status.")
        ] = None,
        shas: ShaNarrowing = None,
    ) -> list[CommissioningRequest]:
        c = commissioning_requests.c
        query = select(commissioning_requests).where(
            c.sha_code.in_(narrow_shas(info.context, shas))
        )
        if status is not None:
            query = query.where(c.status == status.value)
        rows = await info.context.db.rows(query.order_by(c.created_at.desc()).limit(500))
        return [CommissioningRequest.from_row(r) for r in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Rate a training programme after completing it (once per programme).",
        permission_classes=[IsAuthenticated],
    )
    async def rate_training_programme(
        self,
        info: Info,
        input: Annotated[RateTrainingProgrammeInput, strawberry.argument(description="Rating.")],
    ) -> TrainingRatingResult:
        async def act() -> TrainingRatingPayload:
            rating = await quality.rate(
                info.context, input.programme_id, input.rating, input.comment, input.completed_on
            )
            return TrainingRatingPayload(rating=rating)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Raise a commissioning request from a competency members need and no"
        " programme covers (SHA admins).",
        permission_classes=[IsAuthenticated],
    )
    async def raise_commissioning_request(
        self,
        info: Info,
        input: Annotated[
            RaiseCommissioningRequestInput, strawberry.argument(description="The request.")
        ],
    ) -> CommissioningRequestResult:
        async def act() -> CommissioningRequestPayload:
            made = await quality.raise_request(
                info.context,
                input.sha_code,
                input.framework_code,
                input.competency_code,
                input.rationale,
            )
            return CommissioningRequestPayload(request=made)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Approve or decline a commissioning request (SHA admins).",
        permission_classes=[IsAuthenticated],
    )
    async def decide_commissioning_request(
        self,
        info: Info,
        input: Annotated[
            DecideCommissioningRequestInput, strawberry.argument(description="The decision.")
        ],
    ) -> CommissioningRequestResult:
        async def act() -> CommissioningRequestPayload:
            saved = await quality.decide_request(info.context, input.id, input.decision, input.note)
            return CommissioningRequestPayload(request=saved)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Record the programme commissioned for an approved request (SHA admins).",
        permission_classes=[IsAuthenticated],
    )
    async def record_commissioned_programme(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The request.")],
        programme_id: Annotated[
            strawberry.ID, strawberry.argument(description="The programme bought.")
        ],
    ) -> CommissioningRequestResult:
        async def act() -> CommissioningRequestPayload:
            saved = await quality.mark_commissioned(info.context, id, programme_id)
            return CommissioningRequestPayload(request=saved)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
