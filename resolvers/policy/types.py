"""GraphQL types of policy access: consultations, responses and their summary."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.errors import UserError
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.relations import related
from resolvers.directory.enums import Profession
from resolvers.directory.loaders import MemberByIdLoader
from resolvers.directory.types import Member
from resolvers.policy.permissions import IsMember, IsPolicyLead


@strawberry.enum(description="Who a consultation is for.")
class ConsultationReach(Enum):
    REGIONAL = "REGIONAL"
    NATIONAL = "NATIONAL"


@strawberry.enum(description="A respondent's overall position.")
class ResponsePosition(Enum):
    SUPPORT = "SUPPORT"
    OPPOSE = "OPPOSE"
    MIXED = "MIXED"
    NO_VIEW = "NO_VIEW"


@strawberry.type(description="Responses counted by the respondents' SHA, profession and position.")
class ResponseSummaryRow:
    sha_code: str = strawberry.field(description="Respondents' SHA.")
    profession: Profession = strawberry.field(description="Respondents' profession.")
    position: ResponsePosition = strawberry.field(description="Their position.")
    count: int = strawberry.field(description="How many responded so.")


@strawberry.type(description="The responses a policy lead may see, summarised.")
class ResponseSummary:
    total: int = strawberry.field(description="Responses counted.")
    rows: list[ResponseSummaryRow] = strawberry.field(
        description="Counts by SHA, profession and position."
    )


@strawberry.type(
    description="A consultation opened by a policy lead. NATIONAL ones are read by every SHA;"
    " REGIONAL ones by their SHA."
)
class Consultation(Node):
    sha_code: str = strawberry.field(description="The SHA hosting the consultation.")
    reach: ConsultationReach = strawberry.field(description="Who may read and respond.")
    title: str = strawberry.field(description="Title.")
    description: str = strawberry.field(description="What is being consulted on.")
    policy_area: str | None = strawberry.field(description="Policy-area code, if any.")
    opens_at: dt.datetime = strawberry.field(description="When it opened.")
    closes_at: dt.datetime = strawberry.field(description="Closing date and time.")
    is_open: bool = strawberry.field(description="Responses may still be written or edited.")
    created_at: dt.datetime = strawberry.field(description="When it was written.")
    db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> Consultation:
        return cls(
            id=strawberry.ID(encode_id("Consultation", row.sha_code, row.id)),
            db_id=row.id,
            sha_code=row.sha_code,
            reach=ConsultationReach(row.reach),
            title=row.title,
            description=row.description,
            policy_area=row.policy_area,
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            is_open=row.closes_at > dt.datetime.now(dt.UTC),
            created_at=row.created_at,
        )

    @strawberry.field(
        description="The caller's own response, if any.", permission_classes=[IsMember]
    )
    async def my_response(self, info: Info) -> ConsultationResponse | None:

        return await related(info.context, "MyResponseLoader").load((self.sha_code, self.db_id))

    @strawberry.field(
        description="Responses by SHA, profession and position (only the SHAs you may read).",
        permission_classes=[IsPolicyLead],
    )
    async def summary(self, info: Info) -> ResponseSummary:

        return await related(info.context, "SummaryLoader").load((self.sha_code, self.db_id))


@strawberry.type(description="A member's response; it lives in the member's SHA.")
class ConsultationResponse(Node):
    sha_code: str = strawberry.field(description="The respondent's SHA.")
    position: ResponsePosition = strawberry.field(description="Overall position.")
    body: str = strawberry.field(description="The response.")
    created_at: dt.datetime = strawberry.field(description="When it was written.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")
    db_id: strawberry.Private[Any]
    member_db_id: strawberry.Private[Any]
    consultation_sha: strawberry.Private[str]
    consultation_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> ConsultationResponse:
        return cls(
            id=strawberry.ID(encode_id("ConsultationResponse", row.sha_code, row.id)),
            db_id=row.id,
            member_db_id=row.member_id,
            consultation_sha=row.consultation_sha,
            consultation_db_id=row.consultation_id,
            sha_code=row.sha_code,
            position=ResponsePosition(row.position),
            body=row.body,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="The member who responded.")
    async def member(self, info: Info) -> Member | None:
        return await info.context.loader(MemberByIdLoader).load((self.sha_code, self.member_db_id))

    @strawberry.field(description="The consultation responded to.")
    async def consultation(self, info: Info) -> Consultation | None:

        return await related(info.context, "ConsultationByIdLoader").load(
            (self.consultation_sha, self.consultation_db_id)
        )


@strawberry.type(description="The consultation has closed; responses can no longer change.")
class ConsultationClosedError(UserError):
    closed_at: dt.datetime = strawberry.field(description="When it closed.")
