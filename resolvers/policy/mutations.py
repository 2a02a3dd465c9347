"""Consultation mutations; a write after closing returns `ConsultationClosedError`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry

from resolvers.common.context import Context, Info
from resolvers.common.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UserError,
    ValidationError,
)
from resolvers.common.mutation import run_mutation
from resolvers.directory.queries import GlobalIdArg
from resolvers.policy import service
from resolvers.policy.permissions import CanOpenConsultation, IsMember, IsPolicyLead
from resolvers.policy.types import (
    Consultation,
    ConsultationClosedError,
    ConsultationReach,
    ConsultationResponse,
    ResponsePosition,
)

T = TypeVar("T")


async def run_policy_mutation(ctx: Context, action: Callable[[], Awaitable[T]]) -> T | UserError:
    """`run_mutation` plus the closing-date error."""
    try:
        return await run_mutation(ctx, action)
    except service.ConsultationClosed as closed:
        return ConsultationClosedError(
            message=str(closed), code="CONSULTATION_CLOSED", closed_at=closed.closed_at
        )


@strawberry.input(description="A new consultation.")
class OpenConsultationInput:
    reach: ConsultationReach = strawberry.field(
        description="NATIONAL needs a national lead; REGIONAL an SHA admin."
    )
    title: str = strawberry.field(description="Title.")
    description: str = strawberry.field(description="What is being consulted on.")
    closes_at: dt.datetime = strawberry.field(description="Closing date and time (future).")
    sha_code: str | None = strawberry.field(
        default=None,
        description="Hosting SHA; national leads must name one (it owns the record).",
    )
    policy_area: str | None = strawberry.field(default=None, description="Policy-area code.")


@strawberry.input(description="A member's response.")
class RespondInput:
    consultation_id: strawberry.ID = strawberry.field(description="The consultation.")
    position: ResponsePosition = strawberry.field(description="Overall position.")
    body: str = strawberry.field(description="The response.")


@strawberry.input(description="Changes to your response while the consultation is open.")
class EditResponseInput:
    id: strawberry.ID = strawberry.field(description="Your response.")
    position: ResponsePosition | None = strawberry.field(default=None, description="Position.")
    body: str | None = strawberry.field(default=None, description="The response.")


@strawberry.type(description="The consultation as saved.")
class ConsultationPayload:
    consultation: Consultation = strawberry.field(description="The consultation.")


@strawberry.type(description="The response as saved.")
class ResponsePayload:
    response: ConsultationResponse = strawberry.field(description="The response.")


ConsultationResult = Annotated[
    ConsultationPayload
    | ConsultationClosedError
    | ValidationError
    | NotFoundError
    | ForbiddenError
    | ConflictError,
    strawberry.union("ConsultationResult", description="Saved consultation or why not."),
]
ResponseResult = Annotated[
    ResponsePayload
    | ConsultationClosedError
    | ValidationError
    | NotFoundError
    | ForbiddenError
    | ConflictError,
    strawberry.union("ResponseResult", description="Saved response or why not."),
]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Open a consultation (policy leads).", permission_classes=[CanOpenConsultation]
    )
    async def open_consultation(
        self,
        info: Info,
        input: Annotated[
            OpenConsultationInput,
            strawberry.argument(
                description="The consultation: reach, title, description, closing time, hosting SHA and policy area."
            ),
        ],
    ) -> ConsultationResult:
        new = service.NewConsultation(
            sha_code=input.sha_code,
            reach=input.reach,
            title=input.title,
            description=input.description,
            closes_at=input.closes_at,
            policy_area=input.policy_area,
        )

        async def act() -> ConsultationPayload:
            return ConsultationPayload(
                consultation=await service.open_consultation(info.context, new)
            )

        return await run_policy_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Close a consultation now (policy leads of the hosting SHA).",
        permission_classes=[IsPolicyLead],
    )
    async def close_consultation(self, info: Info, id: GlobalIdArg) -> ConsultationResult:
        async def act() -> ConsultationPayload:
            return ConsultationPayload(
                consultation=await service.close_consultation(info.context, id)
            )

        return await run_policy_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Respond to a consultation (once per member).", permission_classes=[IsMember]
    )
    async def respond_to_consultation(
        self,
        info: Info,
        input: Annotated[
            RespondInput,
            strawberry.argument(
                description="The consultation's id, your position and your response text."
            ),
        ],
    ) -> ResponseResult:
        async def act() -> ResponsePayload:
            response = await service.respond(
                info.context, input.consultation_id, input.position, input.body
            )
            return ResponsePayload(response=response)

        return await run_policy_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Edit your response until the consultation closes.",
        permission_classes=[IsMember],
    )
    async def edit_consultation_response(
        self,
        info: Info,
        input: Annotated[
            EditResponseInput,
            strawberry.argument(description="The response's id, and its new position and text."),
        ],
    ) -> ResponseResult:
        async def act() -> ResponsePayload:
            response = await service.edit_response(
                info.context, input.id, input.position, input.body
            )
            return ResponsePayload(response=response)

        return await run_policy_mutation(info.context, act)  # type: ignore[return-value]
