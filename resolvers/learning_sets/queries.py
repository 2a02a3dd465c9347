"""Learning set queries: sets, meetings, actions, and the set lead's figures."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, false, func, select

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.errors import BadUserInput
from resolvers.common.ids import GlobalId, decode_id, id_argument
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    Filtered,
    Ordering,
    PageArgs,
    SortDirection,
    paginate,
)
from resolvers.common.sql import contains_pattern
from resolvers.directory.queries import GlobalIdArg, ShaNarrowing, narrow_shas
from resolvers.learning_sets import reports
from resolvers.learning_sets.enums import (
    MAX_MISSED_LAST,
    OPEN_ACTION_STATUSES,
    ActionStatus,
    FocusKind,
    LearningSetStatus,
    MeetingStatus,
)
from resolvers.learning_sets.loaders import ActionByIdLoader, MeetingByIdLoader, SetByIdLoader
from resolvers.learning_sets.participation import SetParticipation, participation
from resolvers.learning_sets.tables import actions, learning_sets, meetings
from resolvers.learning_sets.types import (
    AtRiskMember,
    LearningSet,
    LearningSetAction,
    LearningSetMeeting,
    MemberAttendance,
)

SetIdArg = Annotated[strawberry.ID, id_argument("learning set")]


def set_key(ctx: Context, set_id: str) -> tuple[str, uuid.UUID, bool]:
    """(sha, key, visible): a set of an SHA out of reach yields nothing, before SQL."""
    sha, key = decode_id(set_id, "LearningSet").row_key
    return sha, key, sha in ctx.scope.read


@strawberry.input(description="Narrow the learning set list; all conditions must hold.")
class LearningSetFilter:
    statuses: list[LearningSetStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    focus_kinds: list[FocusKind] | None = strawberry.field(
        default=None, description="Care pathway or priority sets."
    )
    search: str | None = strawberry.field(default=None, description="Part of the name or focus.")


@strawberry.input(description="Narrow the meetings of a set.")
class MeetingFilter:
    statuses: list[MeetingStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    held_from: dt.date | None = strawberry.field(default=None, description="On or after.")
    held_to: dt.date | None = strawberry.field(default=None, description="On or before.")


@strawberry.input(description="Narrow the action list; all conditions must hold.")
class ActionFilter:
    set_id: strawberry.ID | None = strawberry.field(default=None, description="Actions of a set.")
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Actions owned by this member."
    )
    statuses: list[ActionStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    open_only: bool = strawberry.field(
        default=False, description="Only OPEN and IN_PROGRESS actions."
    )
    due_before: dt.date | None = strawberry.field(
        default=None, description="Due before this date (e.g. today for overdue)."
    )


@strawberry.enum(description="Sort keys for a set's attendance per member.")
class AttendanceSortField(Enum):
    NAME = "name"
    RATE = "rate"


@strawberry.input(description="How to sort attendance per member.")
class AttendanceOrder:
    field: AttendanceSortField = strawberry.field(
        default=AttendanceSortField.NAME, description="Sort key."
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="Sort direction."
    )


def set_query(shas: list[str], where: LearningSetFilter | None) -> Select[Any]:
    c = learning_sets.c
    query = select(learning_sets).where(c.sha_code.in_(shas))
    if where and where.statuses:
        query = query.where(c.status.in_([s.value for s in where.statuses]))
    if where and where.focus_kinds:
        query = query.where(c.focus_kind.in_([k.value for k in where.focus_kinds]))
    if where and where.search:
        pattern = contains_pattern(where.search)
        query = query.where(func.lower(c.name).like(pattern) | func.lower(c.focus).like(pattern))
    return query


def action_query(ctx: Context, shas: list[str], where: ActionFilter | None) -> Select[Any]:
    c = actions.c
    query = select(actions).where(c.sha_code.in_(shas))
    if where is None:
        return query
    if where.set_id:
        sha, key, _ = set_key(ctx, where.set_id)
        query = query.where(c.sha_code == sha, c.set_id == key)
    if where.owner_id:
        sha, key = decode_id(where.owner_id, "Member").row_key
        query = query.where(c.sha_code == sha, c.owner_member_id == key)
    if where.statuses:
        query = query.where(c.status.in_([s.value for s in where.statuses]))
    if where.open_only:
        query = query.where(c.status.in_(OPEN_ACTION_STATUSES))
    if where.due_before:
        query = query.where(c.due_on < where.due_before)
    return query


async def _fetch_set(ctx: Context, gid: GlobalId) -> LearningSet | None:
    return await ctx.loader(SetByIdLoader).load(gid.row_key)


async def _fetch_meeting(ctx: Context, gid: GlobalId) -> LearningSetMeeting | None:
    return await ctx.loader(MeetingByIdLoader).load(gid.row_key)


async def _fetch_action(ctx: Context, gid: GlobalId) -> LearningSetAction | None:
    return await ctx.loader(ActionByIdLoader).load(gid.row_key)


register_node("LearningSet", _fetch_set)
register_node("LearningSetMeeting", _fetch_meeting)
register_node("LearningSetAction", _fetch_action)


@strawberry.type
class Query:
    @strawberry.field(
        description="Clinicians in each SHA's learning sets against its target (60-120 by"
        " default, each SHA's setting).",
        permission_classes=[IsAuthenticated],
    )
    async def learning_set_participation(
        self, info: Info, shas: ShaNarrowing = None
    ) -> list[SetParticipation]:
        return await participation(info.context, narrow_shas(info.context, shas))

    @strawberry.field(
        description="Action learning sets of the SHAs in scope.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def learning_sets(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[LearningSetFilter | None] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[LearningSet]:
        ctx = info.context
        c = learning_sets.c
        return await paginate(
            ctx.db,
            set_query(narrow_shas(ctx, shas), filter),
            Ordering((c.name, c.sha_code, c.id)),
            page,
            LearningSet.from_row,
        )

    @strawberry.field(description="One learning set by id.", permission_classes=[IsAuthenticated])
    async def learning_set(self, info: Info, id: GlobalIdArg) -> LearningSet | None:
        gid = decode_id(id, "LearningSet")
        if gid.sha_code not in info.context.scope.read:
            return None
        return await _fetch_set(info.context, gid)

    @strawberry.field(
        description="Meetings of a set, most recent first, with attendance figures.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def learning_set_meetings(
        self,
        info: Info,
        set_id: SetIdArg,
        page: PageArgs,
        filter: Filtered[MeetingFilter | None] = None,
    ) -> Connection[LearningSetMeeting]:
        ctx = info.context
        sha, key, visible = set_key(ctx, set_id)
        c = meetings.c
        query = select(meetings).where(c.sha_code == sha, c.set_id == key)
        if not visible:
            query = query.where(false())
        if filter and filter.statuses:
            query = query.where(c.status.in_([s.value for s in filter.statuses]))
        if filter and filter.held_from:
            query = query.where(c.held_on >= filter.held_from)
        if filter and filter.held_to:
            query = query.where(c.held_on <= filter.held_to)
        return await paginate(
            ctx.db,
            query,
            Ordering((c.held_on, c.sha_code, c.id), descending=True),
            page,
            LearningSetMeeting.from_row,
        )

    @strawberry.field(
        description="Attendance rate per member of a set (meetings held while a member,"
        " attended, apologies), computed in one SQL statement.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def learning_set_attendance(
        self,
        info: Info,
        set_id: SetIdArg,
        page: PageArgs,
        include_former: Annotated[
            bool,
            strawberry.argument(
                description="Also list members who have left the set (default false)."
            ),
        ] = False,
        order_by: Annotated[
            AttendanceOrder | None,
            strawberry.argument(description="Sort order (default by attendance rate)."),
        ] = None,
    ) -> Connection[MemberAttendance]:
        ctx = info.context
        sha, key, visible = set_key(ctx, set_id)
        query = reports.member_attendance(sha, key, include_former)
        if not visible:
            query = query.where(false())
        c = query.selected_columns
        order = order_by or AttendanceOrder()
        if order.field == AttendanceSortField.RATE:
            cols: tuple[Any, ...] = (c.rate_key, c.family_name, c.member_id)
        else:
            cols = (c.family_name, c.given_name, c.member_id)
        return await paginate(
            ctx.db,
            query,
            Ordering(cols, order.direction == SortDirection.DESC),
            page,
            MemberAttendance.from_row,
        )

    @strawberry.field(
        description="Members at risk of dropping out: current members who missed each of"
        " the set's last `missedLast` meetings held since they joined.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def learning_set_members_at_risk(
        self,
        info: Info,
        set_id: SetIdArg,
        missed_last: Annotated[
            int,
            strawberry.argument(
                description="How many of the most recent meetings a member must have missed (1 to 24)."
            ),
        ],
        page: PageArgs,
    ) -> Connection[AtRiskMember]:
        if not 1 <= missed_last <= MAX_MISSED_LAST:
            raise BadUserInput(
                f"missedLast must be between 1 and {MAX_MISSED_LAST}", argument="missedLast"
            )
        ctx = info.context
        sha, key, visible = set_key(ctx, set_id)
        query = reports.members_at_risk(sha, key, missed_last)
        if not visible:
            query = query.where(false())
        c = query.selected_columns
        return await paginate(
            ctx.db,
            query,
            Ordering((c.family_name, c.given_name, c.member_id)),
            page,
            AtRiskMember.from_row,
        )

    @strawberry.field(
        description="Service-reform actions of the SHAs in scope, soonest due first.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def learning_set_actions(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[ActionFilter | None] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[LearningSetAction]:
        ctx = info.context
        c = actions.c
        return await paginate(
            ctx.db,
            action_query(ctx, narrow_shas(ctx, shas), filter),
            Ordering((c.due_on, c.sha_code, c.id)),
            page,
            LearningSetAction.from_row,
        )
