"""DataLoaders of learning sets: one SQL statement per batch, whatever the batch size."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_

from resolvers.common.loaders import RequestLoader, group_by_columns
from resolvers.learning_sets.enums import OPEN_ACTION_STATUSES, AttendanceStatus
from resolvers.learning_sets.tables import actions, attendance, learning_sets, meetings, set_members
from resolvers.learning_sets.types import (
    AttendanceRecord,
    LearningSet,
    LearningSetAction,
    LearningSetMeeting,
    LearningSetMembership,
    MeetingAttendance,
)

Key = tuple[str, uuid.UUID]


def _keyed(table: Any, keys: list[Key], key_col: str = "id") -> Any:
    shas = sorted({k[0] for k in keys})
    return and_(table.c.sha_code.in_(shas), tuple_(table.c.sha_code, table.c[key_col]).in_(keys))


class SetByIdLoader(RequestLoader[Key, LearningSet | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[LearningSet | None]:
        rows = await self.ctx.db.rows(select(learning_sets).where(_keyed(learning_sets, keys)))
        found = {(r.sha_code, r.id): LearningSet.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class MeetingByIdLoader(RequestLoader[Key, LearningSetMeeting | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[LearningSetMeeting | None]:
        rows = await self.ctx.db.rows(select(meetings).where(_keyed(meetings, keys)))
        found = {(r.sha_code, r.id): LearningSetMeeting.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class ActionByIdLoader(RequestLoader[Key, LearningSetAction | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[LearningSetAction | None]:
        rows = await self.ctx.db.rows(select(actions).where(_keyed(actions, keys)))
        found = {(r.sha_code, r.id): LearningSetAction.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


@dataclass
class SetFigures:
    members: int = 0
    open_actions: int = 0
    meetings_held: int = 0


class SetFiguresLoader(RequestLoader[Key, SetFigures]):
    """Member, open-action and meeting counts of many sets in one statement."""

    async def load_batch(self, keys: list[Key]) -> Sequence[SetFigures]:
        s = learning_sets.c
        member_count = (
            select(func.count())
            .where(
                set_members.c.sha_code == s.sha_code,
                set_members.c.set_id == s.id,
                set_members.c.left_on.is_(None),
            )
            .scalar_subquery()
        )
        open_count = (
            select(func.count())
            .where(
                actions.c.sha_code == s.sha_code,
                actions.c.set_id == s.id,
                actions.c.status.in_(OPEN_ACTION_STATUSES),
            )
            .scalar_subquery()
        )
        held_count = (
            select(func.count())
            .where(
                meetings.c.sha_code == s.sha_code,
                meetings.c.set_id == s.id,
                meetings.c.status == "HELD",
            )
            .scalar_subquery()
        )
        query = select(
            s.sha_code,
            s.id,
            member_count.label("members"),
            open_count.label("open_actions"),
            held_count.label("held"),
        ).where(_keyed(learning_sets, keys))
        found = {
            (r.sha_code, r.id): SetFigures(r.members, r.open_actions, r.held)
            for r in await self.ctx.db.rows(query)
        }
        return [found.get(k, SetFigures()) for k in keys]


class FacilitatorsBySetLoader(RequestLoader[Key, list[LearningSetMembership]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[LearningSetMembership]]:
        query = (
            select(set_members)
            .where(
                _keyed(set_members, keys, "set_id"),
                set_members.c.role == "FACILITATOR",
                set_members.c.left_on.is_(None),
            )
            .order_by(set_members.c.joined_on, set_members.c.member_id)
        )
        grouped = group_by_columns(await self.ctx.db.rows(query), "sha_code", "set_id")
        return [[LearningSetMembership.from_row(r) for r in grouped.get(k, [])] for k in keys]


class MeetingAttendanceLoader(RequestLoader[Key, MeetingAttendance]):
    """Per-meeting attendance: the expected count is the set's members on that date."""

    async def load_batch(self, keys: list[Key]) -> Sequence[MeetingAttendance]:
        mt, a, m = meetings.c, attendance.c, set_members.c
        expected = (
            select(func.count())
            .where(
                m.sha_code == mt.sha_code,
                m.set_id == mt.set_id,
                m.joined_on <= mt.held_on,
                or_(m.left_on.is_(None), m.left_on >= mt.held_on),
            )
            .scalar_subquery()
        )

        def counted(status: str) -> Any:
            return (
                select(func.count())
                .where(a.sha_code == mt.sha_code, a.meeting_id == mt.id, a.status == status)
                .scalar_subquery()
            )

        query = select(
            mt.sha_code,
            mt.id,
            mt.status,
            expected.label("expected"),
            counted("ATTENDED").label("attended"),
            counted("APOLOGIES").label("apologies"),
        ).where(_keyed(meetings, keys))
        found = {}
        for r in await self.ctx.db.rows(query):
            rate = r.attended / r.expected if r.status == "HELD" and r.expected else None
            found[(r.sha_code, r.id)] = MeetingAttendance(
                expected=r.expected, attended=r.attended, apologies=r.apologies, rate=rate
            )
        empty = MeetingAttendance(expected=0, attended=0, apologies=0, rate=None)
        return [found.get(k, empty) for k in keys]


class AttendanceByMeetingLoader(RequestLoader[Key, list[AttendanceRecord]]):
    """Every meeting's attendance rows in one statement (a set has at most 120 members)."""

    async def load_batch(self, keys: list[Key]) -> Sequence[list[AttendanceRecord]]:
        query = select(attendance).where(_keyed(attendance, keys, "meeting_id"))
        query = query.order_by(attendance.c.status, attendance.c.member_id)
        grouped = group_by_columns(await self.ctx.db.rows(query), "sha_code", "meeting_id")
        return [
            [
                AttendanceRecord(
                    sha_code=r.sha_code,
                    status=AttendanceStatus(r.status),
                    member_db_id=r.member_id,
                )
                for r in grouped.get(k, [])
            ]
            for k in keys
        ]
