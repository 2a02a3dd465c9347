"""GraphQL types of shared leadership ("double helix")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.relations import related
from resolvers.directory.types import Member, Organisation
from resolvers.partnerships.enums import InterestType, PartnershipLevel


def is_current(starts_on: dt.date, ends_on: dt.date | None, on: dt.date) -> bool:
    return starts_on <= on and (ends_on is None or ends_on >= on)


@strawberry.type(description="A clinician and a manager leading together (the double helix).")
class Partnership(Node):
    sha_code: str = strawberry.field(description="The owning SHA.")
    level: PartnershipLevel = strawberry.field(
        description="DIRECTORATE when the organisation is an SHA directorate."
    )
    focus: str | None = strawberry.field(description="Policy area or service the pair leads.")
    starts_on: dt.date = strawberry.field(description="First day of the partnership.")
    ends_on: dt.date | None = strawberry.field(description="Last day; null while open-ended.")
    current: bool = strawberry.field(description="Whether it runs today.")
    db_id: strawberry.Private[Any]
    organisation_db_id: strawberry.Private[Any]
    clinician_db_id: strawberry.Private[Any]
    manager_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> Partnership:
        return cls(
            id=strawberry.ID(encode_id("Partnership", row.sha_code, row.id)),
            db_id=row.id,
            organisation_db_id=row.organisation_id,
            clinician_db_id=row.clinician_id,
            manager_db_id=row.manager_id,
            sha_code=row.sha_code,
            level=PartnershipLevel(row.level),
            focus=row.focus,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            current=is_current(row.starts_on, row.ends_on, dt.date.today()),
        )

    @strawberry.field(description="The organisation or SHA directorate.")
    async def organisation(self, info: Info) -> Organisation | None:

        return await related(info.context, "OrganisationByIdLoader").load(
            (self.sha_code, self.organisation_db_id)
        )

    @strawberry.field(description="The named clinical lead.")
    async def clinician(self, info: Info) -> Member | None:

        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.clinician_db_id)
        )

    @strawberry.field(description="The manager partner (optional at directorate level).")
    async def manager(self, info: Info) -> Member | None:

        if self.manager_db_id is None:
            return None
        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.manager_db_id)
        )


@strawberry.type(description="An interest a senior clinical lead declared, dated.")
class DeclarationOfInterest(Node):
    sha_code: str = strawberry.field(description="The owning SHA.")
    declared_on: dt.date = strawberry.field(description="Date of the declaration.")
    interest_type: InterestType = strawberry.field(description="Kind of interest.")
    description: str = strawberry.field(description="What the interest is.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def from_row(cls, row: Any) -> DeclarationOfInterest:
        return cls(
            id=strawberry.ID(encode_id("DeclarationOfInterest", row.sha_code, row.id)),
            sha_code=row.sha_code,
            declared_on=row.declared_on,
            interest_type=InterestType(row.interest_type),
            description=row.description,
            created_at=row.created_at,
        )


@strawberry.type(
    description="A senior clinical lead for a care pathway (max 30 per SHA, 2 per pathway)."
)
class SeniorClinicalLead(Node):
    sha_code: str = strawberry.field(description="The SHA.")
    pathway: str = strawberry.field(description="Care pathway, lower case (e.g. `stroke`).")
    appointed_on: dt.date = strawberry.field(description="Date of appointment.")
    ends_on: dt.date | None = strawberry.field(description="Date the appointment ended.")
    active: bool = strawberry.field(description="Still in post (counts towards the limits).")
    db_id: strawberry.Private[Any]
    member_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> SeniorClinicalLead:
        return cls(
            id=strawberry.ID(encode_id("SeniorClinicalLead", row.sha_code, row.id)),
            db_id=row.id,
            member_db_id=row.member_id,
            sha_code=row.sha_code,
            pathway=row.pathway,
            appointed_on=row.appointed_on,
            ends_on=row.ends_on,
            active=row.ends_on is None,
        )

    @strawberry.field(description="The member appointed.")
    async def member(self, info: Info) -> Member | None:

        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.member_db_id)
        )

    @strawberry.field(description="Declarations of interest, newest first (at most 50).")
    async def declarations(self, info: Info) -> list[DeclarationOfInterest]:

        return await related(info.context, "DeclarationsByLeadLoader").load(
            (self.sha_code, self.db_id)
        )
