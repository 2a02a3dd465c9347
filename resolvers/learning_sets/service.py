"""Learning set writes. Services validate, write and audit; they never commit.

The size rule: a set never has more than its SHA's `setMaxMembers` members. Adding
members locks the set row first, so two concurrent additions cannot both pass the
check; fewer than `setMinMembers` is reported (`LearningSet.size`), not refused."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from auth.principal import Role
from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import Conflict, FieldProblem, NotAllowed, NotFound, require
from resolvers.common.ids import GlobalId
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import parse_id, pick_sha
from resolvers.directory.tables import members
from resolvers.directory.validation import check_text
from resolvers.learning_sets.enums import (
    ActionStatus,
    AttendanceStatus,
    FocusKind,
    LearningSetStatus,
    SetRole,
)
from resolvers.learning_sets.tables import actions, attendance, learning_sets, meetings, set_members
from resolvers.learning_sets.types import LearningSet, LearningSetAction, LearningSetMeeting
from resolvers.rollups import counts as rollups
from resolvers.sha_rules.rules import ShaRulesByCodeLoader

ADMINS = (Role.SHA_ADMIN, Role.PLATFORM_ADMIN, Role.NATIONAL_LEAD)


class SetFull(Exception):
    """Adding these members would take the set past its SHA's maximum (a typed result)."""

    def __init__(self, maximum: int, current: int, adding: int) -> None:
        super().__init__(
            f"a learning set of this SHA has at most {maximum} members; it has {current}"
            f" and {adding} more were asked for: start another set, or raise setMaxMembers"
            " with updateShaRules"
        )
        self.maximum = maximum
        self.current = current
        self.adding = adding


def _admin(ctx: Context) -> bool:
    return ctx.principal is not None and ctx.principal.has_role(*ADMINS)


async def _locked_set(ctx: Context, set_id: str, field: str) -> tuple[GlobalId, Any]:
    gid = parse_id(set_id, "LearningSet", field)
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("LearningSet", set_id)
    ensure_writable(ctx, gid.sha_code)
    row = await ctx.db.first(
        select(learning_sets)
        .where(learning_sets.c.sha_code == gid.sha_code, learning_sets.c.id == uuid.UUID(gid.key))
        .with_for_update()
    )
    if row is None:
        raise NotFound("LearningSet", set_id)
    return gid, row


async def _ensure_lead(ctx: Context, sha: str, set_db_id: Any) -> None:
    """SHA admins, or a current facilitator of the set, may run its meetings."""
    if _admin(ctx):
        return
    own = ctx.principal.member_id if ctx.principal else None
    if own and ctx.principal and ctx.principal.home_sha == sha:
        found = await ctx.db.first(
            select(set_members.c.member_id).where(
                set_members.c.sha_code == sha,
                set_members.c.set_id == set_db_id,
                set_members.c.member_id == uuid.UUID(own),
                set_members.c.role == SetRole.FACILITATOR.value,
                set_members.c.left_on.is_(None),
            )
        )
        if found is not None:
            return
    raise NotAllowed("only the set's facilitators or SHA admins may do this")


async def _audit(
    ctx: Context, sha: str, action: str, entity: str, ident: Any, **detail: Any
) -> None:
    await record_audit(
        ctx.db, sha_code=sha, action=action, entity_type=entity, entity_id=str(ident), detail=detail
    )


@dataclass
class SetChanges:
    name: str | None = None
    focus_kind: FocusKind | None = None
    focus: str | None = None
    description: str | None = None
    status: LearningSetStatus | None = None
    started_on: dt.date | None = None


def _set_problems(changes: SetChanges) -> list[FieldProblem]:
    problems = check_text(changes.name, "name", max_length=200)
    problems += check_text(changes.focus, "focus", max_length=200)
    if changes.description is not None and len(changes.description) > 4000:
        problems.append(FieldProblem("description", "must be at most 4000 characters"))
    return problems


async def create_set(ctx: Context, sha_code: str | None, changes: SetChanges) -> LearningSet:
    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    require(_set_problems(changes))
    assert changes.name and changes.focus and changes.focus_kind
    values: dict[str, Any] = {
        "sha_code": sha,
        "name": changes.name.strip(),
        "focus_kind": changes.focus_kind.value,
        "focus": changes.focus.strip(),
        "description": changes.description,
    }
    if changes.started_on:
        values["started_on"] = changes.started_on
    row = await ctx.db.first(insert(learning_sets).values(**values).returning(*learning_sets.c))
    assert row is not None
    await rollups.learning_set_changed(ctx.db, sha, row.id)
    await _audit(ctx, sha, "learning_set.create", "LearningSet", row.id, name=row.name)
    return LearningSet.from_row(row)


