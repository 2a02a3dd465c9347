"""Escalator queries: policy areas, assessments, plans (Relay connections) and the
SHA's collation (distribution, trends, early-support flags)."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, null, select, union_all

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.errors import BadUserInput
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    Direction,
    Filtered,
    Ordering,
    PageArgs,
    SortDirection,
    paginate,
)
from resolvers.directory.queries import GlobalIdArg, ShaNarrowing, narrow_shas
from resolvers.escalator import collation, leads
from resolvers.escalator.enums import EscalatorLevel, PlanStatus, SupportReason
from resolvers.escalator.loaders import EngagementPlanByIdLoader, EscalatorAssessmentByIdLoader
from resolvers.escalator.periods import check_period
from resolvers.escalator.permissions import CanCollate
from resolvers.escalator.tables import (
    assessments,
    engagement_plans,
    escalator_leads,
    national_policy_areas,
    policy_areas,
)
from resolvers.escalator.types import (
    EarlySupportFlag,
    EngagementPlan,
    EscalatorAssessment,
    EscalatorLead,
    EscalatorTrend,
    LevelDistribution,
    PolicyArea,
    TrendPoint,
)


def period_arg(value: str | None, name: str) -> str | None:
    problems = check_period(value, name)
    if problems:
        raise BadUserInput(f"{name} {problems[0].message}", argument=name)
    return value


def org_filter(ctx: Context, value: strawberry.ID | None) -> GlobalId | None:
    """An organisation id in a filter; one outside the scope matches nothing."""
    if value is None:
        return None
    return decode_id(value, "Organisation")


def _codes(values: list[str] | None) -> list[str] | None:
    return [v.strip().upper() for v in values] if values else None


@strawberry.input(description="Narrow the assessment list; all conditions must hold.")
class AssessmentFilter:
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this organisation."
    )
    policy_areas: list[str] | None = strawberry.field(
        default=None, description="Only these policy-area codes."
    )
    period_from: str | None = strawberry.field(default=None, description="From this quarter.")
    period_to: str | None = strawberry.field(default=None, description="Up to this quarter.")
    levels: list[EscalatorLevel] | None = strawberry.field(
        default=None, description="Only these levels."
    )


@strawberry.enum(description="Sort keys for assessments.")
class AssessmentSortField(Enum):
    PERIOD = "period"
    ASSESSED_ON = "assessed_on"


@strawberry.input(description="How to sort assessments.")
class AssessmentOrder:
    field: AssessmentSortField = strawberry.field(
        default=AssessmentSortField.PERIOD, description="Sort key."
    )
    direction: SortDirection = strawberry.field(default=SortDirection.ASC, description="Direction.")


@strawberry.input(description="Narrow the plan list; all conditions must hold.")
class EngagementPlanFilter:
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this organisation."
    )
    statuses: list[PlanStatus] | None = strawberry.field(
        default=None, description="Only these statuses."
    )
    overdue: bool | None = strawberry.field(
        default=None, description="true: ACTIVE plans past their review date; false: the others."
    )


def assessment_query(ctx: Context, shas: list[str], where: AssessmentFilter | None) -> Select[Any]:
    a = assessments.c
    query = select(assessments).where(a.sha_code.in_(shas))
    if where is None:
        return query
    org = org_filter(ctx, where.organisation_id)
    if org is not None:
        query = query.where(a.sha_code == org.sha_code, a.organisation_id == org.uuid)
    if where.policy_areas:
        query = query.where(a.policy_area.in_(_codes(where.policy_areas) or []))
    if period_arg(where.period_from, "periodFrom"):
        query = query.where(a.period >= where.period_from)
    if period_arg(where.period_to, "periodTo"):
        query = query.where(a.period <= where.period_to)
    if where.levels:
        query = query.where(a.level.in_([lvl.value for lvl in where.levels]))
    return query


def assessment_ordering(order: AssessmentOrder | None) -> Ordering:
    order = order or AssessmentOrder()
    a = assessments.c
    first = a.assessed_on if order.field == AssessmentSortField.ASSESSED_ON else a.period
    return Ordering((first, a.sha_code, a.id), order.direction == SortDirection.DESC)


def plan_query(ctx: Context, shas: list[str], where: EngagementPlanFilter | None) -> Select[Any]:
    p = engagement_plans.c
    query = select(engagement_plans).where(p.sha_code.in_(shas))
    if where is None:
        return query
    org = org_filter(ctx, where.organisation_id)
    if org is not None:
        query = query.where(p.sha_code == org.sha_code, p.organisation_id == org.uuid)
    if where.statuses:
        query = query.where(p.status.in_([s.value for s in where.statuses]))
    if where.overdue is not None:
        overdue = (p.status == "ACTIVE") & (p.next_review_on < dt.date.today())
        query = query.where(overdue if where.overdue else ~overdue)
    return query


async def _fetch_assessment(ctx: Context, gid: GlobalId) -> EscalatorAssessment | None:
    return await ctx.loader(EscalatorAssessmentByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_plan(ctx: Context, gid: GlobalId) -> EngagementPlan | None:
    return await ctx.loader(EngagementPlanByIdLoader).load((gid.sha_code, gid.uuid))


register_node("EscalatorAssessment", _fetch_assessment)
register_node("EngagementPlan", _fetch_plan)


@strawberry.type
class Query:
    @strawberry.field(
        description="Policy areas: the national list plus those added by the SHAs in scope.",
        permission_classes=[IsAuthenticated],
    )
    async def escalator_policy_areas(
        self, info: Info, shas: ShaNarrowing = None
    ) -> list[PolicyArea]:
        ctx = info.context
        national = select(
            national_policy_areas.c.code, national_policy_areas.c.name, null().label("sha_code")
        )
        own = select(policy_areas.c.code, policy_areas.c.name, policy_areas.c.sha_code).where(
            policy_areas.c.sha_code.in_(narrow_shas(ctx, shas))
        )
        rows = await ctx.db.rows(union_all(national, own).order_by("sha_code", "code"))
        return [PolicyArea(code=r.code, name=r.name, sha_code=r.sha_code) for r in rows]

    @strawberry.field(
        description="Who records each organisation's assessments (its named Escalator leads).",
        permission_classes=[IsAuthenticated],
    )
    async def escalator_leads(
        self,
        info: Info,
        organisation_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this organisation.")
        ] = None,
        shas: ShaNarrowing = None,
    ) -> list[EscalatorLead]:
        ctx = info.context
        query = select(escalator_leads).where(
            escalator_leads.c.sha_code.in_(narrow_shas(ctx, shas))
        )
        org = org_filter(ctx, organisation_id)
        if organisation_id is not None:
            if org is None:
                return []
            query = query.where(
                escalator_leads.c.sha_code == org.sha_code,
                escalator_leads.c.organisation_id == uuid.UUID(org.key),
            )
        rows = await ctx.db.rows(
            query.order_by(escalator_leads.c.sha_code, escalator_leads.c.appointed_at).limit(1000)
        )
        return [
            EscalatorLead(
                sha_code=r.sha_code,
                appointed_at=r.appointed_at,
                organisation_db_id=r.organisation_id,
                member_db_id=r.member_id,
            )
            for r in rows
        ]

    @strawberry.field(
        description="Escalator self-assessments of the SHAs in scope.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def escalator_assessments(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[AssessmentFilter | None] = None,
        order_by: Annotated[
            AssessmentOrder | None,
            strawberry.argument(description="Sort order (default by quarter)."),
        ] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[EscalatorAssessment]:
        ctx = info.context
        return await paginate(
            ctx.db,
            assessment_query(ctx, narrow_shas(ctx, shas), filter),
            assessment_ordering(order_by),
            page,
            EscalatorAssessment.from_row,
        )

    @strawberry.field(
        description="One assessment by global id.", permission_classes=[IsAuthenticated]
    )
    async def escalator_assessment(self, info: Info, id: GlobalIdArg) -> EscalatorAssessment | None:
        gid = decode_id(id, "EscalatorAssessment")
        if gid.sha_code not in info.context.scope.read:
            return None
        return await _fetch_assessment(info.context, gid)

    @strawberry.field(
        description="Clinical engagement plans of the SHAs in scope, by next review date.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def engagement_plans(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[EngagementPlanFilter | None] = None,
        direction: Direction = SortDirection.ASC,
        shas: ShaNarrowing = None,
    ) -> Connection[EngagementPlan]:
        ctx = info.context
        p = engagement_plans.c
        return await paginate(
            ctx.db,
            plan_query(ctx, narrow_shas(ctx, shas), filter),
            Ordering((p.next_review_on, p.sha_code, p.id), direction == SortDirection.DESC),
            page,
            EngagementPlan.from_row,
        )

    @strawberry.field(description="One plan by global id.", permission_classes=[IsAuthenticated])
    async def engagement_plan(self, info: Info, id: GlobalIdArg) -> EngagementPlan | None:
        gid = decode_id(id, "EngagementPlan")
        if gid.sha_code not in info.context.scope.read:
            return None
        return await _fetch_plan(info.context, gid)

    @strawberry.field(
        description="How many organisations reached each level, by policy area and quarter.",
        permission_classes=[CanCollate],
    )
    async def escalator_level_distribution(
        self,
        info: Info,
        policy_areas: Annotated[
            list[str] | None,
            strawberry.argument(description="Only these policy area codes (default all)."),
        ] = None,
        period_from: Annotated[
            str | None,
            strawberry.argument(
                description="First quarter counted, e.g. 2009Q1 (default the earliest)."
            ),
        ] = None,
        period_to: Annotated[
            str | None,
            strawberry.argument(
                description="Last quarter counted, e.g. 2009Q4 (default the latest)."
            ),
        ] = None,
        shas: ShaNarrowing = None,
    ) -> list[LevelDistribution]:
        ctx = info.context
        rows = await collation.level_distribution(
            ctx,
            await leads.collation_shas(ctx, narrow_shas(ctx, shas)),
            _codes(policy_areas),
            period_arg(period_from, "periodFrom"),
            period_arg(period_to, "periodTo"),
        )
        return [
            LevelDistribution(
                sha_code=r.sha_code,
                policy_area_code=r.policy_area,
                period=r.period,
                awareness_raising=r.l1,
                clinical_involvement=r.l2,
                dissemination=r.l3,
                acceptance_and_adoption=r.l4,
                total=r.total,
            )
            for r in rows
        ]

    @strawberry.field(
        description="Each organisation's level over time per policy area, with the change.",
        permission_classes=[CanCollate],
    )
    async def escalator_trends(
        self,
        info: Info,
        organisation_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this organisation (global id); one outside your scope matches nothing."
            ),
        ] = None,
        policy_areas: Annotated[
            list[str] | None,
            strawberry.argument(description="Only these policy area codes (default all)."),
        ] = None,
        shas: ShaNarrowing = None,
    ) -> list[EscalatorTrend]:
        ctx = info.context
        scope = await leads.collation_shas(ctx, narrow_shas(ctx, shas))
        org = org_filter(ctx, organisation_id)
        if org is not None:
            scope = [s for s in scope if s == org.sha_code]
            if not scope:
                return []
        rows = await collation.trends(ctx, scope, org.uuid if org else None, _codes(policy_areas))
        found: dict[tuple[str, Any, str], EscalatorTrend] = {}
        for r in rows:
            key = (r.sha_code, r.organisation_id, r.policy_area)
            trend = found.get(key)
            if trend is None:
                trend = EscalatorTrend(
                    sha_code=r.sha_code,
                    policy_area_code=r.policy_area,
                    points=[],
                    organisation_db_id=r.organisation_id,
                )
                found[key] = trend
            trend.points.append(TrendPoint(period=r.period, level_number=r.level, change=r.change))
        return list(found.values())

    @strawberry.field(
        description=(
            "Organisations to offer early support: stalled or fallen back for `periods`"
            " quarters, or with an overdue engagement plan (rule in docs/develop-escalator.md)."
        ),
        permission_classes=[CanCollate],
    )
    async def escalator_early_support(
        self,
        info: Info,
        periods: Annotated[
            int,
            strawberry.argument(
                description="How many consecutive quarters without progress flag an organisation (1 to 12, default 2)."
            ),
        ] = 2,
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(
                description="The day an engagement plan's review counts as overdue from (default today)."
            ),
        ] = None,
        as_of_period: Annotated[
            str | None,
            strawberry.argument(
                description="Ignore assessments after this quarter, e.g. 2009Q4 (default none ignored)."
            ),
        ] = None,
        shas: ShaNarrowing = None,
    ) -> list[EarlySupportFlag]:
        if not 1 <= periods <= 12:
            raise BadUserInput("periods must be between 1 and 12", argument="periods")
        ctx = info.context
        rows = await collation.early_support(
            ctx,
            await leads.collation_shas(ctx, narrow_shas(ctx, shas)),
            periods,
            as_of or dt.date.today(),
            period_arg(as_of_period, "asOfPeriod"),
        )
        return [_flag(r, periods) for r in rows]


def _flag(r: Any, periods: int) -> EarlySupportFlag:
    reason = SupportReason(r.reason)
    if reason == SupportReason.OVERDUE_PLAN:
        detail = f"engagement plan review was due on {r.review_on}"
    elif reason == SupportReason.FELL_BACK:
        detail = (
            f"last {periods} assessment(s) below level {r.reference} reached earlier;"
            f" now level {r.latest_level}"
        )
    else:
        detail = f"level {r.latest_level} for {periods + 1} consecutive assessments"
    return EarlySupportFlag(
        sha_code=r.sha_code,
        reason=reason,
        policy_area_code=r.policy_area,
        latest_period=r.latest_period,
        latest_level=r.latest_level,
        detail=detail,
        organisation_db_id=r.organisation_id,
        plan_db_id=r.plan_id,
    )
