"""Personal-progress counters this domain owns, registered with the evaluation hooks.

`sets_attended` counts the learning-set meetings a member attended (attendance marked
ATTENDED); `actions_completed` counts the service-reform actions the member owns that
are DONE. Each is one GROUP BY statement per batch of members, with the explicit
`sha_code IN (...)` predicate so only the members' partitions are read.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Table, func, select, tuple_

from resolvers.common.context import Context
from resolvers.evaluation.hooks import MemberKey, register_progress_counter
from resolvers.learning_sets.enums import ActionStatus, AttendanceStatus
from resolvers.learning_sets.tables import actions, attendance


async def _count(
    ctx: Context,
    keys: list[MemberKey],
    table: Table,
    member_column: str,
    condition: ColumnElement[bool],
) -> Sequence[int]:
    if not keys:
        return []
    member = table.c[member_column]
    shas = sorted({sha for sha, _ in keys})
    query = (
        select(table.c.sha_code, member.label("member_id"), func.count().label("n"))
        .where(
            table.c.sha_code.in_(shas),
            tuple_(table.c.sha_code, member).in_(keys),
            condition,
        )
        .group_by(table.c.sha_code, member)
    )
    found = {(r.sha_code, r.member_id): r.n for r in await ctx.db.rows(query)}
    return [found.get(key, 0) for key in keys]


async def meetings_attended(ctx: Context, keys: list[MemberKey]) -> Sequence[int]:
    """Meetings each member attended (apologies and absences do not count)."""
    return await _count(
        ctx, keys, attendance, "member_id", attendance.c.status == AttendanceStatus.ATTENDED.value
    )


async def actions_completed(ctx: Context, keys: list[MemberKey]) -> Sequence[int]:
    """Actions each member owns that are DONE (dropped ones are not completed)."""
    return await _count(
        ctx, keys, actions, "owner_member_id", actions.c.status == ActionStatus.DONE.value
    )


def register() -> None:
    register_progress_counter("sets_attended", meetings_attended)
    register_progress_counter("actions_completed", actions_completed)
