"""Rollout mutations: onboarding and status changes (platform admins), front-end settings
(the SHA's admins) and host names (platform admins)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import IsPlatformAdmin, IsShaAdmin
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.directory.enums import ShaStatus
from resolvers.rollout import service
from resolvers.rollout.queries import front_end, host_index
from resolvers.rollout.types import (
    InvalidTransitionError,
    OnboardShaPayload,
    ShaSettingsPayload,
    ShaStatusPayload,
)
from tenants import lifecycle
from tenants.registry import RolloutStatus


@strawberry.input(description="A region to bring into the network.")
class OnboardShaInput:
    code: str = strawberry.field(description="New SHA code, e.g. Y01.")
    name: str = strawberry.field(description="Official name.")
    hosts: list[str] = strawberry.field(
        default_factory=list, description="Host names of its front end."
    )


@strawberry.input(description="A rollout status change.")
class ChangeShaStatusInput:
    code: str = strawberry.field(description="The SHA.")
    status: ShaStatus = strawberry.field(description="The status to move to.")
    note: str | None = strawberry.field(default=None, description="Why (kept in the history).")


@strawberry.input(description="Changes to an SHA's front-end settings; omitted fields stay.")
class UpdateShaSettingsInput:
    code: str = strawberry.field(description="The SHA.")
    display_name: str | None = strawberry.field(default=None, description="Banner name.")
    contact_email: str | None = strawberry.field(default=None, description="Public e-mail.")
    contact_phone: str | None = strawberry.field(default=None, description="Public telephone.")
    features: list[str] | None = strawberry.field(
        default=None, description="Features to switch on (replaces the list)."
    )


@strawberry.input(description="The complete list of host names of an SHA's front end.")
class SetShaHostsInput:
    code: str = strawberry.field(description="The SHA.")
    hosts: list[str] = strawberry.field(description="Host names; replaces the current list.")


OnboardShaResult = Annotated[
    OnboardShaPayload | ValidationError | ConflictError | ForbiddenError,
    strawberry.union("OnboardShaResult", description="The onboarded SHA or why not."),
]
ShaStatusResult = Annotated[
    ShaStatusPayload | InvalidTransitionError | ValidationError | NotFoundError | ForbiddenError,
    strawberry.union("ShaStatusResult", description="The SHA after the change or why not."),
]
ShaSettingsResult = Annotated[
    ShaSettingsPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("ShaSettingsResult", description="The saved settings or why not."),
]


def _transition_error(error: lifecycle.InvalidTransition) -> InvalidTransitionError:
    return InvalidTransitionError(
        message=str(error),
        code="INVALID_TRANSITION",
        current=ShaStatus(error.current.value),
        requested=ShaStatus(error.target.value),
        allowed=[ShaStatus(s.value) for s in sorted(lifecycle.TRANSITIONS[error.current])],
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Bring a new region in: registry entry, partitions of every tenant table,"
        " reference data, status planned. Runs while every other region is served.",
        permission_classes=[IsPlatformAdmin],
    )
    async def onboard_sha(
        self,
        info: Info,
        input: Annotated[
            OnboardShaInput,
            strawberry.argument(
                description="The new SHA: ODS code, name and the host names of its front end."
            ),
        ],
    ) -> OnboardShaResult:
        ctx = info.context

        async def act() -> OnboardShaPayload:
            result = await service.onboard(ctx, input.code, input.name, input.hosts)
            return OnboardShaPayload(
                sha=await service.fresh_sha(ctx, result.code),
                created=result.created,
                partitions=result.partitions,
                reference_organisations=result.reference_organisations,
            )

        return await run_mutation(ctx, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Move an SHA along planned -> pilot -> live <-> suspended, or -> retired.",
        permission_classes=[IsPlatformAdmin],
    )
    async def change_sha_status(
        self,
        info: Info,
        input: Annotated[
            ChangeShaStatusInput,
            strawberry.argument(
                description="The SHA's code, its new status and a note for the audit log."
            ),
        ],
    ) -> ShaStatusResult:
        ctx = info.context

        async def act() -> ShaStatusPayload | InvalidTransitionError:
            try:
                changed = await service.change_status(
                    ctx, input.code, RolloutStatus(input.status.value), input.note
                )
            except lifecycle.InvalidTransition as error:
                return _transition_error(error)
            return ShaStatusPayload(
                sha=await service.fresh_sha(ctx, changed.code),
                previous=ShaStatus(changed.previous.value),
            )

        return await run_mutation(ctx, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Change an SHA's front-end settings.", permission_classes=[IsShaAdmin]
    )
    async def update_sha_settings(
        self,
        info: Info,
        input: Annotated[
            UpdateShaSettingsInput,
            strawberry.argument(
                description="The SHA's code and the settings to change; settings left out keep their value."
            ),
        ],
    ) -> ShaSettingsResult:
        ctx = info.context
        changes = service.SettingsChanges(
            display_name=input.display_name,
            contact_email=input.contact_email,
            contact_phone=input.contact_phone,
            features=input.features,
        )

        async def act() -> ShaSettingsPayload:
            code = await service.update_settings(ctx, input.code, changes)
            return ShaSettingsPayload(front_end=front_end(ctx, code, host_index(ctx)))

        return await run_mutation(ctx, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Set the host names that serve an SHA's front end.",
        permission_classes=[IsPlatformAdmin],
    )
    async def set_sha_hosts(
        self,
        info: Info,
        input: Annotated[
            SetShaHostsInput,
            strawberry.argument(
                description="The SHA's code and the full list of its host names (replaces the old list)."
            ),
        ],
    ) -> ShaSettingsResult:
        ctx = info.context

        async def act() -> ShaSettingsPayload:
            code = await service.set_hosts(ctx, input.code, input.hosts)
            fe = front_end(ctx, code, host_index(ctx))
            fe.host_names = sorted(set(service.check_hosts(input.hosts)))
            return ShaSettingsPayload(front_end=fe)

        return await run_mutation(ctx, act)  # type: ignore[return-value]
