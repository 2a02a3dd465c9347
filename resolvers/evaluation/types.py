"""GraphQL types of evaluation: impact measures, before/after comparisons, personal progress."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.common.connection import paged
from resolvers.common.context import Info
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.pagination import Connection, Ordering, PageArgs, paginate
from resolvers.common.relations import related
from resolvers.development.tables import self_assessments
from resolvers.development.types import SelfAssessment
from resolvers.directory.types import Member, Organisation
from resolvers.evaluation.enums import ImpactMeasureKind

if TYPE_CHECKING:
    from resolvers.evaluation.corrections import ImpactMeasureCorrection

FrameworkCodeArg = Annotated[
    str | None,
    strawberry.argument(
        description="Only this competency framework's assessments, e.g. MLCF (default all)."
    ),
]


@strawberry.type(description="One organisation's value of a measure for one month.")
class ImpactMeasure(Node):
    sha_code: str = strawberry.field(description="The owning SHA.")
    measure: ImpactMeasureKind = strawberry.field(description="What was measured.")
    period_start: dt.date = strawberry.field(description="First day of the month measured.")
    value: float = strawberry.field(description="The value (percent for uptake-style measures).")
    source: str = strawberry.field(description="Where the figure came from.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")
    organisation_db_id: strawberry.Private[Any]
    db_id: strawberry.Private[Any] = None

    @classmethod
    def from_row(cls, row: Any) -> ImpactMeasure:
        return cls(
            id=strawberry.ID(encode_id("ImpactMeasure", row.sha_code, row.id)),
            db_id=row.id,
            organisation_db_id=row.organisation_id,
            sha_code=row.sha_code,
            measure=ImpactMeasureKind(row.measure),
            period_start=row.period_start,
            value=float(row.value),
            source=row.source,
            created_at=row.created_at,
        )

    @strawberry.field(description="Corrections made to it, oldest first (its history).")
    async def corrections(
        self, info: Info
    ) -> list[
        Annotated[ImpactMeasureCorrection, strawberry.lazy("resolvers.evaluation.corrections")]
    ]:
        from resolvers.evaluation.corrections import CorrectionsByMeasureLoader

        return await info.context.loader(CorrectionsByMeasureLoader).load(
            (self.sha_code, self.db_id)
        )

    @strawberry.field(description="The organisation measured.")
    async def organisation(self, info: Info) -> Organisation | None:

        return await related(info.context, "OrganisationByIdLoader").load(
            (self.sha_code, self.organisation_db_id)
        )


@strawberry.type(
    description=(
        "An organisation's mean value of a measure in the months before the month of a CLN"
        " activity and in that month and the ones after."
    )
)
class ImpactComparison:
    sha_code: str = strawberry.field(description="The SHA.")
    measure: ImpactMeasureKind = strawberry.field(description="What was measured.")
    activity_month: dt.date = strawberry.field(description="First day of the activity's month.")
    before_mean: float | None = strawberry.field(description="Mean before the activity month.")
    after_mean: float | None = strawberry.field(description="Mean from the activity month on.")
    before_periods: int = strawberry.field(description="Months with data before.")
    after_periods: int = strawberry.field(description="Months with data after.")
    change: float | None = strawberry.field(description="afterMean - beforeMean.")
    organisation_db_id: strawberry.Private[Any]

    @strawberry.field(description="The organisation measured.")
    async def organisation(self, info: Info) -> Organisation | None:

        return await related(info.context, "OrganisationByIdLoader").load(
            (self.sha_code, self.organisation_db_id)
        )


@strawberry.type(description="One self-assessment summarised, for a progress chart.")
class ProgressPoint:
    assessed_on: dt.date = strawberry.field(description="Date of the assessment.")
    framework_code: str = strawberry.field(description="The framework.")
    average_score: float = strawberry.field(description="Mean score (1-4).")
    learning_needs: int = strawberry.field(description="Scores below the framework's needBelow.")


@strawberry.type(description="A member's development over time.")
class PersonalProgress:
    sha_code: str = strawberry.field(description="The member's SHA.")
    member_db_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The member.")
    async def member(self, info: Info) -> Member | None:

        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.member_db_id)
        )

    @strawberry.field(description="Self-assessment summaries, oldest first (at most 100).")
    async def trend(
        self,
        info: Info,
        framework_code: FrameworkCodeArg = None,
    ) -> list[ProgressPoint]:
        from resolvers.evaluation.loaders import progress_points

        return await progress_points(info.context, self.sha_code, self.member_db_id, framework_code)

    @strawberry.field(description="The member's self-assessments, newest first.")
    @paged(backwards=False)
    async def assessments(
        self,
        info: Info,
        page: PageArgs,
        framework_code: FrameworkCodeArg = None,
    ) -> Connection[SelfAssessment]:

        c = self_assessments.c
        query = self_assessments.select().where(
            c.sha_code == self.sha_code, c.member_id == self.member_db_id
        )
        if framework_code:
            query = query.where(c.framework_code == framework_code)
        return await paginate(
            info.context.db,
            query,
            Ordering((c.assessed_on, c.sha_code, c.id), descending=True),
            page,
            SelfAssessment.from_row,
        )

    @strawberry.field(
        description=(
            "Action learning sets attended; null until the learning-sets domain registers"
            " its counter (resolvers.evaluation.hooks)."
        )
    )
    async def sets_attended(self, info: Info) -> int | None:
        from resolvers.evaluation.loaders import counter_available

        if not counter_available("sets_attended"):
            return None
        return await related(info.context, "SetsAttendedLoader").load(
            (self.sha_code, self.member_db_id)
        )

    @strawberry.field(
        description=(
            "Service-reform actions completed; null until the learning-sets domain registers"
            " its counter (resolvers.evaluation.hooks)."
        )
    )
    async def actions_completed(self, info: Info) -> int | None:
        from resolvers.evaluation.loaders import counter_available

        if not counter_available("actions_completed"):
            return None
        return await related(info.context, "ActionsCompletedLoader").load(
            (self.sha_code, self.member_db_id)
        )
