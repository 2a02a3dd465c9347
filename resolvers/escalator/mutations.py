"""Escalator mutations. Each returns a union of its payload and the typed errors;
a claim that skips unevidenced levels returns `LevelSkipError`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry

from resolvers.common.context import Context, Info
from resolvers.common.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UserError,
    ValidationError,
)
from resolvers.common.mutation import run_mutation
from resolvers.escalator import leads, service
from resolvers.escalator.enums import EscalatorLevel, PlanStatus
from resolvers.escalator.permissions import CanAssess, CanManageEngagement
from resolvers.escalator.types import (
    AssessmentExistsError,
    EngagementPlan,
    EscalatorAssessment,
    EscalatorLead,
    LevelSkipError,
    PolicyArea,
)

T = TypeVar("T")


async def run_escalator_mutation(ctx: Context, action: Callable[[], Awaitable[T]]) -> T | UserError:
    """`run_mutation` (savepoint, typed errors) plus the climbing rule's own error."""
    try:
        return await run_mutation(ctx, action)
    except service.PeriodTaken as taken:
        return AssessmentExistsError(
            message=str(taken),
            code="ASSESSMENT_EXISTS",
            existing_assessment_id=strawberry.ID(taken.existing_id),
            update_mutation="updateEscalatorAssessment",
        )
    except service.LevelSkipped as skipped:
        return LevelSkipError(
            message=str(skipped),
            code="LEVEL_SKIPPED",
            claimed_level=skipped.claimed,
            highest_earlier_level=skipped.highest_earlier,
            missing_levels=skipped.missing,
        )


@strawberry.input(description="A policy area the SHA adds to the national list.")
class AddPolicyAreaInput:
    sha_code: str | None = strawberry.field(
        default=None, description="Owning SHA; may be left out when you can write only one."
    )
    code: str = strawberry.field(description="Upper-case code, e.g. STROKE_CARE.")
    name: str = strawberry.field(description="Display name.")


@strawberry.input(description="Evidence for a level below the one claimed.")
class LevelEvidenceInput:
    level: EscalatorLevel = strawberry.field(description="The level evidenced.")
    statement: str = strawberry.field(description="What shows that level was reached.")


@strawberry.input(description="A self-assessment of one organisation, policy area and quarter.")
class RecordAssessmentInput:
    organisation_id: strawberry.ID = strawberry.field(description="Decides the SHA.")
    policy_area: str = strawberry.field(description="Policy-area code (national or the SHA's).")
    period: str = strawberry.field(description="Quarter, e.g. 2009Q1.")
    level: EscalatorLevel = strawberry.field(description="Level reached.")
    evidence: str = strawberry.field(description="Evidence for the level reached.")
    earlier_evidence: list[LevelEvidenceInput] = strawberry.field(
        default_factory=list,
        description="Evidence for lower levels not reached in an earlier quarter.",
    )
    assessor_id: strawberry.ID | None = strawberry.field(
        default=None, description="The assessing member; defaults to the caller."
    )
    assessed_on: dt.date | None = strawberry.field(
        default=None, description="Date of the assessment; defaults to today."
    )


@strawberry.input(description="Corrections to an assessment; omitted fields stay as they are.")
class UpdateAssessmentInput:
    id: strawberry.ID = strawberry.field(description="The assessment.")
    level: EscalatorLevel | None = strawberry.field(default=None, description="Level reached.")
    evidence: str | None = strawberry.field(default=None, description="Evidence for the level.")
    earlier_evidence: list[LevelEvidenceInput] | None = strawberry.field(
        default=None, description="Replaces the evidence for lower levels."
    )
    assessor_id: strawberry.ID | None = strawberry.field(
        default=None, description="The assessing member."
    )
    assessed_on: dt.date | None = strawberry.field(default=None, description="Assessment date.")


@strawberry.input(description="A clinical engagement plan for a significant service change.")
class CreateEngagementPlanInput:
    organisation_id: strawberry.ID = strawberry.field(description="Decides the SHA.")
    service_change: str = strawberry.field(description="The service change.")
    engagement_approach: str = strawberry.field(description="How clinicians are engaged.")
    monitoring_arrangements: str = strawberry.field(description="How it is monitored.")
    policy_area: str = strawberry.field(description="Policy-area code the plan climbs.")
    target_level: EscalatorLevel = strawberry.field(description="Level the plan aims to reach.")
    next_review_on: dt.date = strawberry.field(description="First review date (in the future).")
    lead_id: strawberry.ID | None = strawberry.field(
        default=None, description="Clinical lead (a member of the same SHA)."
    )


