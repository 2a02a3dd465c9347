"""Event queries: events (own SHAs plus every national event), registrations."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, func, or_, select

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    Filtered,
    Ordering,
    PageArgs,
    SortDirection,
    paginate,
)
from resolvers.common.sql import by_key, contains_pattern
from resolvers.directory.queries import GlobalIdArg, ShaNarrowing, narrow_shas
from resolvers.events.enums import EventKind, EventStatus, RegistrationStatus
from resolvers.events.loaders import EventByIdLoader, RegistrationByIdLoader
from resolvers.events.tables import event_registrations, event_sessions, events
from resolvers.events.types import Event, EventRegistration


@strawberry.input(description="Narrow the event list; all conditions must hold.")
class EventFilter:
    kinds: list[EventKind] | None = strawberry.field(default=None, description="Any of these.")
    statuses: list[EventStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    national_only: bool = strawberry.field(
        default=False, description="Only events open to every SHA."
    )
    include_national: bool = strawberry.field(
        default=True, description="Also list other SHAs' national events."
    )
    starts_after: dt.datetime | None = strawberry.field(
        default=None, description="Events starting at or after this time."
    )
    starts_before: dt.datetime | None = strawberry.field(
        default=None, description="Events starting before this time."
    )
    search: str | None = strawberry.field(default=None, description="Part of the title.")


@strawberry.enum(description="Sort keys for events.")
class EventSortField(Enum):
    STARTS_AT = "starts_at"
    TITLE = "title"


@strawberry.input(description="How to sort events.")
class EventOrder:
    field: EventSortField = strawberry.field(
        default=EventSortField.STARTS_AT, description="Sort key."
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="Sort direction."
    )


@strawberry.input(description="Narrow the registration list; all conditions must hold.")
class RegistrationFilter:
    event_id: strawberry.ID | None = strawberry.field(
        default=None, description="Registrations for this event."
    )
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Registrations of this member."
    )
    statuses: list[RegistrationStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )


def event_query(shas: list[str], where: EventFilter | None) -> Select[Any]:
    where = where or EventFilter()
    c = events.c
    if where.national_only:
        query = select(events).where(c.is_national)
    elif where.include_national:
        # National events of any SHA: RLS widens reads to them by policy.
        query = select(events).where(or_(c.sha_code.in_(shas), c.is_national))
    else:
        query = select(events).where(c.sha_code.in_(shas))
    if where.kinds:
        query = query.where(c.kind.in_([k.value for k in where.kinds]))
    if where.statuses:
        query = query.where(c.status.in_([s.value for s in where.statuses]))
    if where.starts_after:
        query = query.where(c.starts_at >= where.starts_after)
    if where.starts_before:
        query = query.where(c.starts_at < where.starts_before)
    if where.search:
        query = query.where(func.lower(c.title).like(contains_pattern(where.search)))
    return query


def event_ordering(order: EventOrder | None) -> Ordering:
    order = order or EventOrder()
    c = events.c
    first = c.title if order.field == EventSortField.TITLE else c.starts_at
    return Ordering((first, c.sha_code, c.id), order.direction == SortDirection.DESC)


def registration_query(shas: list[str], where: RegistrationFilter | None) -> Select[Any]:
    c = event_registrations.c
    query = select(event_registrations).where(c.sha_code.in_(shas))
    if where is None:
        return query
    if where.event_id:
        sha, key = decode_id(where.event_id, "Event").row_key
        query = query.where(c.event_sha_code == sha, c.event_id == key)
    if where.member_id:
        sha, key = decode_id(where.member_id, "Member").row_key
        query = query.where(c.sha_code == sha, c.member_id == key)
    if where.statuses:
        query = query.where(c.status.in_([s.value for s in where.statuses]))
    return query


async def _fetch_event(ctx: Context, gid: GlobalId) -> Event | None:
    if ctx.principal is None:
        return None
    return await ctx.loader(EventByIdLoader).load(gid.row_key)


async def _fetch_registration(ctx: Context, gid: GlobalId) -> EventRegistration | None:
    return await ctx.loader(RegistrationByIdLoader).load(gid.row_key)


async def _fetch_session(ctx: Context, gid: GlobalId) -> Any:
    from resolvers.events.types import EventSession

    if ctx.principal is None:
        return None
    row = await ctx.db.first(*by_key(event_sessions, [gid.row_key]))
    return EventSession.from_row(row) if row else None


register_node("Event", _fetch_event, national=True)
register_node("EventSession", _fetch_session, national=True)
register_node("EventRegistration", _fetch_registration)


@strawberry.type
class Query:
    @strawberry.field(
        description="Events of the SHAs in scope, and every SHA's national events.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def events(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[EventFilter | None] = None,
        order_by: Annotated[
            EventOrder | None,
            strawberry.argument(description="Sort order (default by start time)."),
        ] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[Event]:
        ctx = info.context
        return await paginate(
            ctx.db,
            event_query(narrow_shas(ctx, shas), filter),
            event_ordering(order_by),
            page,
            Event.from_row,
        )

    @strawberry.field(
        description="One event by global id (national events of any SHA included).",
        permission_classes=[IsAuthenticated],
    )
    async def event(self, info: Info, id: GlobalIdArg) -> Event | None:
        return await _fetch_event(info.context, decode_id(id, "Event"))

    @strawberry.field(
        description="Registrations held by the SHAs in scope (each registration lives in its"
        " member's SHA), oldest first.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def event_registrations(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[RegistrationFilter | None] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[EventRegistration]:
        ctx = info.context
        c = event_registrations.c
        return await paginate(
            ctx.db,
            registration_query(narrow_shas(ctx, shas), filter),
            Ordering((c.seq, c.sha_code, c.id)),
            page,
            EventRegistration.from_row,
        )