async def update_set(ctx: Context, set_id: str, changes: SetChanges) -> LearningSet:
    gid, current = await _locked_set(ctx, set_id, "id")
    require(_set_problems(changes))
    values: dict[str, Any] = {"updated_at": func.now()}
    for name in ("name", "focus", "description"):
        value = getattr(changes, name)
        if value is not None:
            values[name] = value.strip()
    if changes.focus_kind:
        values["focus_kind"] = changes.focus_kind.value
    if changes.status:
        values["status"] = changes.status.value
    row = await update_audited(
        ctx.db,
        learning_sets,
        sha_code=gid.sha_code,
        key=current.id,
        values=values,
        action="learning_set.update",
        entity_type="LearningSet",
        detail={k: v for k, v in values.items() if k != "updated_at"},
    )
    await rollups.learning_set_changed(ctx.db, gid.sha_code, row.id)
    return LearningSet.from_row(row)


def _member_keys(gid: GlobalId, ids: list[str], field: str) -> list[uuid.UUID]:
    keys: list[uuid.UUID] = []
    problems: list[FieldProblem] = []
    for i, value in enumerate(ids):
        member = parse_id(value, "Member", f"{field}[{i}]")
        if member.sha_code != gid.sha_code:
            problems.append(FieldProblem(f"{field}[{i}]", "must be a member of the set's SHA"))
        else:
            keys.append(uuid.UUID(member.key))
    require(problems)
    return keys


async def add_members(
    ctx: Context, set_id: str, member_ids: list[str], role: SetRole, joined_on: dt.date | None
) -> LearningSet:
    if not _admin(ctx):
        raise NotAllowed("only SHA admins may change a set's membership")
    if not member_ids:
        require([FieldProblem("memberIds", "name at least one member")])
    gid, current = await _locked_set(ctx, set_id, "setId")
    maximum = (await ctx.loader(ShaRulesByCodeLoader).load(gid.sha_code)).set_max_members
    if len(member_ids) > maximum:
        raise SetFull(maximum, 0, len(member_ids))
    keys = list(dict.fromkeys(_member_keys(gid, member_ids, "memberIds")))
    found = await ctx.db.rows(
        select(members.c.id).where(
            members.c.sha_code == gid.sha_code,
            members.c.id.in_(keys),
            members.c.status == "ACTIVE",
        )
    )
    missing = set(keys) - {r.id for r in found}
    if missing:
        raise NotFound("active Member", ", ".join(sorted(str(m) for m in missing)))
    m = set_members.c
    active = await ctx.db.rows(
        select(m.member_id).where(
            m.sha_code == gid.sha_code, m.set_id == current.id, m.left_on.is_(None)
        )
    )
    already = {r.member_id for r in active}
    adding = [k for k in keys if k not in already]
    if len(already) + len(adding) > maximum:
        raise SetFull(maximum, len(already), len(adding))
    joined = joined_on or dt.date.today()
    statement = pg_insert(set_members).values(
        [
            {
                "sha_code": gid.sha_code,
                "set_id": current.id,
                "member_id": k,
                "role": role.value,
                "joined_on": joined,
            }
            for k in keys
        ]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[m.sha_code, m.set_id, m.member_id],
        set_={
            "role": statement.excluded.role,
            "left_on": None,
            "joined_on": statement.excluded.joined_on,
        },
        where=or_(m.left_on.is_not(None), m.role != statement.excluded.role),
    )
    await ctx.db.rows(statement)
    await _audit(
        ctx,
        gid.sha_code,
        "learning_set.add_members",
        "LearningSet",
        current.id,
        members=[str(k) for k in keys],
        role=role.value,
    )
    return LearningSet.from_row(current)


async def remove_member(
    ctx: Context, set_id: str, member_id: str, left_on: dt.date | None
) -> LearningSet:
    if not _admin(ctx):
        raise NotAllowed("only SHA admins may change a set's membership")
    gid, current = await _locked_set(ctx, set_id, "setId")
    (key,) = _member_keys(gid, [member_id], "memberId")
    left = left_on or dt.date.today()
    m = set_members.c
    row = await ctx.db.first(
        update(set_members)
        .where(
            m.sha_code == gid.sha_code,
            m.set_id == current.id,
            m.member_id == key,
            m.left_on.is_(None),
        )
        .values(left_on=left)
        .returning(m.member_id, m.joined_on)
    )
    if row is None:
        raise NotFound("current member of the set", member_id)
    await _audit(
        ctx,
        gid.sha_code,
        "learning_set.remove_member",
        "LearningSet",
        current.id,
        member=str(key),
        left_on=left,
    )
    return LearningSet.from_row(current)


