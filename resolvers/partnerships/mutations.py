"""Shared-leadership mutations, for SHA administrators."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.permissions import IsShaAdmin
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.partnerships import service
from resolvers.partnerships.enums import InterestType
from resolvers.partnerships.types import DeclarationOfInterest, Partnership, SeniorClinicalLead


@strawberry.input(description="A new clinician-manager partnership.")
class CreatePartnershipInput:
    organisation_id: strawberry.ID = strawberry.field(
        description="Organisation or SHA directorate; decides the SHA and the level."
    )
    clinician_id: strawberry.ID = strawberry.field(description="The clinical lead.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="The manager; required at organisation level."
    )
    focus: str | None = strawberry.field(default=None, description="Policy area or service.")
    starts_on: dt.date = strawberry.field(description="First day.")
    ends_on: dt.date | None = strawberry.field(default=None, description="Last day, if known.")


@strawberry.input(description="End a partnership.")
class EndPartnershipInput:
    id: strawberry.ID = strawberry.field(description="The partnership.")
    ends_on: dt.date = strawberry.field(description="Its last day.")


@strawberry.input(description="Appoint a senior clinical lead.")
class AppointSeniorClinicalLeadInput:
    member_id: strawberry.ID = strawberry.field(description="An active registered clinician.")
    pathway: str = strawberry.field(description="Care pathway; stored in lower case.")
    appointed_on: dt.date = strawberry.field(description="Date of appointment.")


@strawberry.input(description="End a senior clinical lead's appointment.")
class EndSeniorClinicalLeadInput:
    id: strawberry.ID = strawberry.field(description="The lead.")
    ends_on: dt.date = strawberry.field(description="Last day in post (not in the future).")


@strawberry.input(description="A declaration of interest by a senior clinical lead.")
class DeclareInterestInput:
    lead_id: strawberry.ID = strawberry.field(description="The senior clinical lead.")
    declared_on: dt.date = strawberry.field(description="Date of the declaration.")
    interest_type: InterestType = strawberry.field(description="Kind of interest.")
    description: str = strawberry.field(description="What the interest is (max 1000).")


@strawberry.type(description="The partnership as saved.")
class PartnershipPayload:
    partnership: Partnership = strawberry.field(description="The partnership.")


@strawberry.type(description="The senior clinical lead as saved.")
class SeniorClinicalLeadPayload:
    lead: SeniorClinicalLead = strawberry.field(description="The lead.")


@strawberry.type(description="The declaration as saved.")
class DeclarationOfInterestPayload:
    declaration: DeclarationOfInterest = strawberry.field(description="The declaration.")


PartnershipResult = Annotated[
    PartnershipPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("PartnershipResult", description="Saved partnership or why not."),
]
SeniorClinicalLeadResult = Annotated[
    SeniorClinicalLeadPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("SeniorClinicalLeadResult", description="Saved lead or why not."),
]
DeclarationOfInterestResult = Annotated[
    DeclarationOfInterestPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("DeclarationOfInterestResult", description="Saved declaration or why not."),
]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Link a clinician and a manager (or a directorate's clinical lead).",
        permission_classes=[IsShaAdmin],
    )
    async def create_partnership(
        self,
        info: Info,
        input: Annotated[
            CreatePartnershipInput,
            strawberry.argument(
                description="The organisation, the clinician, the manager, the focus and the first (and optionally last) day."
            ),
        ],
    ) -> PartnershipResult:
        async def act() -> PartnershipPayload:
            partnership = await service.create_partnership(
                info.context,
                input.organisation_id,
                input.clinician_id,
                input.manager_id,
                input.focus,
                input.starts_on,
                input.ends_on,
            )
            return PartnershipPayload(partnership=partnership)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Set a partnership's last day.", permission_classes=[IsShaAdmin]
    )
    async def end_partnership(
        self,
        info: Info,
        input: Annotated[
            EndPartnershipInput,
            strawberry.argument(description="The partnership's id and its last day."),
        ],
    ) -> PartnershipResult:
        async def act() -> PartnershipPayload:
            partnership = await service.end_partnership(info.context, input.id, input.ends_on)
            return PartnershipPayload(partnership=partnership)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Appoint a senior clinical lead (max 30 per SHA, 2 per pathway).",
        permission_classes=[IsShaAdmin],
    )
    async def appoint_senior_clinical_lead(
        self,
        info: Info,
        input: Annotated[
            AppointSeniorClinicalLeadInput,
            strawberry.argument(description="The member, the pathway and the day appointed."),
        ],
    ) -> SeniorClinicalLeadResult:
        async def act() -> SeniorClinicalLeadPayload:
            lead = await service.appoint_lead(
                info.context, input.member_id, input.pathway, input.appointed_on
            )
            return SeniorClinicalLeadPayload(lead=lead)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="End a senior clinical lead's appointment.", permission_classes=[IsShaAdmin]
    )
    async def end_senior_clinical_lead(
        self,
        info: Info,
        input: Annotated[
            EndSeniorClinicalLeadInput,
            strawberry.argument(description="The appointment's id and its last day."),
        ],
    ) -> SeniorClinicalLeadResult:
        async def act() -> SeniorClinicalLeadPayload:
            lead = await service.end_lead(info.context, input.id, input.ends_on)
            return SeniorClinicalLeadPayload(lead=lead)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Record a senior clinical lead's declaration of interest.",
        permission_classes=[IsShaAdmin],
    )
    async def declare_interest(
        self,
        info: Info,
        input: Annotated[
            DeclareInterestInput,
            strawberry.argument(
                description="The lead's id, the day declared, the kind of interest and a description."
            ),
        ],
    ) -> DeclarationOfInterestResult:
        async def act() -> DeclarationOfInterestPayload:
            declaration = await service.declare_interest(
                info.context,
                input.lead_id,
                input.declared_on,
                input.interest_type,
                input.description,
            )
            return DeclarationOfInterestPayload(declaration=declaration)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
