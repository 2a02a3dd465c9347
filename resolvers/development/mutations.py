"""Development mutations: the Academy keeps the directory; members record self-assessments."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.permissions import IsAuthenticated, IsShaAdmin
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.development import service
from resolvers.development.enums import FundingSource, ProgrammeFormat
from resolvers.development.types import SelfAssessment, TrainingProgramme, TrainingProvider


@strawberry.input(description="A new training provider.")
class CreateTrainingProviderInput:
    sha_code: str | None = strawberry.field(
        default=None, description="Owning SHA; may be left out when you can write only one."
    )
    name: str = strawberry.field(description="Provider name, unique in the SHA.")
    website: str | None = strawberry.field(default=None, description="http(s) address.")
    published_nationally: bool = strawberry.field(
        default=False, description="Readable by every SHA."
    )


@strawberry.input(description="A new programme in the training directory.")
class CreateTrainingProgrammeInput:
    provider_id: strawberry.ID = strawberry.field(description="Provider; decides the SHA.")
    title: str = strawberry.field(description="Programme title.")
    format: ProgrammeFormat = strawberry.field(description="How it is delivered.")
    length_days: float = strawberry.field(description="Days of contact time (0 < d <= 1000).")
    cost_pence: int = strawberry.field(description="Cost per place in pence.")
    funding_sources: list[FundingSource] = strawberry.field(description="Who can fund a place.")
    competency_codes: list[str] = strawberry.field(description="Competencies it develops.")
    published_nationally: bool = strawberry.field(
        default=False, description="Visible to every SHA (publishes the provider too)."
    )
    description: str | None = strawberry.field(default=None, description="What it covers.")
    starts_on: dt.date | None = strawberry.field(default=None, description="Next run starts.")
    ends_on: dt.date | None = strawberry.field(default=None, description="Next run ends.")
    venue: str | None = strawberry.field(default=None, description="Where it runs.")
    booking_url: str | None = strawberry.field(default=None, description="Where to book (https).")
    eligibility: str | None = strawberry.field(default=None, description="Who may attend.")


@strawberry.input(description="Changes to a programme; omitted fields stay as they are.")
class UpdateTrainingProgrammeInput:
    id: strawberry.ID = strawberry.field(description="The programme.")
    title: str | None = strawberry.field(default=None, description="New title.")
    format: ProgrammeFormat | None = strawberry.field(default=None, description="New format.")
    length_days: float | None = strawberry.field(default=None, description="New length.")
    cost_pence: int | None = strawberry.field(default=None, description="New cost.")
    funding_sources: list[FundingSource] | None = strawberry.field(
        default=None, description="New funding sources."
    )
    competency_codes: list[str] | None = strawberry.field(
        default=None, description="New competencies."
    )
    published_nationally: bool | None = strawberry.field(
        default=None, description="Publish nationally or withdraw."
    )
    description: str | None = strawberry.field(default=None, description="What it covers.")
    starts_on: dt.date | None = strawberry.field(default=None, description="Next run starts.")
    ends_on: dt.date | None = strawberry.field(default=None, description="Next run ends.")
    venue: str | None = strawberry.field(default=None, description="Where it runs.")
    booking_url: str | None = strawberry.field(default=None, description="Where to book (https).")
    eligibility: str | None = strawberry.field(default=None, description="Who may attend.")


@strawberry.input(description="One score of a self-assessment.")
class ScoreInput:
    competency_code: str = strawberry.field(description="Element or dimension code.")
    score: int = strawberry.field(description="1 (lowest) to 4.")


@strawberry.input(description="A self-assessment: one score for every element or dimension.")
class RecordSelfAssessmentInput:
    member_id: strawberry.ID = strawberry.field(description="The member (yourself, unless admin).")
    framework_code: str = strawberry.field(description="`MLCF` or `HLM`.")
    assessed_on: dt.date = strawberry.field(description="Date of the assessment.")
    scores: list[ScoreInput] = strawberry.field(description="Exactly one per competency.")


@strawberry.type(description="The provider as saved.")
class TrainingProviderPayload:
    provider: TrainingProvider = strawberry.field(description="The provider.")


@strawberry.type(description="The programme as saved.")
class TrainingProgrammePayload:
    programme: TrainingProgramme = strawberry.field(description="The programme.")


@strawberry.type(description="The self-assessment as saved.")
class SelfAssessmentPayload:
    assessment: SelfAssessment = strawberry.field(description="The assessment.")


TrainingProviderResult = Annotated[
    TrainingProviderPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("TrainingProviderResult", description="Saved provider or why not."),
]
TrainingProgrammeResult = Annotated[
    TrainingProgrammePayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("TrainingProgrammeResult", description="Saved programme or why not."),
]
SelfAssessmentResult = Annotated[
    SelfAssessmentPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("SelfAssessmentResult", description="Saved assessment or why not."),
]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Add a provider to the SHA's training directory.",
        permission_classes=[IsShaAdmin],
    )
    async def create_training_provider(
        self,
        info: Info,
        input: Annotated[
            CreateTrainingProviderInput,
            strawberry.argument(
                description="The provider: owning SHA, name, website and whether it is published nationally."
            ),
        ],
    ) -> TrainingProviderResult:
        data = service.ProviderInput(
            input.sha_code, input.name, input.website, input.published_nationally
        )

        async def act() -> TrainingProviderPayload:
            return TrainingProviderPayload(
                provider=await service.create_provider(info.context, data)
            )

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Add a programme to the training directory.", permission_classes=[IsShaAdmin]
    )
    async def create_training_programme(
        self,
        info: Info,
        input: Annotated[
            CreateTrainingProgrammeInput,
            strawberry.argument(
                description="The programme: its provider, title, format, length, cost in pence, funding and the competencies it covers."
            ),
        ],
    ) -> TrainingProgrammeResult:
        changes = service.ProgrammeChanges(
            provider_id=input.provider_id,
            title=input.title,
            format=input.format,
            length_days=input.length_days,
            cost_pence=input.cost_pence,
            funding_sources=input.funding_sources,
            competency_codes=input.competency_codes,
            published_nationally=input.published_nationally,
            description=input.description,
            starts_on=input.starts_on,
            ends_on=input.ends_on,
            venue=input.venue,
            booking_url=input.booking_url,
            eligibility=input.eligibility,
        )

        async def act() -> TrainingProgrammePayload:
            programme = await service.create_programme(info.context, changes)
            return TrainingProgrammePayload(programme=programme)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Change a programme; only its owning SHA may.", permission_classes=[IsShaAdmin]
    )
    async def update_training_programme(
        self,
        info: Info,
        input: Annotated[
            UpdateTrainingProgrammeInput,
            strawberry.argument(
                description="The programme's id and the fields to change; fields left out keep their value."
            ),
        ],
    ) -> TrainingProgrammeResult:
        changes = service.ProgrammeChanges(
            title=input.title,
            format=input.format,
            length_days=input.length_days,
            cost_pence=input.cost_pence,
            funding_sources=input.funding_sources,
            competency_codes=input.competency_codes,
            published_nationally=input.published_nationally,
            description=input.description,
            starts_on=input.starts_on,
            ends_on=input.ends_on,
            venue=input.venue,
            booking_url=input.booking_url,
            eligibility=input.eligibility,
        )

        async def act() -> TrainingProgrammePayload:
            programme = await service.update_programme(info.context, input.id, changes)
            return TrainingProgrammePayload(programme=programme)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Record a dated self-assessment against a framework.",
        permission_classes=[IsAuthenticated],
    )
    async def record_self_assessment(
        self,
        info: Info,
        input: Annotated[
            RecordSelfAssessmentInput,
            strawberry.argument(
                description="The member, the framework, the day assessed and a score per competency."
            ),
        ],
    ) -> SelfAssessmentResult:
        scores = [service.ScoreInput(s.competency_code, s.score) for s in input.scores]

        async def act() -> SelfAssessmentPayload:
            assessment = await service.record_self_assessment(
                info.context, input.member_id, input.framework_code, input.assessed_on, scores
            )
            return SelfAssessmentPayload(assessment=assessment)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
