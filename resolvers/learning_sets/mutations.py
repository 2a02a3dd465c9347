"""Learning set mutations. Each returns a union of its payload and the typed errors;
adding members past the maximum returns `LearningSetFullError`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from auth.permissions import IsAuthenticated, IsShaAdmin
from resolvers.common.context import Info
from resolvers.common.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UserError,
    ValidationError,
)
from resolvers.common.mutation import run_mutation
from resolvers.directory.queries import GlobalIdArg
from resolvers.learning_sets import service
from resolvers.learning_sets.enums import (
    ActionStatus,
    AttendanceStatus,
    FocusKind,
    LearningSetStatus,
    SetRole,
)
from resolvers.learning_sets.types import LearningSet, LearningSetAction, LearningSetMeeting


@strawberry.type(description="The set would exceed its SHA's setMaxMembers; nothing was written.")
class LearningSetFullError(UserError):
    maximum: int = strawberry.field(description="Most members a set may have.")
    current: int = strawberry.field(description="Current members of the set.")
    requested: int = strawberry.field(description="New members asked for.")


@strawberry.input(description="A new action learning set.")
class CreateLearningSetInput:
    sha_code: str | None = strawberry.field(default=None, description="Owning SHA.")
    name: str = strawberry.field(description="Name of the set.")
    focus_kind: FocusKind = strawberry.field(description="Care pathway or priority.")
    focus: str = strawberry.field(description="e.g. Choose and Book, maternity services.")
    description: str | None = strawberry.field(default=None, description="What it works on.")
    started_on: dt.date | None = strawberry.field(default=None, description="Start date.")


@strawberry.input(description="Changes to a set; omitted fields stay as they are.")
class UpdateLearningSetInput:
    id: strawberry.ID = strawberry.field(description="The set.")
    name: str | None = strawberry.field(default=None, description="New name.")
    focus_kind: FocusKind | None = strawberry.field(default=None, description="New focus kind.")
    focus: str | None = strawberry.field(default=None, description="New focus.")
    description: str | None = strawberry.field(default=None, description="New description.")
    status: LearningSetStatus | None = strawberry.field(default=None, description="New status.")


@strawberry.input(description="Members to add to a set (or whose role to change).")
class AddLearningSetMembersInput:
    set_id: strawberry.ID = strawberry.field(description="The set.")
    member_ids: list[strawberry.ID] = strawberry.field(description="Members of the set's SHA.")
    role: SetRole = strawberry.field(default=SetRole.PARTICIPANT, description="Their role.")
    joined_on: dt.date | None = strawberry.field(default=None, description="Default today.")


@strawberry.input(description="A member leaving a set.")
class RemoveLearningSetMemberInput:
    set_id: strawberry.ID = strawberry.field(description="The set.")
    member_id: strawberry.ID = strawberry.field(description="The member.")
    left_on: dt.date | None = strawberry.field(default=None, description="Default today.")


@strawberry.input(description="A monthly meeting of a set.")
class ScheduleLearningSetMeetingInput:
    set_id: strawberry.ID = strawberry.field(description="The set.")
    held_on: dt.date = strawberry.field(description="Date; at most one meeting per month.")
    topic: str = strawberry.field(description="What the meeting is about.")


@strawberry.input(description="One member's attendance.")
class AttendanceEntryInput:
    member_id: strawberry.ID = strawberry.field(description="A member of the set.")
    status: AttendanceStatus = strawberry.field(description="Attended, apologies or absent.")


@strawberry.input(description="Attendance at a meeting; marks the meeting held.")
class RecordAttendanceInput:
    meeting_id: strawberry.ID = strawberry.field(description="The meeting.")
    entries: list[AttendanceEntryInput] = strawberry.field(description="One per member.")


@strawberry.input(description="A service-reform action from a meeting.")
class CreateLearningSetActionInput:
    meeting_id: strawberry.ID = strawberry.field(description="The meeting it came out of.")
    title: str = strawberry.field(description="What is to be done.")
    owner_id: strawberry.ID = strawberry.field(description="A current member of the set.")
    due_on: dt.date = strawberry.field(description="When it is due.")
    description: str | None = strawberry.field(default=None, description="Detail.")


@strawberry.input(description="Changes to an action; omitted fields stay as they are.")
class UpdateLearningSetActionInput:
    id: strawberry.ID = strawberry.field(description="The action.")
    title: str | None = strawberry.field(default=None, description="New title.")
    description: str | None = strawberry.field(default=None, description="New detail.")
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="New owner.")
    due_on: dt.date | None = strawberry.field(default=None, description="New due date.")
    status: ActionStatus | None = strawberry.field(default=None, description="New status.")


@strawberry.type(description="The set as saved.")
class LearningSetPayload:
    learning_set: LearningSet = strawberry.field(description="The set.")


@strawberry.type(description="The meeting as saved.")
class LearningSetMeetingPayload:
    meeting: LearningSetMeeting = strawberry.field(description="The meeting.")


@strawberry.type(description="The action as saved.")
class LearningSetActionPayload:
    action: LearningSetAction = strawberry.field(description="The action.")


Errors = ValidationError | NotFoundError | ForbiddenError | ConflictError
LearningSetResult = Annotated[
    LearningSetPayload | Errors,
    strawberry.union("LearningSetResult", description="Saved set or why not."),
]
LearningSetMembersResult = Annotated[
    LearningSetPayload | LearningSetFullError | Errors,
    strawberry.union("LearningSetMembersResult", description="Updated set or why not."),
]
LearningSetMeetingResult = Annotated[
    LearningSetMeetingPayload | Errors,
    strawberry.union("LearningSetMeetingResult", description="Saved meeting or why not."),
]
LearningSetActionResult = Annotated[
    LearningSetActionPayload | Errors,
    strawberry.union("LearningSetActionResult", description="Saved action or why not."),
]


async def _run(info: Info, action: Callable[[], Awaitable[Any]]) -> Any:
    """run_mutation, plus the set-size rule as its own typed result."""
    try:
        return await run_mutation(info.context, action)
    except service.SetFull as full:
        return LearningSetFullError(
            message=str(full),
            code="LEARNING_SET_FULL",
            maximum=full.maximum,
            current=full.current,
            requested=full.adding,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create an action learning set.", permission_classes=[IsShaAdmin]
    )
    async def create_learning_set(
        self,
        info: Info,
        input: Annotated[
            CreateLearningSetInput,
            strawberry.argument(
                description="The set: SHA, name, focus, description and the day it started."
            ),
        ],
    ) -> LearningSetResult:
        changes = service.SetChanges(
            name=input.name,
            focus_kind=input.focus_kind,
            focus=input.focus,
            description=input.description,
            started_on=input.started_on,
        )

        async def act() -> LearningSetPayload:
            found = await service.create_set(info.context, input.sha_code, changes)
            return LearningSetPayload(learning_set=found)

        return await _run(info, act)

    @strawberry.mutation(description="Change a learning set.", permission_classes=[IsShaAdmin])
    async def update_learning_set(
        self,
        info: Info,
        input: Annotated[
            UpdateLearningSetInput,
            strawberry.argument(
                description="The set's id and the fields to change; fields left out keep their value."
            ),
        ],
    ) -> LearningSetResult:
        changes = service.SetChanges(
            name=input.name,
            focus_kind=input.focus_kind,
            focus=input.focus,
            description=input.description,
            status=input.status,
        )

        async def act() -> LearningSetPayload:
            found = await service.update_set(info.context, input.id, changes)
            return LearningSetPayload(learning_set=found)

        return await _run(info, act)

    @strawberry.mutation(
        description="Add members or facilitators to a set (at most its SHA's setMaxMembers).",
        permission_classes=[IsShaAdmin],
    )
    async def add_learning_set_members(
        self,
        info: Info,
        input: Annotated[
            AddLearningSetMembersInput,
            strawberry.argument(
                description="The set's id, the members to add, their role and the day they joined."
            ),
        ],
    ) -> LearningSetMembersResult:
        async def act() -> LearningSetPayload:
            found = await service.add_members(
                info.context, input.set_id, list(input.member_ids), input.role, input.joined_on
            )
            return LearningSetPayload(learning_set=found)

        return await _run(info, act)

    @strawberry.mutation(description="A member leaves a set.", permission_classes=[IsShaAdmin])
    async def remove_learning_set_member(
        self,
        info: Info,
        input: Annotated[
            RemoveLearningSetMemberInput,
            strawberry.argument(description="The set's id, the member's id and the day they left."),
        ],
    ) -> LearningSetResult:
        async def act() -> LearningSetPayload:
            found = await service.remove_member(
                info.context, input.set_id, input.member_id, input.left_on
            )
            return LearningSetPayload(learning_set=found)

        return await _run(info, act)

    @strawberry.mutation(
        description="Schedule a set's monthly meeting (facilitators or SHA admins).",
        permission_classes=[IsAuthenticated],
    )
    async def schedule_learning_set_meeting(
        self,
        info: Info,
        input: Annotated[
            ScheduleLearningSetMeetingInput,
            strawberry.argument(description="The set's id, the meeting's day and its topic."),
        ],
    ) -> LearningSetMeetingResult:
        async def act() -> LearningSetMeetingPayload:
            found = await service.schedule_meeting(
                info.context, input.set_id, input.held_on, input.topic
            )
            return LearningSetMeetingPayload(meeting=found)

        return await _run(info, act)

    @strawberry.mutation(
        description="Cancel a meeting that has not been held.", permission_classes=[IsAuthenticated]
    )
    async def cancel_learning_set_meeting(
        self, info: Info, id: GlobalIdArg
    ) -> LearningSetMeetingResult:
        async def act() -> LearningSetMeetingPayload:
            return LearningSetMeetingPayload(meeting=await service.cancel_meeting(info.context, id))

        return await _run(info, act)

    @strawberry.mutation(
        description="Record attendance at a meeting and mark it held.",
        permission_classes=[IsAuthenticated],
    )
    async def record_learning_set_attendance(
        self,
        info: Info,
        input: Annotated[
            RecordAttendanceInput,
            strawberry.argument(description="The meeting's id and an attendance entry per member."),
        ],
    ) -> LearningSetMeetingResult:
        entries = [(str(e.member_id), e.status) for e in input.entries]

        async def act() -> LearningSetMeetingPayload:
            found = await service.record_attendance(info.context, input.meeting_id, entries)
            return LearningSetMeetingPayload(meeting=found)

        return await _run(info, act)

    @strawberry.mutation(
        description="Record a service-reform action from a meeting.",
        permission_classes=[IsAuthenticated],
    )
    async def create_learning_set_action(
        self,
        info: Info,
        input: Annotated[
            CreateLearningSetActionInput,
            strawberry.argument(
                description="The meeting's id, the action's title and description, its owner and due date."
            ),
        ],
    ) -> LearningSetActionResult:
        changes = service.ActionChanges(
            title=input.title,
            description=input.description,
            owner_id=input.owner_id,
            due_on=input.due_on,
        )

        async def act() -> LearningSetActionPayload:
            found = await service.create_action(info.context, input.meeting_id, changes)
            return LearningSetActionPayload(action=found)

        return await _run(info, act)

    @strawberry.mutation(
        description="Change an action (its owner, the set's facilitators or SHA admins).",
        permission_classes=[IsAuthenticated],
    )
    async def update_learning_set_action(
        self,
        info: Info,
        input: Annotated[
            UpdateLearningSetActionInput,
            strawberry.argument(
                description="The action's id and the fields to change; fields left out keep their value."
            ),
        ],
    ) -> LearningSetActionResult:
        changes = service.ActionChanges(
            title=input.title,
            description=input.description,
            owner_id=input.owner_id,
            due_on=input.due_on,
            status=input.status,
        )

        async def act() -> LearningSetActionPayload:
            found = await service.update_action(info.context, input.id, changes)
            return LearningSetActionPayload(action=found)

        return await _run(info, act)