async def schedule_meeting(
    ctx: Context, set_id: str, held_on: dt.date, topic: str
) -> LearningSetMeeting:
    gid, current = await _locked_set(ctx, set_id, "setId")
    await _ensure_lead(ctx, gid.sha_code, current.id)
    problems = check_text(topic, "topic", max_length=200)
    if current.status != LearningSetStatus.ACTIVE.value:
        problems.append(FieldProblem("setId", "the set is closed"))
    require(problems)
    month = held_on.replace(day=1)
    clash = await ctx.db.first(
        select(meetings.c.id).where(
            meetings.c.sha_code == gid.sha_code,
            meetings.c.set_id == current.id,
            meetings.c.meeting_month == month,
        )
    )
    if clash is not None:
        raise Conflict(f"the set already has a meeting in {month:%B %Y}; sets meet monthly")
    row = await ctx.db.first(
        insert(meetings)
        .values(sha_code=gid.sha_code, set_id=current.id, held_on=held_on, topic=topic.strip())
        .returning(*meetings.c)
    )
    assert row is not None
    await _audit(
        ctx,
        gid.sha_code,
        "learning_set_meeting.create",
        "LearningSetMeeting",
        row.id,
        set_id=str(current.id),
        held_on=held_on,
    )
    return LearningSetMeeting.from_row(row)


async def _meeting(ctx: Context, meeting_id: str, field: str) -> tuple[GlobalId, Any]:
    gid = parse_id(meeting_id, "LearningSetMeeting", field)
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("LearningSetMeeting", meeting_id)
    ensure_writable(ctx, gid.sha_code)
    row = await ctx.db.first(
        select(meetings)
        .where(meetings.c.sha_code == gid.sha_code, meetings.c.id == uuid.UUID(gid.key))
        .with_for_update()
    )
    if row is None:
        raise NotFound("LearningSetMeeting", meeting_id)
    await _ensure_lead(ctx, gid.sha_code, row.set_id)
    return gid, row


async def record_attendance(
    ctx: Context, meeting_id: str, entries: list[tuple[str, AttendanceStatus]]
) -> LearningSetMeeting:
    """Mark the meeting held and upsert one attendance row per member named."""
    gid, meeting = await _meeting(ctx, meeting_id, "meetingId")
    if meeting.status == "CANCELLED":
        require([FieldProblem("meetingId", "the meeting was cancelled")])
    if meeting.held_on > dt.date.today():
        require([FieldProblem("meetingId", "attendance is recorded once the meeting is held")])
    keys = _member_keys(gid, [e[0] for e in entries], "entries.memberId")
    if len(set(keys)) != len(keys):
        require([FieldProblem("entries", "each member at most once")])
    m = set_members.c
    eligible = await ctx.db.rows(
        select(m.member_id).where(
            m.sha_code == gid.sha_code,
            m.set_id == meeting.set_id,
            m.member_id.in_(keys),
            m.joined_on <= meeting.held_on,
            or_(m.left_on.is_(None), m.left_on >= meeting.held_on),
        )
    )
    ok = {r.member_id for r in eligible}
    require(
        [
            FieldProblem(f"entries[{i}].memberId", "was not a member of the set on that date")
            for i, k in enumerate(keys)
            if k not in ok
        ]
    )
    if keys:
        statement = pg_insert(attendance).values(
            [
                {
                    "sha_code": gid.sha_code,
                    "set_id": meeting.set_id,
                    "meeting_id": meeting.id,
                    "member_id": k,
                    "status": status.value,
                }
                for k, (_, status) in zip(keys, entries, strict=True)
            ]
        )
        a = attendance.c
        statement = statement.on_conflict_do_update(
            index_elements=[a.sha_code, a.meeting_id, a.member_id],
            # the proposed row's default (now(), filled in before the statement is
            # routed): Citus refuses a volatile function in DO UPDATE SET
            set_={
                "status": statement.excluded.status,
                "recorded_at": statement.excluded.recorded_at,
            },
        )
        await ctx.db.rows(statement)
    row = await update_audited(
        ctx.db,
        meetings,
        sha_code=gid.sha_code,
        key=meeting.id,
        values={"status": "HELD"},
        action="learning_set_meeting.attendance",
        entity_type="LearningSetMeeting",
        detail={"entries": {str(k): s.value for k, (_, s) in zip(keys, entries, strict=True)}},
    )
    await rollups.learning_set_changed(ctx.db, gid.sha_code, meeting.set_id)
    from resolvers.notifications.hooks import set_members_at_risk

    await set_members_at_risk(ctx, gid.sha_code, meeting.set_id, meeting.id)
    return LearningSetMeeting.from_row(row)


