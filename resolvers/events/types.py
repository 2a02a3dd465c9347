"""GraphQL types of events. Leaf fields are plain attributes; relations go through
per-request DataLoaders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.federation import GlobalIdEntity
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.relations import related
from resolvers.directory.types import Member
from resolvers.events.enums import EventKind, EventOwnership, EventStatus, RegistrationStatus
from resolvers.events.status import derived_status, registration_closes


@strawberry.type(description="A session in an event's programme.")
class EventSession(Node):
    sha_code: str = strawberry.field(description="The SHA that owns the event.")
    title: str = strawberry.field(description="Title of the session.")
    room: str | None = strawberry.field(description="Room or track, if known.")
    starts_at: dt.datetime = strawberry.field(description="When the session starts.")
    ends_at: dt.datetime = strawberry.field(description="When the session ends.")
    event_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> EventSession:
        return cls(
            id=strawberry.ID(encode_id("EventSession", row.sha_code, row.id)),
            sha_code=row.sha_code,
            title=row.title,
            room=row.room,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            event_db_id=row.event_id,
        )

    @strawberry.field(description="The event this session belongs to.")
    async def event(self, info: Info) -> Event | None:

        return await related(info.context, "EventByIdLoader").load(
            (self.sha_code, self.event_db_id)
        )


@strawberry.federation.type(
    keys=["id"],
    description="An event: the annual Clinical Congress, a regional meeting or a workshop."
    " National events are visible and open to members of every SHA.",
)
class Event(Node, GlobalIdEntity):
    sha_code: str = strawberry.field(description="The SHA whose partition holds the event.")
    title: str = strawberry.field(description="Title of the event.")
    kind: EventKind = strawberry.field(description="Congress, regional meeting or workshop.")
    ownership: EventOwnership = strawberry.field(
        description="SHA: changed by its SHA's admins; NATIONAL: only by national leads."
    )
    is_national: bool = strawberry.field(description="Open to members of every SHA.")
    venue: str | None = strawberry.field(description="Where it takes place.")
    starts_at: dt.datetime = strawberry.field(description="When it starts.")
    ends_at: dt.datetime = strawberry.field(description="When it ends.")
    capacity: int = strawberry.field(description="Places that can be confirmed.")
    confirmed_count: int = strawberry.field(
        description="Confirmed places across every SHA (a counter kept under the event lock)."
    )
    waitlist_count: int = strawberry.field(description="People waiting, across every SHA.")
    status: EventStatus = strawberry.field(
        description="Whether it takes registrations: CLOSED from the registration deadline on,"
        " CANCELLED if the organisers cancelled it."
    )
    created_at: dt.datetime = strawberry.field(description="When the event was created.")
    description: str | None = strawberry.field(description="What the event is about.")
    audience: str | None = strawberry.field(
        description="Who it is for, e.g. 'GPs and PBC leads of the North West'."
    )
    speakers: list[EventSpeaker] = strawberry.field(description="Who speaks, in billing order.")
    registration_closes_at: dt.datetime = strawberry.field(
        description="Registration deadline (by default when the event starts)."
    )
    attended_count: int = strawberry.field(
        description="Registrants checked in, across every SHA (what the dashboard counts)."
    )
    is_public: bool = strawberry.field(
        description="Shown on the regional portals to visitors with no token (setEventPublic)."
    )
    db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> Event:
        return cls(
            id=strawberry.ID(encode_id("Event", row.sha_code, row.id)),
            db_id=row.id,
            sha_code=row.sha_code,
            title=row.title,
            kind=EventKind(row.kind),
            ownership=EventOwnership(row.ownership),
            is_national=row.is_national,
            venue=row.venue,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            capacity=row.capacity,
            confirmed_count=row.confirmed_count,
            waitlist_count=row.waitlist_count,
            status=derived_status(
                row.status, row.registration_closes_at, row.starts_at, dt.datetime.now(dt.UTC)
            ),
            created_at=row.created_at,
            description=row.description,
            audience=row.audience,
            speakers=[EventSpeaker(name=sp["name"], role=sp.get("role")) for sp in row.speakers],
            registration_closes_at=registration_closes(row.registration_closes_at, row.starts_at),
            attended_count=row.attended_count,
            is_public=row.is_public,
        )

    @strawberry.field(description="Places still free.")
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @strawberry.field(description="The programme, in time order.")
    async def sessions(self, info: Info) -> list[EventSession]:

        return await related(info.context, "SessionsByEventLoader").load(
            (self.sha_code, self.db_id)
        )


@strawberry.type(description="A speaker at an event.")
class EventSpeaker:
    name: str = strawberry.field(description="The speaker's name.")
    role: str | None = strawberry.field(
        description="Their role, e.g. 'National Clinical Director'."
    )


@strawberry.type(
    description="A member's registration for an event; it belongs to the member's SHA,"
    " even when the event is a national one held by another SHA."
)
class EventRegistration(Node):
    sha_code: str = strawberry.field(description="The member's SHA, which owns this row.")
    event_sha_code: str = strawberry.field(description="The SHA that holds the event.")
    status: RegistrationStatus = strawberry.field(description="Confirmed, waiting or cancelled.")
    sequence: int = strawberry.field(
        description="Order of registration for the event across every SHA (1 = first)."
    )
    registered_at: dt.datetime = strawberry.field(description="When the member registered.")
    promoted_at: dt.datetime | None = strawberry.field(
        description="When a waiting registration was confirmed because a place came free."
    )
    cancelled_at: dt.datetime | None = strawberry.field(description="When it was cancelled.")
    checked_in_at: dt.datetime | None = strawberry.field(
        description="When the member was checked in at the event (null: not yet, or absent)."
    )
    db_id: strawberry.Private[Any]
    member_db_id: strawberry.Private[Any]
    event_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> EventRegistration:
        return cls(
            id=strawberry.ID(encode_id("EventRegistration", row.sha_code, row.id)),
            db_id=row.id,
            member_db_id=row.member_id,
            event_db_id=row.event_id,
            sha_code=row.sha_code,
            event_sha_code=row.event_sha_code,
            status=RegistrationStatus(row.status),
            sequence=row.seq,
            registered_at=row.registered_at,
            promoted_at=row.promoted_at,
            cancelled_at=row.cancelled_at,
            checked_in_at=row.checked_in_at,
        )

    @strawberry.field(description="The member who registered.")
    async def member(self, info: Info) -> Member | None:

        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.member_db_id)
        )

    @strawberry.field(description="The event registered for.")
    async def event(self, info: Info) -> Event | None:

        return await related(info.context, "EventByIdLoader").load(
            (self.event_sha_code, self.event_db_id)
        )

    @strawberry.field(
        description="Place in the waiting list across every SHA (1 = next); null unless waiting."
    )
    async def waitlist_position(self, info: Info) -> int | None:
        if self.status != RegistrationStatus.WAITLISTED:
            return None

        return await related(info.context, "WaitlistPositionLoader").load(
            (self.sha_code, self.db_id)
        )
