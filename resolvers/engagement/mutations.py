"""Medical engagement mutations (SHA admins), each a union of payload and typed errors."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.engagement import service
from resolvers.engagement.types import MedicalEngagementScore
from resolvers.escalator.permissions import CanManageEngagement


@strawberry.input(description="Medical Engagement Scale scores, 0-100 as the source reports them.")
class MesScoresInput:
    overall_index: float | None = strawberry.field(default=None, description="Overall index.")
    open_culture: float | None = strawberry.field(
        default=None, description="Working in an Open Culture."
    )
    purpose_and_direction: float | None = strawberry.field(
        default=None, description="Having Purpose and Direction."
    )
    valued_and_empowered: float | None = strawberry.field(
        default=None, description="Feeling Valued and Empowered."
    )


@strawberry.input(description="Medical engagement of an organisation in a quarter.")
class RecordMedicalEngagementInput:
    organisation_id: strawberry.ID = strawberry.field(description="Decides the SHA.")
    period: str = strawberry.field(description="Quarter, e.g. 2009Q1.")
    doctors_engaged_pct: float = strawberry.field(description="Share of doctors engaged, 0-100.")
    rating: int = strawberry.field(description="Rating 1-5.")
    source: str = strawberry.field(description="Where the scores come from.")
    mes: MesScoresInput | None = strawberry.field(default=None, description="MES scores.")


@strawberry.input(description="Corrections to a score; omitted fields stay as they are.")
class UpdateMedicalEngagementInput:
    id: strawberry.ID = strawberry.field(description="The score.")
    doctors_engaged_pct: float | None = strawberry.field(default=None, description="Share 0-100.")
    rating: int | None = strawberry.field(default=None, description="Rating 1-5.")
    source: str | None = strawberry.field(default=None, description="Source.")
    mes: MesScoresInput | None = strawberry.field(default=None, description="MES scores.")


@strawberry.type(description="The score as saved.")
class MedicalEngagementPayload:
    score: MedicalEngagementScore = strawberry.field(description="The score.")


MedicalEngagementResult = Annotated[
    MedicalEngagementPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("MedicalEngagementResult", description="Saved score or why not."),
]


def _changes(
    data: RecordMedicalEngagementInput | UpdateMedicalEngagementInput,
) -> service.ScoreChanges:
    mes = data.mes or MesScoresInput()
    return service.ScoreChanges(
        period=getattr(data, "period", None),
        doctors_engaged_pct=data.doctors_engaged_pct,
        rating=data.rating,
        source=data.source,
        mes_index=mes.overall_index,
        mes_open_culture=mes.open_culture,
        mes_purpose_direction=mes.purpose_and_direction,
        mes_valued_empowered=mes.valued_and_empowered,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Record an organisation's medical engagement for a quarter.",
        permission_classes=[CanManageEngagement],
    )
    async def record_medical_engagement(
        self,
        info: Info,
        input: Annotated[
            RecordMedicalEngagementInput,
            strawberry.argument(
                description="The organisation, the quarter (e.g. 2009Q1), the share of doctors engaged, the rating and its source."
            ),
        ],
    ) -> MedicalEngagementResult:
        async def act() -> MedicalEngagementPayload:
            score = await service.record_score(info.context, input.organisation_id, _changes(input))
            return MedicalEngagementPayload(score=score)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Correct a medical engagement score.",
        permission_classes=[CanManageEngagement],
    )
    async def update_medical_engagement(
        self,
        info: Info,
        input: Annotated[
            UpdateMedicalEngagementInput,
            strawberry.argument(
                description="The score's id and the corrected values; fields left out keep their value."
            ),
        ],
    ) -> MedicalEngagementResult:
        async def act() -> MedicalEngagementPayload:
            score = await service.update_score(info.context, input.id, _changes(input))
            return MedicalEngagementPayload(score=score)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
