"""GraphQL types of action learning sets. Leaf fields are plain attributes; relations
and figures go through per-request DataLoaders (one statement per batch)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.relations import related
from resolvers.directory.types import Member
from resolvers.learning_sets.enums import (
    ActionStatus,
    AttendanceStatus,
    FocusKind,
    LearningSetStatus,
    MeetingStatus,
    SetRole,
    SetSize,
)


async def _member(info: Info, sha: str, member_id: Any) -> Member | None:

    return await related(info.context, "MemberByIdLoader").load((sha, member_id))


@strawberry.type(description="A member's place in a learning set.")
class LearningSetMembership:
    sha_code: str = strawberry.field(description="The set's (and member's) SHA.")
    role: SetRole = strawberry.field(description="Participant or facilitator.")
    joined_on: dt.date = strawberry.field(description="When the member joined the set.")
    left_on: dt.date | None = strawberry.field(description="When the member left, if they did.")
    member_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> LearningSetMembership:
        return cls(
            sha_code=row.sha_code,
            role=SetRole(row.role),
            joined_on=row.joined_on,
            left_on=row.left_on,
            member_db_id=row.member_id,
        )

    @strawberry.field(description="The member.")
    async def member(self, info: Info) -> Member | None:
        return await _member(info, self.sha_code, self.member_db_id)


@strawberry.type(
    description="An action learning set: clinicians of one SHA meeting monthly around a"
    " care pathway or priority (e.g. Choose and Book, maternity services); the SHA aims"
    " for 60-120 clinicians across its sets (see learningSetParticipation)."
)
class LearningSet(Node):
    sha_code: str = strawberry.field(description="The SHA that owns the set.")
    name: str = strawberry.field(description="Name of the set.")
    focus_kind: FocusKind = strawberry.field(description="Care pathway or priority.")
    focus: str = strawberry.field(description="The pathway or priority, e.g. Choose and Book.")
    description: str | None = strawberry.field(description="What the set works on.")
    status: LearningSetStatus = strawberry.field(description="Whether the set still meets.")
    started_on: dt.date = strawberry.field(description="When the set started.")
    created_at: dt.datetime = strawberry.field(description="When the record was created.")
    db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> LearningSet:
        return cls(
            id=strawberry.ID(encode_id("LearningSet", row.sha_code, row.id)),
            db_id=row.id,
            sha_code=row.sha_code,
            name=row.name,
            focus_kind=FocusKind(row.focus_kind),
            focus=row.focus,
            description=row.description,
            status=LearningSetStatus(row.status),
            started_on=row.started_on,
            created_at=row.created_at,
        )

    @strawberry.field(description="Members who have not left.")
    async def member_count(self, info: Info) -> int:

        return (await related(info.context, "SetFiguresLoader").load(self._key)).members

    @strawberry.field(
        description="How the size compares with the SHA's rule (setMinMembers-setMaxMembers)."
    )
    async def size(self, info: Info) -> SetSize:
        from resolvers.sha_rules.rules import ShaRulesByCodeLoader

        count = await self.member_count(info)
        rules = await info.context.loader(ShaRulesByCodeLoader).load(self.sha_code)
        if count >= rules.set_max_members:
            return SetSize.FULL
        return SetSize.WITHIN_RANGE if count >= rules.set_min_members else SetSize.BELOW_MINIMUM

    @strawberry.field(description="Actions still open or in progress.")
    async def open_action_count(self, info: Info) -> int:

        return (await related(info.context, "SetFiguresLoader").load(self._key)).open_actions

    @strawberry.field(description="Meetings held so far.")
    async def meetings_held(self, info: Info) -> int:

        return (await related(info.context, "SetFiguresLoader").load(self._key)).meetings_held

    @strawberry.field(description="The set's current facilitators.")
    async def facilitators(self, info: Info) -> list[LearningSetMembership]:

        return await related(info.context, "FacilitatorsBySetLoader").load(self._key)

    @property
    def _key(self) -> tuple[str, Any]:
        return (self.sha_code, self.db_id)


@strawberry.type(description="Attendance at one meeting.")
class MeetingAttendance:
    expected: int = strawberry.field(description="Members of the set on the meeting's date.")
    attended: int = strawberry.field(description="Members recorded as attending.")
    apologies: int = strawberry.field(description="Members who sent apologies.")
    rate: float | None = strawberry.field(
        description="attended / expected, for a meeting that was held; null otherwise."
    )


@strawberry.type(description="One member's attendance at one meeting.")
class AttendanceRecord:
    sha_code: str = strawberry.field(description="The set's SHA.")
    status: AttendanceStatus = strawberry.field(description="Attended, apologies or absent.")
    member_db_id: strawberry.Private[Any]

    @strawberry.field(description="The member.")
    async def member(self, info: Info) -> Member | None:
        return await _member(info, self.sha_code, self.member_db_id)


@strawberry.type(description="A monthly meeting of a learning set.")
class LearningSetMeeting(Node):
    sha_code: str = strawberry.field(description="The set's SHA.")
    held_on: dt.date = strawberry.field(description="Date of the meeting (one per month).")
    topic: str = strawberry.field(description="What the meeting is about.")
    status: MeetingStatus = strawberry.field(description="Scheduled, held or cancelled.")
    db_id: strawberry.Private[Any]
    set_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> LearningSetMeeting:
        return cls(
            id=strawberry.ID(encode_id("LearningSetMeeting", row.sha_code, row.id)),
            db_id=row.id,
            set_db_id=row.set_id,
            sha_code=row.sha_code,
            held_on=row.held_on,
            topic=row.topic,
            status=MeetingStatus(row.status),
        )

    @strawberry.field(description="The set this meeting belongs to.")
    async def learning_set(self, info: Info) -> LearningSet | None:

        return await related(info.context, "SetByIdLoader").load((self.sha_code, self.set_db_id))

    @strawberry.field(description="Who was recorded at this meeting, and how.")
    async def attendees(self, info: Info) -> list[AttendanceRecord]:

        return await related(info.context, "AttendanceByMeetingLoader").load(
            (self.sha_code, self.db_id)
        )

    @strawberry.field(description="Attendance figures, computed in SQL.")
    async def attendance(self, info: Info) -> MeetingAttendance:

        return await related(info.context, "MeetingAttendanceLoader").load(
            (self.sha_code, self.db_id)
        )


@strawberry.type(description="A service-reform action that came out of a meeting.")
class LearningSetAction(Node):
    sha_code: str = strawberry.field(description="The set's SHA.")
    title: str = strawberry.field(description="What is to be done.")
    description: str | None = strawberry.field(description="Detail.")
    due_on: dt.date = strawberry.field(description="When it is due.")
    status: ActionStatus = strawberry.field(description="Progress.")
    completed_on: dt.date | None = strawberry.field(description="When it was done.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")
    db_id: strawberry.Private[Any]
    set_db_id: strawberry.Private[Any]
    meeting_db_id: strawberry.Private[Any]
    owner_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> LearningSetAction:
        return cls(
            id=strawberry.ID(encode_id("LearningSetAction", row.sha_code, row.id)),
            db_id=row.id,
            set_db_id=row.set_id,
            meeting_db_id=row.meeting_id,
            owner_db_id=row.owner_member_id,
            sha_code=row.sha_code,
            title=row.title,
            description=row.description,
            due_on=row.due_on,
            status=ActionStatus(row.status),
            completed_on=row.completed_on,
            created_at=row.created_at,
        )

    @strawberry.field(description="Open or in progress, and past its due date.")
    def is_overdue(self) -> bool:
        still_open = self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
        return still_open and self.due_on < dt.date.today()

    @strawberry.field(description="The set member who owns the action.")
    async def owner(self, info: Info) -> Member | None:
        return await _member(info, self.sha_code, self.owner_db_id)

    @strawberry.field(description="The meeting the action came out of.")
    async def meeting(self, info: Info) -> LearningSetMeeting | None:

        return await related(info.context, "MeetingByIdLoader").load(
            (self.sha_code, self.meeting_db_id)
        )

    @strawberry.field(description="The set.")
    async def learning_set(self, info: Info) -> LearningSet | None:

        return await related(info.context, "SetByIdLoader").load((self.sha_code, self.set_db_id))


@strawberry.type(description="One member's attendance record in a set, computed in SQL.")
class MemberAttendance:
    sha_code: str = strawberry.field(description="The set's SHA.")
    role: SetRole = strawberry.field(description="Participant or facilitator.")
    meetings_held: int = strawberry.field(description="Meetings held while a member.")
    attended: int = strawberry.field(description="Of those, meetings attended.")
    apologies: int = strawberry.field(description="Of those, apologies sent.")
    rate: float | None = strawberry.field(
        description="attended / meetingsHeld; null before the first meeting."
    )
    last_attended_on: dt.date | None = strawberry.field(description="Last meeting attended.")
    member_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> MemberAttendance:
        return cls(
            sha_code=row.sha_code,
            role=SetRole(row.role),
            meetings_held=row.held,
            attended=row.attended,
            apologies=row.apologies,
            rate=row.rate,
            last_attended_on=row.last_attended_on,
            member_db_id=row.member_id,
        )

    @strawberry.field(description="The member.")
    async def member(self, info: Info) -> Member | None:
        return await _member(info, self.sha_code, self.member_db_id)


@strawberry.type(description="A member who missed each of the set's last N meetings.")
class AtRiskMember:
    sha_code: str = strawberry.field(description="The set's SHA.")
    missed: int = strawberry.field(description="Consecutive recent meetings missed (N).")
    last_attended_on: dt.date | None = strawberry.field(
        description="Last meeting of this set the member attended, if any."
    )
    member_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> AtRiskMember:
        return cls(
            sha_code=row.sha_code,
            missed=row.missed,
            last_attended_on=row.last_attended_on,
            member_db_id=row.member_id,
        )

    @strawberry.field(description="The member.")
    async def member(self, info: Info) -> Member | None:
        return await _member(info, self.sha_code, self.member_db_id)
