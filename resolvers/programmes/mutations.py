"""Programme mutations; each returns its payload or the typed errors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.permissions import IsAuthenticated
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.programmes import service
from resolvers.programmes.enums import ProgrammeKind, ProgrammeOutcome, SelectionDecision
from resolvers.programmes.types import Programme, ProgrammeApplication, ProgrammeCohort


@strawberry.input(description="A new programme (SHA admins; national ones by national leads).")
class CreateProgrammeInput:
    sha_code: str | None = strawberry.field(
        default=None, description="The SHA that holds it; may be left out if you write one."
    )
    kind: ProgrammeKind = strawberry.field(description="What it develops.")
    title: str = strawberry.field(description="Title.")
    funded_places: int = strawberry.field(description="Places funded, e.g. 120.")
    applications_open_on: dt.date = strawberry.field(description="First day to apply.")
    applications_close_on: dt.date = strawberry.field(description="Last day to apply.")
    description: str | None = strawberry.field(default=None, description="What it offers.")
    is_national: bool = strawberry.field(default=False, description="Open to every SHA.")
    starts_on: dt.date | None = strawberry.field(
        default=None, description="Start (after selection)."
    )
    ends_on: dt.date | None = strawberry.field(default=None, description="End.")
    sessions_planned: int = strawberry.field(default=0, description="Sessions to attend.")


@strawberry.input(description="Changes to a programme; omitted fields stay as they are.")
class UpdateProgrammeInput:
    id: strawberry.ID = strawberry.field(description="The programme.")
    title: str | None = strawberry.field(default=None, description="Title.")
    description: str | None = strawberry.field(default=None, description="Description.")
    funded_places: int | None = strawberry.field(default=None, description="Places funded.")
    applications_open_on: dt.date | None = strawberry.field(default=None, description="Opens.")
    applications_close_on: dt.date | None = strawberry.field(default=None, description="Closes.")
    starts_on: dt.date | None = strawberry.field(default=None, description="Start.")
    ends_on: dt.date | None = strawberry.field(default=None, description="End.")
    sessions_planned: int | None = strawberry.field(default=None, description="Sessions.")


@strawberry.input(description="A cohort of a programme.")
class AddProgrammeCohortInput:
    programme_id: strawberry.ID = strawberry.field(description="The programme.")
    name: str = strawberry.field(description="e.g. 'Cohort 1'.")
    starts_on: dt.date = strawberry.field(description="When it starts.")


@strawberry.input(description="Apply for a place (for yourself).")
class ApplyToProgrammeInput:
    programme_id: strawberry.ID = strawberry.field(description="The programme.")
    statement: str = strawberry.field(description="Why you want a place and what you will change.")
    sponsor_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A member of your SHA who sponsors you (e.g. your medical director).",
    )


@strawberry.input(description="A selection decision, after applications close.")
class DecideProgrammeApplicationInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    decision: SelectionDecision = strawberry.field(description="SELECTED, RESERVE or DECLINED.")
    cohort_id: strawberry.ID | None = strawberry.field(
        default=None, description="The cohort; required to select."
    )
    note: str | None = strawberry.field(default=None, description="The selectors' note.")


@strawberry.input(description="Attendance and completion of a selected participant.")
class RecordProgrammeProgressInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    sessions_attended: int | None = strawberry.field(default=None, description="Sessions so far.")
    outcome: ProgrammeOutcome | None = strawberry.field(default=None, description="How it ended.")
    completed_on: dt.date | None = strawberry.field(default=None, description="When it ended.")


@strawberry.type(description="The programme as saved.")
class ProgrammePayload:
    programme: Programme = strawberry.field(description="The programme.")


@strawberry.type(description="The cohort as saved.")
class ProgrammeCohortPayload:
    cohort: ProgrammeCohort = strawberry.field(description="The cohort.")


@strawberry.type(description="The application as saved.")
class ProgrammeApplicationPayload:
    application: ProgrammeApplication = strawberry.field(description="The application.")


Errors = ValidationError | NotFoundError | ForbiddenError | ConflictError
ProgrammeResult = Annotated[
    ProgrammePayload | Errors, strawberry.union("ProgrammeResult", description="Or why not.")
]
ProgrammeCohortResult = Annotated[
    ProgrammeCohortPayload | Errors,
    strawberry.union("ProgrammeCohortResult", description="Or why not."),
]
ProgrammeApplicationResult = Annotated[
    ProgrammeApplicationPayload | Errors,
    strawberry.union("ProgrammeApplicationResult", description="Or why not."),
]


def _changes(data: CreateProgrammeInput | UpdateProgrammeInput) -> service.ProgrammeChanges:
    return service.ProgrammeChanges(
        kind=getattr(data, "kind", None),
        title=data.title,
        description=data.description,
        is_national=getattr(data, "is_national", None),
        funded_places=data.funded_places,
        applications_open_on=data.applications_open_on,
        applications_close_on=data.applications_close_on,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        sessions_planned=data.sessions_planned,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create a programme with funded places and an application window.",
        permission_classes=[IsAuthenticated],
    )
    async def create_programme(
        self,
        info: Info,
        input: Annotated[CreateProgrammeInput, strawberry.argument(description="The programme.")],
    ) -> ProgrammeResult:
        async def act() -> ProgrammePayload:
            made = await service.create_programme(info.context, input.sha_code, _changes(input))
            return ProgrammePayload(programme=made)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Change a programme (its organisers).", permission_classes=[IsAuthenticated]
    )
    async def update_programme(
        self,
        info: Info,
        input: Annotated[UpdateProgrammeInput, strawberry.argument(description="The changes.")],
    ) -> ProgrammeResult:
        async def act() -> ProgrammePayload:
            saved = await service.update_programme(info.context, input.id, _changes(input))
            return ProgrammePayload(programme=saved)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Add a cohort to a programme (its organisers).",
        permission_classes=[IsAuthenticated],
    )
    async def add_programme_cohort(
        self,
        info: Info,
        input: Annotated[AddProgrammeCohortInput, strawberry.argument(description="The cohort.")],
    ) -> ProgrammeCohortResult:
        async def act() -> ProgrammeCohortPayload:
            cohort = await service.add_cohort(
                info.context, input.programme_id, input.name, input.starts_on
            )
            return ProgrammeCohortPayload(cohort=cohort)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Apply for a place while applications are open.",
        permission_classes=[IsAuthenticated],
    )
    async def apply_to_programme(
        self,
        info: Info,
        input: Annotated[
            ApplyToProgrammeInput, strawberry.argument(description="The programme and statement.")
        ],
    ) -> ProgrammeApplicationResult:
        async def act() -> ProgrammeApplicationPayload:
            made = await service.apply(
                info.context, input.programme_id, input.statement, input.sponsor_id
            )
            return ProgrammeApplicationPayload(application=made)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Decide an application after applications close, within the funded places.",
        permission_classes=[IsAuthenticated],
    )
    async def decide_programme_application(
        self,
        info: Info,
        input: Annotated[
            DecideProgrammeApplicationInput, strawberry.argument(description="The decision.")
        ],
    ) -> ProgrammeApplicationResult:
        async def act() -> ProgrammeApplicationPayload:
            saved = await service.decide(
                info.context, input.id, input.decision, input.cohort_id, input.note
            )
            return ProgrammeApplicationPayload(application=saved)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Withdraw an application (the applicant, or the organisers).",
        permission_classes=[IsAuthenticated],
    )
    async def withdraw_programme_application(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The application.")],
    ) -> ProgrammeApplicationResult:
        async def act() -> ProgrammeApplicationPayload:
            return ProgrammeApplicationPayload(application=await service.withdraw(info.context, id))

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Record a participant's attendance and completion (the organisers).",
        permission_classes=[IsAuthenticated],
    )
    async def record_programme_progress(
        self,
        info: Info,
        input: Annotated[
            RecordProgrammeProgressInput, strawberry.argument(description="The progress.")
        ],
    ) -> ProgrammeApplicationResult:
        async def act() -> ProgrammeApplicationPayload:
            saved = await service.record_progress(
                info.context, input.id, input.sessions_attended, input.outcome, input.completed_on
            )
            return ProgrammeApplicationPayload(application=saved)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
