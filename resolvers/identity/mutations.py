"""Platform-administrator mutations for partners, clients and agreements; each runs
atomically and writes a platform audit row."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.permissions import IsPlatformAdmin
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.identity import service
from resolvers.identity.types import (
    DataSharingAgreement,
    PartnerClientCredentials,
    PartnerKind,
    PartnerOrganisation,
)


@strawberry.input(description="A new partner organisation.")
class CreatePartnerOrganisationInput:
    name: str = strawberry.field(description="Unique name.")
    kind: PartnerKind = strawberry.field(description="What kind of body it is.")


@strawberry.input(description="A new OAuth client of a partner.")
class CreatePartnerClientInput:
    partner_id: strawberry.ID = strawberry.field(description="The owning partner.")
    name: str = strawberry.field(description="What the client is, e.g. `RCN reporting`.")


@strawberry.input(description="A new data-sharing agreement.")
class CreateDataSharingAgreementInput:
    partner_id: strawberry.ID = strawberry.field(description="The partner it binds.")
    reference: str = strawberry.field(description="Reference, unique per partner.")
    scopes: list[str] = strawberry.field(description="Scopes granted (docs/identity.md).")
    sha_codes: list[str] = strawberry.field(description="SHAs the partner may reach.")
    valid_from: dt.datetime = strawberry.field(description="Start of validity (with time zone).")
    valid_until: dt.datetime = strawberry.field(description="End of validity (with time zone).")


@strawberry.type(description="The partner organisation as saved.")
class PartnerOrganisationPayload:
    partner: PartnerOrganisation = strawberry.field(description="The partner.")


@strawberry.type(description="A client's credentials, shown once.")
class PartnerClientCredentialsPayload:
    credentials: PartnerClientCredentials = strawberry.field(description="Id and secret.")


@strawberry.type(description="The agreement as saved.")
class DataSharingAgreementPayload:
    agreement: DataSharingAgreement = strawberry.field(description="The agreement.")


@strawberry.type(description="The client was disabled; its tokens stop at once.")
class PartnerClientDisabledPayload:
    client_id: str = strawberry.field(description="The disabled client.")


@strawberry.type(description="The keys a client now signs `private_key_jwt` assertions with.")
class PartnerClientKeysPayload:
    client_id: str = strawberry.field(description="The client.")
    kids: list[str] = strawberry.field(description="Key ids of its registered public keys.")


PartnerClientKeysResult = Annotated[
    PartnerClientKeysPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("PartnerClientKeysResult", description="Registered keys or why not."),
]
PartnerOrganisationResult = Annotated[
    PartnerOrganisationPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("PartnerOrganisationResult", description="Saved partner or why not."),
]
PartnerClientCredentialsResult = Annotated[
    PartnerClientCredentialsPayload
    | ValidationError
    | NotFoundError
    | ForbiddenError
    | ConflictError,
    strawberry.union("PartnerClientCredentialsResult", description="Credentials or why not."),
]
DataSharingAgreementResult = Annotated[
    DataSharingAgreementPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("DataSharingAgreementResult", description="Saved agreement or why not."),
]
PartnerClientDisabledResult = Annotated[
    PartnerClientDisabledPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("PartnerClientDisabledResult", description="Disabled client or why not."),
]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Register a partner organisation (platform administrators).",
        permission_classes=[IsPlatformAdmin],
    )
    async def create_partner_organisation(
        self,
        info: Info,
        input: Annotated[
            CreatePartnerOrganisationInput,
            strawberry.argument(description="The partner organisation's name and kind."),
        ],
    ) -> PartnerOrganisationResult:
        async def act() -> PartnerOrganisationPayload:
            row = await service.create_partner(info.context.db, input.name, input.kind.value)
            return PartnerOrganisationPayload(partner=PartnerOrganisation.from_row(row))

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Create an OAuth client for a partner; the secret is shown once.",
        permission_classes=[IsPlatformAdmin],
    )
    async def create_partner_client(
        self,
        info: Info,
        input: Annotated[
            CreatePartnerClientInput,
            strawberry.argument(
                description="The partner organisation and the client's name; the secret is generated."
            ),
        ],
    ) -> PartnerClientCredentialsResult:
        async def act() -> PartnerClientCredentialsPayload:
            new = await service.create_client(info.context.db, str(input.partner_id), input.name)
            return _credentials(new)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Give a client a new secret; the old one stops working at once.",
        permission_classes=[IsPlatformAdmin],
    )
    async def rotate_partner_client_secret(
        self,
        info: Info,
        client_id: Annotated[str, strawberry.argument(description="The client.")],
    ) -> PartnerClientCredentialsResult:
        async def act() -> PartnerClientCredentialsPayload:
            return _credentials(await service.rotate_client_secret(info.context.db, client_id))

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Disable a client; tokens it already holds stop on their next request.",
        permission_classes=[IsPlatformAdmin],
    )
    async def disable_partner_client(
        self,
        info: Info,
        client_id: Annotated[str, strawberry.argument(description="The client.")],
    ) -> PartnerClientDisabledResult:
        async def act() -> PartnerClientDisabledPayload:
            await service.disable_client(info.context.db, client_id)
            return PartnerClientDisabledPayload(client_id=client_id)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Register the public keys (a JWK Set) a client uses for private_key_jwt.",
        permission_classes=[IsPlatformAdmin],
    )
    async def set_partner_client_keys(
        self,
        info: Info,
        client_id: Annotated[str, strawberry.argument(description="The client.")],
        jwks: Annotated[str, strawberry.argument(description="A JWK Set as JSON text.")],
    ) -> PartnerClientKeysResult:
        async def act() -> PartnerClientKeysPayload:
            kids = await service.set_client_jwks(info.context.db, client_id, jwks)
            return PartnerClientKeysPayload(client_id=client_id, kids=kids)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Record a data-sharing agreement granting scopes and SHAs for a period.",
        permission_classes=[IsPlatformAdmin],
    )
    async def create_data_sharing_agreement(
        self,
        info: Info,
        input: Annotated[
            CreateDataSharingAgreementInput,
            strawberry.argument(
                description="The partner, the agreement's reference, the scopes and SHAs granted, and the period it runs."
            ),
        ],
    ) -> DataSharingAgreementResult:
        terms = service.AgreementTerms(
            reference=input.reference,
            scopes=input.scopes,
            sha_codes=input.sha_codes,
            valid_from=input.valid_from,
            valid_until=input.valid_until,
        )

        async def act() -> DataSharingAgreementPayload:
            row = await service.create_agreement(info.context.db, str(input.partner_id), terms)
            return DataSharingAgreementPayload(agreement=DataSharingAgreement.from_row(row))

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Withdraw an agreement; tokens issued under it stop at once.",
        permission_classes=[IsPlatformAdmin],
    )
    async def withdraw_data_sharing_agreement(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The agreement.")],
    ) -> DataSharingAgreementResult:
        async def act() -> DataSharingAgreementPayload:
            row = await service.withdraw_agreement(info.context.db, str(id))
            return DataSharingAgreementPayload(agreement=DataSharingAgreement.from_row(row))

        return await run_mutation(info.context, act)  # type: ignore[return-value]


def _credentials(new: service.NewClient) -> PartnerClientCredentialsPayload:
    return PartnerClientCredentialsPayload(
        credentials=PartnerClientCredentials(
            client_id=new.client_id,
            client_secret=new.client_secret,
            partner_id=strawberry.ID(new.partner_id),
        )
    )
