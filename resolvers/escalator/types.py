"""GraphQL types of the Engagement Escalator. Leaf fields are filled from rows;
relations go through per-request DataLoaders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.errors import UserError
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.relations import related
from resolvers.directory.loaders import MemberByIdLoader, OrganisationByIdLoader
from resolvers.directory.types import Member, Organisation
from resolvers.escalator.enums import EscalatorLevel, PlanStatus, SupportReason


@strawberry.type(
    description="A policy area assessed on the Escalator: national, or added by an SHA."
)
class PolicyArea:
    code: str = strawberry.field(description="Stable upper-case code, e.g. CHOOSE_AND_BOOK.")
    name: str = strawberry.field(description="Display name.")
    sha_code: str | None = strawberry.field(
        description="The SHA that added it; null for the standard national list."
    )

    @strawberry.field(description="True for the standard national list.")
    def national(self) -> bool:
        return self.sha_code is None


@strawberry.type(description="Evidence recorded for one level below the claimed one.")
class LevelEvidence:
    level: EscalatorLevel = strawberry.field(description="The level the statement evidences.")
    statement: str = strawberry.field(description="What shows that level was reached.")


@strawberry.type(description="An organisation's self-assessment for one policy area and quarter.")
class EscalatorAssessment(Node):
    sha_code: str = strawberry.field(description="The SHA that owns this row.")
    policy_area_code: str = strawberry.field(description="Code of the policy area assessed.")
    period: str = strawberry.field(description="Quarter assessed, e.g. 2009Q1.")
    level: EscalatorLevel = strawberry.field(description="Level reached.")
    level_number: int = strawberry.field(description="Level reached as a number, 1-4.")
    evidence: str = strawberry.field(description="Evidence for the level reached.")
    earlier_evidence: list[LevelEvidence] = strawberry.field(
        description="Evidence for lower levels given with this claim (see the climbing rule)."
    )
    assessed_on: dt.date = strawberry.field(description="Date of the assessment.")
    created_at: dt.datetime = strawberry.field(description="When the row was written.")
    updated_at: dt.datetime = strawberry.field(description="When the row last changed.")
    db_id: strawberry.Private[Any]
    organisation_db_id: strawberry.Private[Any]
    assessor_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> EscalatorAssessment:
        return cls(
            id=strawberry.ID(encode_id("EscalatorAssessment", row.sha_code, row.id)),
            db_id=row.id,
            organisation_db_id=row.organisation_id,
            assessor_db_id=row.assessor_id,
            sha_code=row.sha_code,
            policy_area_code=row.policy_area,
            period=row.period,
            level=EscalatorLevel(row.level),
            level_number=row.level,
            evidence=row.evidence,
            earlier_evidence=[
                LevelEvidence(level=EscalatorLevel(e["level"]), statement=e["statement"])
                for e in row.earlier_evidence
            ],
            assessed_on=row.assessed_on,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="The organisation assessed.")
    async def organisation(self, info: Info) -> Organisation | None:
        return await info.context.loader(OrganisationByIdLoader).load(
            (self.sha_code, self.organisation_db_id)
        )

    @strawberry.field(description="The member who made the assessment.")
    async def assessor(self, info: Info) -> Member | None:
        return await info.context.loader(MemberByIdLoader).load(
            (self.sha_code, self.assessor_db_id)
        )

    @strawberry.field(description="The policy area assessed.")
    async def policy_area(self, info: Info) -> PolicyArea | None:

        return await related(info.context, "PolicyAreaByCodeLoader").load(
            (self.sha_code, self.policy_area_code)
        )


@strawberry.type(description="A clinical engagement plan for a significant service change.")
class EngagementPlan(Node):
    sha_code: str = strawberry.field(description="The SHA that owns this row.")
    service_change: str = strawberry.field(description="The service change the plan is for.")
    engagement_approach: str = strawberry.field(description="How clinicians are engaged.")
    monitoring_arrangements: str = strawberry.field(description="How engagement is monitored.")
    next_review_on: dt.date = strawberry.field(description="When the plan is next reviewed.")
    last_reviewed_on: dt.date | None = strawberry.field(description="When it was last reviewed.")
    status: PlanStatus = strawberry.field(description="ACTIVE plans are monitored.")
    policy_area_code: str | None = strawberry.field(
        description="The policy area the plan climbs (null only for plans written before 2026-12)."
    )
    target_level: EscalatorLevel | None = strawberry.field(
        description="The Escalator level the plan aims to reach."
    )
    overdue: bool = strawberry.field(description="ACTIVE and its next review date is before today.")
    created_at: dt.datetime = strawberry.field(description="When the plan was written.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")
    db_id: strawberry.Private[Any]
    organisation_db_id: strawberry.Private[Any]
    lead_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> EngagementPlan:
        return cls(
            id=strawberry.ID(encode_id("EngagementPlan", row.sha_code, row.id)),
            db_id=row.id,
            organisation_db_id=row.organisation_id,
            lead_db_id=row.lead_id,
            sha_code=row.sha_code,
            service_change=row.service_change,
            engagement_approach=row.engagement_approach,
            monitoring_arrangements=row.monitoring_arrangements,
            next_review_on=row.next_review_on,
            last_reviewed_on=row.last_reviewed_on,
            status=PlanStatus(row.status),
            policy_area_code=row.policy_area,
            target_level=None if row.target_level is None else EscalatorLevel(row.target_level),
            overdue=row.status == "ACTIVE" and row.next_review_on < dt.date.today(),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="The organisation making the change.")
    async def organisation(self, info: Info) -> Organisation | None:
        return await info.context.loader(OrganisationByIdLoader).load(
            (self.sha_code, self.organisation_db_id)
        )

    @strawberry.field(description="The clinical lead of the plan, if named.")
    async def lead(self, info: Info) -> Member | None:
        if self.lead_db_id is None:
            return None
        return await info.context.loader(MemberByIdLoader).load((self.sha_code, self.lead_db_id))


@strawberry.type(
    description="A claim skipped Escalator levels that are not evidenced; nothing was written."
)
class LevelSkipError(UserError):
    claimed_level: int = strawberry.field(description="The level claimed.")
    highest_earlier_level: int = strawberry.field(
        description="Highest level reached in an earlier period (0 if none)."
    )
    missing_levels: list[int] = strawberry.field(
        description="Levels below the claim that need evidence first."
    )


@strawberry.type(
    description="The quarter already has an assessment; nothing was written."
    " Correct the existing one with updateEscalatorAssessment."
)
class AssessmentExistsError(UserError):
    existing_assessment_id: strawberry.ID = strawberry.field(
        description="The assessment to correct (pass it as updateEscalatorAssessment's id)."
    )
    update_mutation: str = strawberry.field(
        description="The mutation that corrects it: updateEscalatorAssessment."
    )


@strawberry.type(description="A member an organisation names to record its Escalator assessments.")
class EscalatorLead:
    sha_code: str = strawberry.field(description="The SHA of the organisation.")
    appointed_at: dt.datetime = strawberry.field(description="When the lead was named.")
    organisation_db_id: strawberry.Private[Any]
    member_db_id: strawberry.Private[Any]

    @strawberry.field(description="The organisation.")
    async def organisation(self, info: Info) -> Organisation | None:
        return await info.context.loader(OrganisationByIdLoader).load(
            (self.sha_code, self.organisation_db_id)
        )

    @strawberry.field(description="The lead.")
    async def member(self, info: Info) -> Member | None:
        return await info.context.loader(MemberByIdLoader).load((self.sha_code, self.member_db_id))


@strawberry.type(
    description="How many organisations reached each level, for one policy area and quarter."
)
class LevelDistribution:
    sha_code: str = strawberry.field(description="The SHA counted.")
    policy_area_code: str = strawberry.field(description="Policy area counted.")
    period: str = strawberry.field(description="Quarter counted.")
    awareness_raising: int = strawberry.field(description="Organisations at level 1.")
    clinical_involvement: int = strawberry.field(description="Organisations at level 2.")
    dissemination: int = strawberry.field(description="Organisations at level 3.")
    acceptance_and_adoption: int = strawberry.field(description="Organisations at level 4.")
    total: int = strawberry.field(description="Organisations assessed.")


@strawberry.type(description="One quarter of an organisation's trend in a policy area.")
class TrendPoint:
    period: str = strawberry.field(description="Quarter.")
    level_number: int = strawberry.field(description="Level reached, 1-4.")
    change: int | None = strawberry.field(
        description="Change from the previous recorded quarter; null for the first."
    )


@strawberry.type(description="An organisation's levels over time in one policy area.")
class EscalatorTrend:
    sha_code: str = strawberry.field(description="The SHA that owns the organisation.")
    policy_area_code: str = strawberry.field(description="Policy area.")
    points: list[TrendPoint] = strawberry.field(description="Quarters in time order.")
    organisation_db_id: strawberry.Private[Any]

    @strawberry.field(description="The organisation.")
    async def organisation(self, info: Info) -> Organisation | None:
        return await info.context.loader(OrganisationByIdLoader).load(
            (self.sha_code, self.organisation_db_id)
        )


@strawberry.type(description="An organisation the SHA should offer early support, and why.")
class EarlySupportFlag:
    sha_code: str = strawberry.field(description="The SHA that owns the organisation.")
    reason: SupportReason = strawberry.field(description="Which rule flagged it.")
    policy_area_code: str | None = strawberry.field(
        description="Policy area concerned (null for an overdue plan)."
    )
    latest_period: str | None = strawberry.field(description="Latest quarter assessed.")
    latest_level: int | None = strawberry.field(description="Latest level reached.")
    detail: str = strawberry.field(description="Plain-language explanation.")
    organisation_db_id: strawberry.Private[Any]
    plan_db_id: strawberry.Private[Any]

    @strawberry.field(description="The organisation flagged.")
    async def organisation(self, info: Info) -> Organisation | None:
        return await info.context.loader(OrganisationByIdLoader).load(
            (self.sha_code, self.organisation_db_id)
        )

    @strawberry.field(description="The overdue plan, for OVERDUE_PLAN flags.")
    async def plan(self, info: Info) -> EngagementPlan | None:
        if self.plan_db_id is None:
            return None

        return await related(info.context, "EngagementPlanByIdLoader").load(
            (self.sha_code, self.plan_db_id)
        )