async def cancel_meeting(ctx: Context, meeting_id: str) -> LearningSetMeeting:
    gid, meeting = await _meeting(ctx, meeting_id, "id")
    if meeting.status == "HELD":
        raise Conflict("a meeting that was held cannot be cancelled")
    row = await update_audited(
        ctx.db,
        meetings,
        sha_code=gid.sha_code,
        key=meeting.id,
        values={"status": "CANCELLED"},
        action="learning_set_meeting.cancel",
        entity_type="LearningSetMeeting",
    )
    return LearningSetMeeting.from_row(row)


async def _owner_key(ctx: Context, gid: GlobalId, set_db_id: Any, owner_id: str) -> uuid.UUID:
    (key,) = _member_keys(gid, [owner_id], "ownerId")
    m = set_members.c
    found = await ctx.db.first(
        select(m.member_id).where(
            and_(m.sha_code == gid.sha_code, m.set_id == set_db_id, m.member_id == key),
            m.left_on.is_(None),
        )
    )
    if found is None:
        require([FieldProblem("ownerId", "must be a current member of the set")])
    return key


@dataclass
class ActionChanges:
    title: str | None = None
    description: str | None = None
    owner_id: str | None = None
    due_on: dt.date | None = None
    status: ActionStatus | None = None


def _action_problems(changes: ActionChanges) -> list[FieldProblem]:
    problems = check_text(changes.title, "title", max_length=200)
    if changes.description is not None and len(changes.description) > 4000:
        problems.append(FieldProblem("description", "must be at most 4000 characters"))
    return problems


async def create_action(ctx: Context, meeting_id: str, changes: ActionChanges) -> LearningSetAction:
    gid, meeting = await _meeting(ctx, meeting_id, "meetingId")
    require(_action_problems(changes))
    assert changes.title and changes.owner_id and changes.due_on
    if changes.due_on < meeting.held_on:
        require([FieldProblem("dueOn", "must be on or after the meeting")])
    owner = await _owner_key(ctx, gid, meeting.set_id, changes.owner_id)
    row = await ctx.db.first(
        insert(actions)
        .values(
            sha_code=gid.sha_code,
            set_id=meeting.set_id,
            meeting_id=meeting.id,
            owner_member_id=owner,
            title=changes.title.strip(),
            description=changes.description,
            due_on=changes.due_on,
        )
        .returning(*actions.c)
    )
    assert row is not None
    await _audit(
        ctx,
        gid.sha_code,
        "learning_set_action.create",
        "LearningSetAction",
        row.id,
        title=row.title,
        owner=str(owner),
        due_on=row.due_on,
    )
    return LearningSetAction.from_row(row)


async def update_action(ctx: Context, action_id: str, changes: ActionChanges) -> LearningSetAction:
    gid = parse_id(action_id, "LearningSetAction", "id")
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("LearningSetAction", action_id)
    ensure_writable(ctx, gid.sha_code)
    current = await ctx.db.first(
        select(actions)
        .where(actions.c.sha_code == gid.sha_code, actions.c.id == uuid.UUID(gid.key))
        .with_for_update()
    )
    if current is None:
        raise NotFound("LearningSetAction", action_id)
    own = ctx.principal.member_id if ctx.principal else None
    if str(current.owner_member_id) != own:
        await _ensure_lead(ctx, gid.sha_code, current.set_id)
    require(_action_problems(changes))
    values: dict[str, Any] = {"updated_at": func.now()}
    if changes.title is not None:
        values["title"] = changes.title.strip()
    if changes.description is not None:
        values["description"] = changes.description
    if changes.due_on is not None:
        values["due_on"] = changes.due_on
    if changes.owner_id is not None:
        values["owner_member_id"] = await _owner_key(ctx, gid, current.set_id, changes.owner_id)
    if changes.status is not None:
        values["status"] = changes.status.value
        values["completed_on"] = dt.date.today() if changes.status == ActionStatus.DONE else None
    row = await update_audited(
        ctx.db,
        actions,
        sha_code=gid.sha_code,
        key=current.id,
        values=values,
        action="learning_set_action.update",
        entity_type="LearningSetAction",
        detail={k: str(v) for k, v in values.items() if k != "updated_at"},
    )
    return LearningSetAction.from_row(row)
