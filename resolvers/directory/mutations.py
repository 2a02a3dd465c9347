"""Directory mutations. Each returns a union of its payload and the typed errors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.permissions import IsShaAdmin
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.directory import service
from resolvers.directory.enums import (
    MemberRole,
    MemberStatus,
    OrganisationType,
    Profession,
    RegistrationBody,
)
from resolvers.directory.types import Member, Organisation


@strawberry.input(description="A new organisation.")
class CreateOrganisationInput:
    sha_code: str | None = strawberry.field(
        default=None, description="Owning SHA; may be left out when you can write only one."
    )
    code: str
    name: str
    type: OrganisationType


@strawberry.input(description="Changes to an organisation; omitted fields stay as they are.")
class UpdateOrganisationInput:
    id: strawberry.ID
    code: str | None = None
    name: str | None = None
    type: OrganisationType | None = None


@strawberry.input(description="A professional registration.")
class RegistrationInput:
    body: RegistrationBody
    number: str


@strawberry.input(description="A new member.")
class CreateMemberInput:
    organisation_id: strawberry.ID = strawberry.field(description="Decides the member's SHA.")
    given_name: str
    family_name: str
    profession: Profession
    email: str | None = None
    registration: RegistrationInput | None = None
    roles: list[MemberRole] = strawberry.field(default_factory=list)
    joined_on: dt.date | None = None
    status: MemberStatus | None = None


@strawberry.input(description="Changes to a member; omitted fields stay as they are.")
class UpdateMemberInput:
    id: strawberry.ID
    organisation_id: strawberry.ID | None = None
    given_name: str | None = None
    family_name: str | None = None
    profession: Profession | None = None
    email: str | None = None
    registration: RegistrationInput | None = strawberry.field(
        default=None,
        description="Replaces the registration; needed when the profession changes.",
    )
    roles: list[MemberRole] | None = None
    joined_on: dt.date | None = None
    status: MemberStatus | None = None


@strawberry.type(description="The organisation as saved.")
class OrganisationPayload:
    organisation: Organisation


@strawberry.type(description="The member as saved.")
class MemberPayload:
    member: Member


OrganisationResult = Annotated[
    OrganisationPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("OrganisationResult", description="Saved organisation or why not."),
]
MemberResult = Annotated[
    MemberPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("MemberResult", description="Saved member or why not."),
]


def _member_changes(data: CreateMemberInput | UpdateMemberInput) -> service.MemberChanges:
    registration = data.registration
    return service.MemberChanges(
        organisation_id=data.organisation_id,
        given_name=data.given_name,
        family_name=data.family_name,
        email=data.email,
        profession=data.profession,
        registration_body=registration.body if registration else None,
        registration_number=registration.number.strip() if registration else None,
        registration_given=registration is not None,
        roles=data.roles,
        joined_on=data.joined_on,
        status=data.status,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Add an organisation to an SHA.", permission_classes=[IsShaAdmin]
    )
    async def create_organisation(
        self, info: Info, input: CreateOrganisationInput
    ) -> OrganisationResult:
        changes = service.OrganisationChanges(code=input.code, name=input.name, type=input.type)

        async def act() -> OrganisationPayload:
            org = await service.create_organisation(info.context, input.sha_code, changes)
            return OrganisationPayload(organisation=org)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(description="Change an organisation.", permission_classes=[IsShaAdmin])
    async def update_organisation(
        self, info: Info, input: UpdateOrganisationInput
    ) -> OrganisationResult:
        changes = service.OrganisationChanges(code=input.code, name=input.name, type=input.type)

        async def act() -> OrganisationPayload:
            org = await service.update_organisation(info.context, input.id, changes)
            return OrganisationPayload(organisation=org)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(description="Add a member.", permission_classes=[IsShaAdmin])
    async def create_member(self, info: Info, input: CreateMemberInput) -> MemberResult:
        async def act() -> MemberPayload:
            member = await service.create_member(info.context, _member_changes(input))
            return MemberPayload(member=member)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(description="Change a member.", permission_classes=[IsShaAdmin])
    async def update_member(self, info: Info, input: UpdateMemberInput) -> MemberResult:
        async def act() -> MemberPayload:
            member = await service.update_member(info.context, input.id, _member_changes(input))
            return MemberPayload(member=member)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
