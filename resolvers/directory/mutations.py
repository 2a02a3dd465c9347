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
    code: str = strawberry.field(description="ODS-style code, checked against the type.")
    name: str = strawberry.field(description="Display name.")
    type: OrganisationType = strawberry.field(description="Kind of organisation.")


@strawberry.input(description="Changes to an organisation; omitted fields stay as they are.")
class UpdateOrganisationInput:
    id: strawberry.ID = strawberry.field(description="Global id of the organisation.")
    code: str | None = strawberry.field(default=None, description="New ODS-style code.")
    name: str | None = strawberry.field(default=None, description="New display name.")
    type: OrganisationType | None = strawberry.field(
        default=None, description="New kind of organisation."
    )


@strawberry.input(description="A professional registration.")
class RegistrationInput:
    body: RegistrationBody = strawberry.field(description="The regulator that holds the register.")
    number: str = strawberry.field(description="Registration number, checked by the body's format.")


@strawberry.input(description="A new member.")
class CreateMemberInput:
    organisation_id: strawberry.ID = strawberry.field(description="Decides the member's SHA.")
    given_name: str = strawberry.field(description="Given name.")
    family_name: str = strawberry.field(description="Family name.")
    profession: Profession = strawberry.field(description="Professional group.")
    email: str | None = strawberry.field(default=None, description="Work email address.")
    registration: RegistrationInput | None = strawberry.field(
        default=None, description="Professional registration, if any."
    )
    roles: list[MemberRole] = strawberry.field(
        default_factory=list, description="Roles held in the network."
    )
    joined_on: dt.date | None = strawberry.field(
        default=None, description="Date joined (default today)."
    )
    status: MemberStatus | None = strawberry.field(
        default=None, description="Membership status (default ACTIVE)."
    )


@strawberry.input(description="Changes to a member; omitted fields stay as they are.")
class UpdateMemberInput:
    id: strawberry.ID = strawberry.field(description="Global id of the member.")
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Move to this organisation (same SHA)."
    )
    given_name: str | None = strawberry.field(default=None, description="New given name.")
    family_name: str | None = strawberry.field(default=None, description="New family name.")
    profession: Profession | None = strawberry.field(
        default=None, description="New professional group."
    )
    email: str | None = strawberry.field(default=None, description="New work email address.")
    registration: RegistrationInput | None = strawberry.field(
        default=None,
        description="Replaces the registration; needed when the profession changes.",
    )
    roles: list[MemberRole] | None = strawberry.field(
        default=None, description="Replaces the roles."
    )
    joined_on: dt.date | None = strawberry.field(default=None, description="New join date.")
    status: MemberStatus | None = strawberry.field(
        default=None, description="New membership status."
    )


@strawberry.type(description="The organisation as saved.")
class OrganisationPayload:
    organisation: Organisation = strawberry.field(description="The organisation after the change.")


@strawberry.type(description="The member as saved.")
class MemberPayload:
    member: Member = strawberry.field(description="The member after the change.")


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
        self,
        info: Info,
        input: Annotated[CreateOrganisationInput, strawberry.argument(description="What to save.")],
    ) -> OrganisationResult:
        changes = service.OrganisationChanges(code=input.code, name=input.name, type=input.type)

        async def act() -> OrganisationPayload:
            org = await service.create_organisation(info.context, input.sha_code, changes)
            return OrganisationPayload(organisation=org)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(description="Change an organisation.", permission_classes=[IsShaAdmin])
    async def update_organisation(
        self,
        info: Info,
        input: Annotated[UpdateOrganisationInput, strawberry.argument(description="What to save.")],
    ) -> OrganisationResult:
        changes = service.OrganisationChanges(code=input.code, name=input.name, type=input.type)

        async def act() -> OrganisationPayload:
            org = await service.update_organisation(info.context, input.id, changes)
            return OrganisationPayload(organisation=org)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(description="Add a member.", permission_classes=[IsShaAdmin])
    async def create_member(
        self,
        info: Info,
        input: Annotated[CreateMemberInput, strawberry.argument(description="What to save.")],
    ) -> MemberResult:
        async def act() -> MemberPayload:
            member = await service.create_member(info.context, _member_changes(input))
            return MemberPayload(member=member)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(description="Change a member.", permission_classes=[IsShaAdmin])
    async def update_member(
        self,
        info: Info,
        input: Annotated[UpdateMemberInput, strawberry.argument(description="What to save.")],
    ) -> MemberResult:
        async def act() -> MemberPayload:
            member = await service.update_member(info.context, input.id, _member_changes(input))
            return MemberPayload(member=member)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