@strawberry.input(description="Changes to a plan, e.g. a review; omitted fields stay as they are.")
class UpdateEngagementPlanInput:
    id: strawberry.ID = strawberry.field(description="The plan.")
    service_change: str | None = strawberry.field(default=None, description="The service change.")
    engagement_approach: str | None = strawberry.field(default=None, description="Approach.")
    monitoring_arrangements: str | None = strawberry.field(default=None, description="Monitoring.")
    reviewed_on: dt.date | None = strawberry.field(
        default=None, description="Date a review took place."
    )
    next_review_on: dt.date | None = strawberry.field(default=None, description="Next review.")
    lead_id: strawberry.ID | None = strawberry.field(default=None, description="Clinical lead.")
    status: PlanStatus | None = strawberry.field(default=None, description="CLOSED ends it.")
    policy_area: str | None = strawberry.field(default=None, description="Policy-area code.")
    target_level: EscalatorLevel | None = strawberry.field(
        default=None, description="Level the plan aims to reach."
    )


@strawberry.type(description="The policy area as saved.")
class PolicyAreaPayload:
    policy_area: PolicyArea = strawberry.field(description="The policy area.")


@strawberry.type(description="The assessment as saved.")
class AssessmentPayload:
    assessment: EscalatorAssessment = strawberry.field(description="The assessment.")


@strawberry.type(description="The plan as saved.")
class EngagementPlanPayload:
    plan: EngagementPlan = strawberry.field(description="The plan.")


PolicyAreaResult = Annotated[
    PolicyAreaPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("PolicyAreaResult", description="Saved policy area or why not."),
]
AssessmentResult = Annotated[
    AssessmentPayload
    | AssessmentExistsError
    | LevelSkipError
    | ValidationError
    | NotFoundError
    | ForbiddenError
    | ConflictError,
    strawberry.union("AssessmentResult", description="Saved assessment or why not."),
]
EngagementPlanResult = Annotated[
    EngagementPlanPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("EngagementPlanResult", description="Saved plan or why not."),
]


def _evidence(items: list[LevelEvidenceInput] | None) -> list[tuple[EscalatorLevel, str]] | None:
    return None if items is None else [(e.level, e.statement) for e in items]


def _plan_changes(
    data: CreateEngagementPlanInput | UpdateEngagementPlanInput,
) -> service.PlanChanges:
    return service.PlanChanges(
        service_change=data.service_change,
        engagement_approach=data.engagement_approach,
        monitoring_arrangements=data.monitoring_arrangements,
        lead_id=data.lead_id,
        next_review_on=data.next_review_on,
        reviewed_on=getattr(data, "reviewed_on", None),
        status=getattr(data, "status", None),
        policy_area=data.policy_area,
        target_level=data.target_level,
    )


@strawberry.input(description="An organisation and the member named as its Escalator lead.")
class EscalatorLeadInput:
    organisation_id: strawberry.ID = strawberry.field(description="Decides the SHA.")
    member_id: strawberry.ID = strawberry.field(description="A member of the same SHA.")


@strawberry.type(description="The Escalator lead as named (or removed).")
class EscalatorLeadPayload:
    lead: EscalatorLead = strawberry.field(description="The organisation and its lead.")


EscalatorLeadResult = Annotated[
    EscalatorLeadPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("EscalatorLeadResult", description="The lead or why not."),
]


