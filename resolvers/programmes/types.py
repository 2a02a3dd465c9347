"""GraphQL types of leadership programmes; relations through per-request loaders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.relations import related
from resolvers.directory.loaders import MemberByIdLoader
from resolvers.directory.types import Member
from resolvers.programmes.enums import (
    ApplicationStatus,
    ProgrammeKind,
    ProgrammeOutcome,
    ProgrammePhase,
)


def phase_on(row: Any, today: dt.date) -> ProgrammePhase:
    if today < row.applications_open_on:
        return ProgrammePhase.APPLICATIONS_NOT_YET_OPEN
    if today <= row.applications_close_on:
        return ProgrammePhase.APPLICATIONS_OPEN
    if row.ends_on is not None and today > row.ends_on:
        return ProgrammePhase.FINISHED
    if row.starts_on is not None and today >= row.starts_on:
        return ProgrammePhase.RUNNING
    return ProgrammePhase.SELECTION


@strawberry.type(
    description="A cohort of a programme: the selected participants who start together."
)
class ProgrammeCohort(Node):
    sha_code: str = strawberry.field(description="The programme's SHA.")
    name: str = strawberry.field(description="e.g. 'Cohort 1 (autumn 2009)'.")
    starts_on: dt.date = strawberry.field(description="When the cohort starts.")

    @classmethod
    def from_row(cls, row: Any) -> ProgrammeCohort:
        return cls(
            id=strawberry.ID(encode_id("ProgrammeCohort", row.sha_code, row.id)),
            sha_code=row.sha_code,
            name=row.name,
            starts_on=row.starts_on,
        )


@strawberry.type(
    description="A leadership programme with funded places (e.g. the Yorkshire and the"
    " Humber aspiring clinical leaders programme, 120 places), held by one SHA or national."
)
class Programme(Node):
    sha_code: str = strawberry.field(description="The SHA that holds the programme.")
    kind: ProgrammeKind = strawberry.field(description="What it develops.")
    title: str = strawberry.field(description="Title.")
    description: str | None = strawberry.field(description="What it offers.")
    is_national: bool = strawberry.field(description="Open to members of every SHA.")
    funded_places: int = strawberry.field(description="Places funded.")
    applications_open_on: dt.date = strawberry.field(description="First day to apply.")
    applications_close_on: dt.date = strawberry.field(description="Last day to apply.")
    starts_on: dt.date | None = strawberry.field(description="When it starts.")
    ends_on: dt.date | None = strawberry.field(description="When it ends.")
    sessions_planned: int = strawberry.field(description="Sessions a participant attends.")
    phase: ProgrammePhase = strawberry.field(description="Where it is today.")
    db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> Programme:
        return cls(
            id=strawberry.ID(encode_id("Programme", row.sha_code, row.id)),
            db_id=row.id,
            sha_code=row.sha_code,
            kind=ProgrammeKind(row.kind),
            title=row.title,
            description=row.description,
            is_national=row.is_national,
            funded_places=row.funded_places,
            applications_open_on=row.applications_open_on,
            applications_close_on=row.applications_close_on,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            sessions_planned=row.sessions_planned,
            phase=phase_on(row, dt.date.today()),
        )

    @strawberry.field(
        description="Places taken by selected applicants (counted over the SHAs you read)."
    )
    async def selected_count(self, info: Info) -> int:

        return await related(info.context, "SelectedCountLoader").load((self.sha_code, self.db_id))

    @strawberry.field(description="Funded places still free.")
    async def places_left(self, info: Info) -> int:
        return max(self.funded_places - await self.selected_count(info), 0)

    @strawberry.field(description="Its cohorts, in starting order.")
    async def cohorts(self, info: Info) -> list[ProgrammeCohort]:

        return await related(info.context, "CohortsByProgrammeLoader").load(
            (self.sha_code, self.db_id)
        )


@strawberry.type(
    description="A member's application to a programme; it belongs to the member's SHA,"
    " even for a national programme held by another SHA."
)
class ProgrammeApplication(Node):
    sha_code: str = strawberry.field(description="The applicant's SHA, which owns this row.")
    statement: str = strawberry.field(description="Why the applicant wants a place.")
    status: ApplicationStatus = strawberry.field(description="Where it stands.")
    decision_note: str | None = strawberry.field(description="The selectors' note.")
    decided_at: dt.datetime | None = strawberry.field(description="When it was decided.")
    sessions_attended: int = strawberry.field(description="Sessions attended so far.")
    outcome: ProgrammeOutcome | None = strawberry.field(description="How it ended.")
    completed_on: dt.date | None = strawberry.field(description="When it ended.")
    submitted_at: dt.datetime = strawberry.field(description="When the member applied.")
    member_db_id: strawberry.Private[Any]
    sponsor_db_id: strawberry.Private[Any]
    programme_sha: strawberry.Private[str]
    programme_db_id: strawberry.Private[Any]
    cohort_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> ProgrammeApplication:
        return cls(
            id=strawberry.ID(encode_id("ProgrammeApplication", row.sha_code, row.id)),
            sha_code=row.sha_code,
            statement=row.statement,
            status=ApplicationStatus(row.status),
            decision_note=row.decision_note,
            decided_at=row.decided_at,
            sessions_attended=row.sessions_attended,
            outcome=None if row.outcome is None else ProgrammeOutcome(row.outcome),
            completed_on=row.completed_on,
            submitted_at=row.submitted_at,
            member_db_id=row.member_id,
            sponsor_db_id=row.sponsor_id,
            programme_sha=row.programme_sha_code,
            programme_db_id=row.programme_id,
            cohort_db_id=row.cohort_id,
        )

    @strawberry.field(description="The applicant.")
    async def member(self, info: Info) -> Member | None:
        return await info.context.loader(MemberByIdLoader).load((self.sha_code, self.member_db_id))

    @strawberry.field(description="Who sponsors the application (a member of the same SHA).")
    async def sponsor(self, info: Info) -> Member | None:
        if self.sponsor_db_id is None:
            return None
        return await info.context.loader(MemberByIdLoader).load((self.sha_code, self.sponsor_db_id))

    @strawberry.field(description="The programme applied to.")
    async def programme(self, info: Info) -> Programme | None:

        return await related(info.context, "ProgrammeByIdLoader").load(
            (self.programme_sha, self.programme_db_id)
        )

    @strawberry.field(description="The cohort the applicant was selected into.")
    async def cohort(self, info: Info) -> ProgrammeCohort | None:
        if self.cohort_db_id is None:
            return None

        return await related(info.context, "CohortByIdLoader").load(
            (self.programme_sha, self.cohort_db_id)
        )
