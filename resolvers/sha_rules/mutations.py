"""Change the caps and targets of one SHA."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import require_roles
from auth.principal import Role
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.sha_rules import service
from resolvers.sha_rules.rules import ShaRulesByCodeLoader
from resolvers.sha_rules.types import ShaRulesType

CanChangeSettings = require_roles(Role.SHA_ADMIN, Role.PLATFORM_ADMIN)


@strawberry.input(
    description="Settings to change; a field left out keeps its value, null returns it to"
    " the service default."
)
class UpdateShaRulesInput:
    sha_code: str | None = strawberry.field(
        default=None, description="The SHA; may be left out when you can write only one."
    )
    set_min_members: int | None = strawberry.field(
        default=strawberry.UNSET, description="Smallest learning set not reported BELOW_MINIMUM."
    )
    set_max_members: int | None = strawberry.field(
        default=strawberry.UNSET, description="Most members a learning set may have."
    )
    participation_target_min: int | None = strawberry.field(
        default=strawberry.UNSET, description="Clinicians in learning sets aimed for, at least."
    )
    participation_target_max: int | None = strawberry.field(
        default=strawberry.UNSET, description="Clinicians in learning sets aimed for, at most."
    )
    senior_lead_cap: int | None = strawberry.field(
        default=strawberry.UNSET, description="Most senior clinical leads at once (null: no cap)."
    )
    senior_leads_per_pathway: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Most senior clinical leads per pathway (null: no limit).",
    )


@strawberry.type(description="The settings now in force.")
class ShaRulesPayload:
    rules: ShaRulesType = strawberry.field(description="The SHA's caps and targets.")


ShaRulesResult = Annotated[
    ShaRulesPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("ShaRulesResult", description="The settings or why not."),
]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Change an SHA's caps and targets (its admins).",
        permission_classes=[CanChangeSettings],
    )
    async def update_sha_rules(
        self,
        info: Info,
        input: Annotated[
            UpdateShaRulesInput, strawberry.argument(description="The SHA and the changes.")
        ],
    ) -> ShaRulesResult:
        changes = service.SettingsChanges(
            **{
                name: (
                    service.UNSET
                    if getattr(input, name) is strawberry.UNSET
                    else getattr(input, name)
                )
                for name in service.LIMITS
            }
        )

        async def act() -> ShaRulesPayload:
            rules = await service.update_settings(info.context, input.sha_code, changes)
            info.context.loader(ShaRulesByCodeLoader).prime(rules.sha_code, rules, force=True)
            return ShaRulesPayload(rules=ShaRulesType.from_rules(rules))

        return await run_mutation(info.context, act)  # type: ignore[return-value]