async def _change_lead(
    ctx: Context, data: EscalatorLeadInput, remove: bool
) -> EscalatorLeadPayload:
    import datetime as _dt

    org_gid = service.readable_id(ctx, data.organisation_id, "Organisation", "organisationId")
    sha = org_gid.sha_code
    org = await service.require_row(ctx, service.organisations, org_gid, "Organisation")
    member = await service.member_in(ctx, sha, data.member_id, "memberId")
    if remove:
        await leads.remove_lead(ctx, sha, org.id, member)
    else:
        await leads.set_lead(ctx, sha, org.id, member)
    return EscalatorLeadPayload(
        lead=EscalatorLead(
            sha_code=sha,
            appointed_at=_dt.datetime.now(_dt.UTC),
            organisation_db_id=org.id,
            member_db_id=member,
        )
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Add an SHA policy area to the Escalator.",
        permission_classes=[CanManageEngagement],
    )
    async def add_escalator_policy_area(
        self,
        info: Info,
        input: Annotated[
            AddPolicyAreaInput,
            strawberry.argument(description="The SHA, and the new policy area's code and name."),
        ],
    ) -> PolicyAreaResult:
        async def act() -> PolicyAreaPayload:
            area = await service.add_policy_area(
                info.context, input.sha_code, input.code, input.name
            )
            return PolicyAreaPayload(policy_area=area)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Record a self-assessment; levels are climbed in order.",
        permission_classes=[CanAssess],
    )
    async def record_escalator_assessment(
        self,
        info: Info,
        input: Annotated[
            RecordAssessmentInput,
            strawberry.argument(
                description="The organisation, policy area, quarter (e.g. 2009Q1), level reached, evidence and assessor."
            ),
        ],
    ) -> AssessmentResult:
        new = service.NewAssessment(
            organisation_id=input.organisation_id,
            policy_area=input.policy_area,
            period=input.period,
            changes=service.AssessmentChanges(
                level=input.level,
                evidence=input.evidence,
                earlier_evidence=_evidence(input.earlier_evidence),
                assessed_on=input.assessed_on,
                assessor_id=input.assessor_id,
            ),
        )

        async def act() -> AssessmentPayload:
            return AssessmentPayload(assessment=await service.record_assessment(info.context, new))

        return await run_escalator_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Correct a self-assessment; the climbing rule is checked again.",
        permission_classes=[CanAssess],
    )
    async def update_escalator_assessment(
        self,
        info: Info,
        input: Annotated[
            UpdateAssessmentInput,
            strawberry.argument(
                description="The assessment's id and the corrected fields; fields left out keep their value."
            ),
        ],
    ) -> AssessmentResult:
        changes = service.AssessmentChanges(
            level=input.level,
            evidence=input.evidence,
            earlier_evidence=_evidence(input.earlier_evidence),
            assessed_on=input.assessed_on,
            assessor_id=input.assessor_id,
        )

        async def act() -> AssessmentPayload:
            assessment = await service.update_assessment(info.context, input.id, changes)
            return AssessmentPayload(assessment=assessment)

        return await run_escalator_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Write a clinical engagement plan for a service change.",
        permission_classes=[CanManageEngagement],
    )
    async def create_engagement_plan(
        self,
        info: Info,
        input: Annotated[
            CreateEngagementPlanInput,
            strawberry.argument(
                description="The organisation, the service change, the engagement approach, monitoring, lead and next review date."
            ),
        ],
    ) -> EngagementPlanResult:
        async def act() -> EngagementPlanPayload:
            plan = await service.create_plan(
                info.context, input.organisation_id, _plan_changes(input)
            )
            return EngagementPlanPayload(plan=plan)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Change or review a clinical engagement plan.",
        permission_classes=[CanManageEngagement],
    )
    async def update_engagement_plan(
        self,
        info: Info,
        input: Annotated[
            UpdateEngagementPlanInput,
            strawberry.argument(
                description="The plan's id and the fields to change; fields left out keep their value."
            ),
        ],
    ) -> EngagementPlanResult:
        async def act() -> EngagementPlanPayload:
            plan = await service.update_plan(info.context, input.id, _plan_changes(input))
            return EngagementPlanPayload(plan=plan)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Name a member as an organisation's Escalator lead (SHA admins).",
        permission_classes=[CanManageEngagement],
    )
    async def set_escalator_lead(
        self,
        info: Info,
        input: Annotated[
            EscalatorLeadInput, strawberry.argument(description="The organisation and member.")
        ],
    ) -> EscalatorLeadResult:
        return await run_mutation(  # type: ignore[return-value]
            info.context, lambda: _change_lead(info.context, input, remove=False)
        )

    @strawberry.mutation(
        description="Stop a member being an organisation's Escalator lead (SHA admins).",
        permission_classes=[CanManageEngagement],
    )
    async def remove_escalator_lead(
        self,
        info: Info,
        input: Annotated[
            EscalatorLeadInput, strawberry.argument(description="The organisation and member.")
        ],
    ) -> EscalatorLeadResult:
        return await run_mutation(  # type: ignore[return-value]
            info.context, lambda: _change_lead(info.context, input, remove=True)
        )
