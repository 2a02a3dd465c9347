"""Event writes. Services validate, write and audit; they never commit.

Registration and cancellation go through SECURITY DEFINER functions (migration
0300) that lock the event row, so concurrent requests never over-fill it and the
head of the waiting list is promoted whatever SHA it belongs to."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, text, update

from auth.principal import Role
from resolvers.common.audit import record_audit
from resolvers.common.context import Context
from resolvers.common.errors import (
    Conflict,
    FieldProblem,
    NotAllowed,
    NotFound,
    ValidationFailed,
    require,
)
from resolvers.common.ids import GlobalId
from resolvers.common.mutation import ensure_writable
from resolvers.common.relations import related
from resolvers.directory.service import parse_id, pick_sha
from resolvers.directory.validation import check_text
from resolvers.events.enums import EventKind, EventOwnership, EventStatus
from resolvers.events.status import registration_closes
from resolvers.events.tables import event_registrations, event_sessions, events
from resolvers.events.types import Event, EventRegistration, EventSession

MANAGERS = (Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)
NATIONAL = (Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)
MAX_CAPACITY = 10000


@dataclass
class EventChanges:
    title: str | None = None
    kind: EventKind | None = None
    ownership: EventOwnership | None = None
    is_national: bool | None = None
    venue: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    capacity: int | None = None
    status: EventStatus | None = None
    description: str | None = None
    audience: str | None = None
    speakers: list[tuple[str, str | None]] | None = None
    registration_closes_at: dt.datetime | None = None


def _is(ctx: Context, *roles: Role) -> bool:
    return ctx.principal is not None and ctx.principal.has_role(*roles)


def _problems(changes: EventChanges, starts: dt.datetime, ends: dt.datetime) -> list[FieldProblem]:
    problems = check_text(changes.title, "title", max_length=200)
    problems += check_text(changes.venue, "venue", max_length=200)
    if starts.tzinfo is None or ends.tzinfo is None:
        problems.append(FieldProblem("startsAt", "times need a UTC offset"))
    elif ends <= starts:
        problems.append(FieldProblem("endsAt", "must be after startsAt"))
    if changes.capacity is not None and not 1 <= changes.capacity <= MAX_CAPACITY:
        problems.append(FieldProblem("capacity", f"must be between 1 and {MAX_CAPACITY}"))
    problems += check_text(changes.description, "description", max_length=8000)
    problems += check_text(changes.audience, "audience", max_length=300)
    for i, (name, role) in enumerate(changes.speakers or []):
        problems += check_text(name, f"speakers.{i}.name", max_length=200)
        problems += check_text(role, f"speakers.{i}.role", max_length=200)
    if len(changes.speakers or []) > 50:
        problems.append(FieldProblem("speakers", "at most 50 speakers"))
    closes = changes.registration_closes_at
    if closes is not None and (closes.tzinfo is None or closes > ends):
        problems.append(
            FieldProblem("registrationClosesAt", "needs a UTC offset and must not be after endsAt")
        )
    return problems


def _detail_values(changes: EventChanges) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("description", "audience"):
        value = getattr(changes, name)
        if value is not None:
            values[name] = value.strip()
    if changes.speakers is not None:
        values["speakers"] = [
            {"name": name.strip(), "role": role.strip() if role else None}
            for name, role in changes.speakers
        ]
    if changes.registration_closes_at is not None:
        values["registration_closes_at"] = changes.registration_closes_at
    return values


def _ownership_rules(ctx: Context, ownership: EventOwnership, is_national: bool) -> None:
    if ownership == EventOwnership.NATIONAL:
        if not _is(ctx, *NATIONAL):
            raise NotAllowed("only national leads may own or change a nationally owned event")
        if not is_national:
            raise ValidationFailed(
                [FieldProblem("isNational", "a nationally owned event is a national event")]
            )


async def create_event(ctx: Context, sha_code: str | None, changes: EventChanges) -> Event:
    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    if changes.title is None or changes.kind is None or changes.capacity is None:
        raise ValidationFailed([FieldProblem("input", "title, kind and capacity are required")])
    if changes.starts_at is None or changes.ends_at is None:
        raise ValidationFailed([FieldProblem("input", "startsAt and endsAt are required")])
    ownership = changes.ownership or EventOwnership.SHA
    is_national = bool(changes.is_national) or ownership == EventOwnership.NATIONAL
    _ownership_rules(ctx, ownership, is_national)
    problems = _problems(changes, changes.starts_at, changes.ends_at)
    if changes.ends_at is not None and changes.ends_at <= dt.datetime.now(dt.UTC):
        problems.append(
            FieldProblem("endsAt", "the event is over: an event is created before it ends")
        )
    require(problems)
    values: dict[str, Any] = {
        **_detail_values(changes),
        "sha_code": sha,
        "title": changes.title.strip(),
        "kind": changes.kind.value,
        "ownership": ownership.value,
        "is_national": is_national,
        "venue": changes.venue.strip() if changes.venue else None,
        "starts_at": changes.starts_at,
        "ends_at": changes.ends_at,
        "capacity": changes.capacity,
    }
    row = await ctx.db.first(insert(events).values(**values).returning(*events.c))
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="event.create",
        entity_type="Event",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k != "sha_code"},
    )
    return Event.from_row(row)


async def _lock_event(ctx: Context, gid: GlobalId, field: str) -> Any:
    """The event row, locked: the caller writes its SHA (RLS lets no one else lock it)."""
    row = await ctx.db.first(
        select(events)
        .where(events.c.sha_code == gid.sha_code, events.c.id == uuid.UUID(gid.key))
        .with_for_update()
    )
    if row is None:
        raise NotFound("Event", gid.encode())
    return row


async def _visible_event(ctx: Context, id: str, field: str) -> tuple[GlobalId, Any]:
    gid = parse_id(id, "Event", field)
    row = await ctx.db.first(
        select(events).where(events.c.sha_code == gid.sha_code, events.c.id == uuid.UUID(gid.key))
    )
    if row is None:
        raise NotFound("Event", id)
    return gid, row


async def update_event(ctx: Context, id: str, changes: EventChanges) -> Event:
    gid, visible = await _visible_event(ctx, id, "id")
    if gid.sha_code not in ctx.scope.write and visible.is_national:
        raise NotAllowed("a national event is changed only by the SHA that holds it")
    ensure_writable(ctx, gid.sha_code)
    current = await _lock_event(ctx, gid, "id")
    ownership = changes.ownership or EventOwnership(current.ownership)
    is_national = current.is_national if changes.is_national is None else changes.is_national
    if EventOwnership(current.ownership) == EventOwnership.NATIONAL or changes.ownership:
        _ownership_rules(ctx, ownership, is_national)
    starts = changes.starts_at or current.starts_at
    ends = changes.ends_at or current.ends_at
    problems = _problems(changes, starts, ends)
    if changes.capacity is not None and changes.capacity < current.confirmed_count:
        problems.append(
            FieldProblem(
                "capacity",
                f"{current.confirmed_count} places are confirmed; cancel some before"
                " lowering the capacity below that",
            )
        )
    require(problems)
    closes = changes.registration_closes_at or current.registration_closes_at
    if changes.ends_at is not None and closes is not None and closes > ends:
        problems.append(FieldProblem("registrationClosesAt", "must not be after endsAt"))
    require(problems)
    values: dict[str, Any] = {"updated_at": func.now(), "ownership": ownership.value}
    values["is_national"] = is_national
    values.update(_detail_values(changes))
    for name in ("title", "venue", "starts_at", "ends_at", "capacity"):
        value = getattr(changes, name)
        if value is not None:
            values[name] = value.strip() if isinstance(value, str) else value
    if changes.kind is not None:
        values["kind"] = changes.kind.value
    if changes.status is not None:
        values["status"] = changes.status.value
    await ctx.db.rows(
        update(events)
        .where(events.c.sha_code == gid.sha_code, events.c.id == current.id)
        .values(**values)
    )
    if is_national != current.is_national:
        # sessions and every SHA's registrations carry the flag (migration 0300)
        await ctx.db.rows(
            text("SELECT event_set_national(:sha, :id, :national)"),
            {"sha": gid.sha_code, "id": current.id, "national": is_national},
        )
    promoted = await ctx.db.rows(
        text("SELECT r_sha, r_id FROM event_settle(:sha, :id)"),
        {"sha": gid.sha_code, "id": current.id},
    )
    row = await ctx.db.first(
        select(events).where(events.c.sha_code == gid.sha_code, events.c.id == current.id)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=gid.sha_code,
        action="event.update",
        entity_type="Event",
        entity_id=str(row.id),
        detail={
            **{k: v for k, v in values.items() if k != "updated_at"},
            "promoted": [str(p.r_id) for p in promoted],
        },
    )
    from resolvers.notifications.hooks import waitlist_promoted

    await waitlist_promoted(ctx, [(p.r_sha, p.r_id) for p in promoted])
    return Event.from_row(row)


async def add_session(
    ctx: Context,
    event_id: str,
    title: str,
    room: str | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> EventSession:
    gid, event = await _visible_event(ctx, event_id, "eventId")
    if gid.sha_code not in ctx.scope.write and event.is_national:
        raise NotAllowed("a national event is changed only by the SHA that holds it")
    ensure_writable(ctx, gid.sha_code)
    if EventOwnership(event.ownership) == EventOwnership.NATIONAL and not _is(ctx, *NATIONAL):
        raise NotAllowed("only national leads may change a nationally owned event")
    problems = check_text(title, "title", max_length=200) + check_text(room, "room")
    if ends_at <= starts_at:
        problems.append(FieldProblem("endsAt", "must be after startsAt"))
    if starts_at < event.starts_at or ends_at > event.ends_at:
        problems.append(FieldProblem("startsAt", "a session must fall within its event"))
    require(problems)
    row = await ctx.db.first(
        insert(event_sessions)
        .values(
            sha_code=gid.sha_code,
            event_id=event.id,
            is_national=event.is_national,
            title=title.strip(),
            room=room.strip() if room else None,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        .returning(*event_sessions.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=gid.sha_code,
        action="event_session.create",
        entity_type="EventSession",
        entity_id=str(row.id),
        detail={"event_id": str(event.id), "title": row.title},
    )
    return EventSession.from_row(row)


def _registrant(ctx: Context, member_id: str | None) -> GlobalId:
    """The member a registration is for: the caller, or anyone when the caller manages."""
    principal = ctx.principal
    own = principal.member_id if principal else None
    if member_id is None:
        if not own or principal is None or principal.home_sha is None:
            raise ValidationFailed(
                [FieldProblem("memberId", "your sign-in names no member: give memberId")]
            )
        return GlobalId("Member", principal.home_sha, own)
    gid = parse_id(member_id, "Member", "memberId")
    if gid.key != own and not _is(ctx, *MANAGERS):
        raise NotAllowed("you may register only yourself")
    return gid


_OUTCOME_ERRORS = {
    "FORBIDDEN": lambda m, e: NotAllowed(f"you may not register members of SHA {m.sha_code}"),
    "MEMBER_NOT_FOUND": lambda m, e: NotFound("active Member", m.encode()),
    "EVENT_NOT_FOUND": lambda m, e: NotFound("Event", e.encode()),
    "CLOSED": lambda m, e: Conflict("the event is not taking registrations"),
    "DUPLICATE": lambda m, e: Conflict("the member is already registered for this event"),
}


async def _registration(ctx: Context, sha: str, reg_id: Any) -> EventRegistration:
    """Re-read a registration just written (a loader may hold the old row)."""
    row = await ctx.db.first(
        select(event_registrations).where(
            event_registrations.c.sha_code == sha, event_registrations.c.id == reg_id
        )
    )
    assert row is not None
    return EventRegistration.from_row(row)


async def _refuse_after_deadline(ctx: Context, event: GlobalId) -> None:
    row = await ctx.db.first(
        select(events.c.registration_closes_at, events.c.starts_at).where(
            events.c.sha_code == event.sha_code, events.c.id == uuid.UUID(event.key)
        )
    )
    if row is None:
        return  # event_register reports it as not found
    closes = registration_closes(row.registration_closes_at, row.starts_at)
    if closes <= dt.datetime.now(dt.UTC):
        raise Conflict(
            f"registration closed at {closes.isoformat()}; ask the organisers (an admin of"
            f" SHA {event.sha_code}) to register you with registerForEvent's memberId"
        )


async def register(ctx: Context, event_id: str, member_id: str | None) -> EventRegistration:
    member = _registrant(ctx, member_id)
    event = parse_id(event_id, "Event", "eventId")
    ensure_writable(ctx, member.sha_code)
    if not _is(ctx, *MANAGERS):
        await _refuse_after_deadline(ctx, event)
    row = await ctx.db.first(
        text("SELECT r_outcome, r_id FROM event_register(:msha, :mid, :esha, :eid)"),
        {
            "msha": member.sha_code,
            "mid": uuid.UUID(member.key),
            "esha": event.sha_code,
            "eid": uuid.UUID(event.key),
        },
    )
    assert row is not None
    make_error = _OUTCOME_ERRORS.get(row.r_outcome)
    if make_error is not None:
        raise make_error(member, event)
    await record_audit(
        ctx.db,
        sha_code=member.sha_code,
        action="event_registration.create",
        entity_type="EventRegistration",
        entity_id=str(row.r_id),
        detail={"event": event.encode(), "member_id": member.key, "status": row.r_outcome},
    )
    return await _registration(ctx, member.sha_code, row.r_id)


async def cancel(ctx: Context, id: str) -> tuple[EventRegistration, int]:
    """Cancel a registration; returns it and how many waiting people were promoted."""
    gid = parse_id(id, "EventRegistration", "id")
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("EventRegistration", id)
    ensure_writable(ctx, gid.sha_code)
    current = await _registration_or_none(ctx, gid)
    if current is None:
        raise NotFound("EventRegistration", id)
    own = ctx.principal.member_id if ctx.principal else None
    if str(current.member_db_id) != own and not _is(ctx, *MANAGERS):
        raise NotAllowed("you may cancel only your own registrations")
    rows = await ctx.db.rows(
        text("SELECT r_outcome, r_sha, r_id FROM event_cancel(:sha, :id)"),
        {"sha": gid.sha_code, "id": current.db_id},
    )
    outcome = rows[0].r_outcome if rows else "NOT_FOUND"
    if outcome == "ALREADY_CANCELLED":
        raise Conflict("the registration is already cancelled")
    if outcome != "CANCELLED":
        raise NotFound("EventRegistration", id)
    promoted = [r for r in rows if r.r_outcome == "PROMOTED"]
    await record_audit(
        ctx.db,
        sha_code=gid.sha_code,
        action="event_registration.cancel",
        entity_type="EventRegistration",
        entity_id=str(current.db_id),
        detail={"promoted": [f"{p.r_sha}:{p.r_id}" for p in promoted]},
    )
    from resolvers.notifications.hooks import waitlist_promoted

    await waitlist_promoted(ctx, [(p.r_sha, p.r_id) for p in promoted])
    return await _registration(ctx, gid.sha_code, current.db_id), len(promoted)


async def _registration_or_none(ctx: Context, gid: GlobalId) -> EventRegistration | None:

    return await related(ctx, "RegistrationByIdLoader").load((gid.sha_code, uuid.UUID(gid.key)))


_CHECK_IN_ERRORS = {
    "FORBIDDEN": lambda id: NotAllowed("you may not check in members of this SHA"),
    "NOT_FOUND": lambda id: NotFound("EventRegistration", id),
    "NOT_CONFIRMED": lambda id: Conflict(
        "only a confirmed registration can be checked in; confirm it first"
    ),
}


async def check_in(ctx: Context, id: str) -> EventRegistration:
    """Record that a confirmed registrant arrived: the member at the door, or a manager.
    Checking in twice keeps the first time (idempotent for a door scanner)."""
    gid = parse_id(id, "EventRegistration", "id")
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("EventRegistration", id)
    ensure_writable(ctx, gid.sha_code)
    current = await _registration_or_none(ctx, gid)
    if current is None:
        raise NotFound("EventRegistration", id)
    own = ctx.principal.member_id if ctx.principal else None
    if str(current.member_db_id) != own and not _is(ctx, *MANAGERS):
        raise NotAllowed("you may check in only yourself")
    event = await ctx.db.first(
        select(events.c.starts_at, events.c.ends_at).where(
            events.c.sha_code == current.event_sha_code, events.c.id == current.event_db_id
        )
    )
    now = dt.datetime.now(dt.UTC)
    if event is not None and not (
        event.starts_at - dt.timedelta(hours=CHECK_IN_OPENS_HOURS) <= now <= event.ends_at
    ):
        raise Conflict(
            f"check-in is open from {CHECK_IN_OPENS_HOURS} hours before the event starts"
            " until it ends"
        )
    row = await ctx.db.first(
        text("SELECT r_outcome, r_checked_in_at FROM event_check_in(:sha, :id, :by)"),
        {
            "sha": gid.sha_code,
            "id": current.db_id,
            "by": ctx.principal.audit_name if ctx.principal else "unknown",
        },
    )
    assert row is not None
    make_error = _CHECK_IN_ERRORS.get(row.r_outcome)
    if make_error is not None:
        raise make_error(id)
    if row.r_outcome == "CHECKED_IN":
        await record_audit(
            ctx.db,
            sha_code=gid.sha_code,
            action="event_registration.check_in",
            entity_type="EventRegistration",
            entity_id=str(current.db_id),
            detail={"event": f"{current.event_sha_code}:{current.event_db_id}"},
        )
    return await _registration(ctx, gid.sha_code, current.db_id)


CHECK_IN_OPENS_HOURS = 2
