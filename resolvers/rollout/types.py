"""GraphQL types of SHA front ends and the rollout lifecycle."""

from __future__ import annotations

import strawberry

from resolvers.common.context import Info
from resolvers.common.errors import UserError
from resolvers.directory.enums import ShaStatus
from resolvers.directory.types import Sha
from resolvers.rollout.loaders import SettingsByShaLoader


@strawberry.type(description="What an SHA's front end needs to show itself; public, no token.")
class ShaFrontEnd:
    code: str = strawberry.field(description="SHA code.")
    name: str = strawberry.field(description="Official name of the SHA.")
    status: ShaStatus = strawberry.field(description="Rollout status.")
    host_names: list[str] = strawberry.field(description="Host names that serve this SHA.")

    @strawberry.field(description="Name to show in the front end's banner.")
    async def display_name(self, info: Info) -> str:
        row = await info.context.loader(SettingsByShaLoader).load(self.code)
        return row.display_name if row else self.name

    @strawberry.field(description="Public contact e-mail of the regional CLN team.")
    async def contact_email(self, info: Info) -> str | None:
        row = await info.context.loader(SettingsByShaLoader).load(self.code)
        return row.contact_email if row else None

    @strawberry.field(description="Public contact telephone of the regional CLN team.")
    async def contact_phone(self, info: Info) -> str | None:
        row = await info.context.loader(SettingsByShaLoader).load(self.code)
        return row.contact_phone if row else None

    @strawberry.field(description="Features the front end switches on, e.g. forums.")
    async def features(self, info: Info) -> list[str]:
        row = await info.context.loader(SettingsByShaLoader).load(self.code)
        return list(row.features) if row else []


@strawberry.type(description="The status change is not allowed from the current status.")
class InvalidTransitionError(UserError):
    current: ShaStatus = strawberry.field(description="The SHA's status now.")
    requested: ShaStatus = strawberry.field(description="The status asked for.")
    allowed: list[ShaStatus] = strawberry.field(description="Statuses reachable from `current`.")


@strawberry.type(description="A region brought in (status planned) or resumed.")
class OnboardShaPayload:
    sha: Sha = strawberry.field(description="The SHA as registered.")
    created: bool = strawberry.field(description="False when an earlier onboarding was resumed.")
    partitions: list[str] = strawberry.field(description="Its partition of every tenant table.")
    reference_organisations: int = strawberry.field(
        description="Reference organisations created (directorate, deanery, academy)."
    )


@strawberry.type(description="The SHA after its status change.")
class ShaStatusPayload:
    sha: Sha = strawberry.field(description="The SHA with its new status.")
    previous: ShaStatus = strawberry.field(description="The status before the change.")


@strawberry.type(description="The SHA's front-end settings as saved.")
class ShaSettingsPayload:
    front_end: ShaFrontEnd = strawberry.field(description="The saved settings.")
