"""Event mutations. Each returns a union of its payload and the typed errors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.permissions import IsAuthenticated, require_roles
from auth.principal import Role
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.events import service
from resolvers.events.enums import EventKind, EventOwnership, EventStatus
from resolvers.events.types import Event, EventRegistration, EventSession

IsEventManager = require_roles(Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)


@strawberry.input(description="A speaker at an event.")
class EventSpeakerInput:
    name: str = strawberry.field(description="The speaker's name.")
    role: str | None = strawberry.field(default=None, description="Their role.")


@strawberry.input(description="A new event.")
class CreateEventInput:
    sha_code: str | None = strawberry.field(
        default=None, description="SHA that holds the event; may be left out if you write one."
    )
    title: str = strawberry.field(description="Title of the event.")
    kind: EventKind = strawberry.field(description="Congress, regional meeting or workshop.")
    starts_at: dt.datetime = strawberry.field(description="Start, with a UTC offset.")
    ends_at: dt.datetime = strawberry.field(description="End, after the start.")
    capacity: int = strawberry.field(description="Places that can be confirmed (1-10000).")
    venue: str | None = strawberry.field(default=None, description="Where it takes place.")
    is_national: bool = strawberry.field(default=False, description="Open to members of every SHA.")
    ownership: EventOwnership = strawberry.field(
        default=EventOwnership.SHA, description="NATIONAL needs a national lead."
    )
    description: str | None = strawberry.field(default=None, description="What it is about.")
    audience: str | None = strawberry.field(default=None, description="Who it is for.")
    speakers: list[EventSpeakerInput] | None = strawberry.field(
        default=None, description="Who speaks, in billing order (replaces the list)."
    )
    registration_closes_at: dt.datetime | None = strawberry.field(
        default=None, description="Registration deadline, not after the end (default: the start)."
    )


@strawberry.input(description="Changes to an event; omitted fields stay as they are.")
class UpdateEventInput:
    id: strawberry.ID = strawberry.field(description="The event.")
    title: str | None = strawberry.field(default=None, description="New title.")
    kind: EventKind | None = strawberry.field(default=None, description="New kind.")
    starts_at: dt.datetime | None = strawberry.field(default=None, description="New start.")
    ends_at: dt.datetime | None = strawberry.field(default=None, description="New end.")
    capacity: int | None = strawberry.field(
        default=None, description="New capacity; raising it promotes people who are waiting."
    )
    venue: str | None = strawberry.field(default=None, description="New venue.")
    is_national: bool | None = strawberry.field(default=None, description="Open to every SHA.")
    ownership: EventOwnership | None = strawberry.field(default=None, description="New owner.")
    status: EventStatus | None = strawberry.field(default=None, description="New status.")
    description: str | None = strawberry.field(default=None, description="What it is about.")
    audience: str | None = strawberry.field(default=None, description="Who it is for.")
    speakers: list[EventSpeakerInput] | None = strawberry.field(
        default=None, description="Who speaks, in billing order (replaces the list)."
    )
    registration_closes_at: dt.datetime | None = strawberry.field(
        default=None, description="Registration deadline, not after the end (default: the start)."
    )


@strawberry.input(description="A session in an event's programme.")
class AddEventSessionInput:
    event_id: strawberry.ID = strawberry.field(description="The event.")
    title: str = strawberry.field(description="Title of the session.")
    starts_at: dt.datetime = strawberry.field(description="Start, within the event.")
    ends_at: dt.datetime = strawberry.field(description="End, within the event.")
    room: str | None = strawberry.field(default=None, description="Room or track.")


@strawberry.input(description="Register a member for an event.")
class RegisterForEventInput:
    event_id: strawberry.ID = strawberry.field(description="The event.")
    member_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The member; left out means the caller. Others need an SHA admin.",
    )


@strawberry.input(description="Cancel a registration.")
class CancelEventRegistrationInput:
    id: strawberry.ID = strawberry.field(description="The registration.")


@strawberry.type(description="The event as saved.")
class EventPayload:
    event: Event = strawberry.field(description="The event.")


@strawberry.type(description="The session as saved.")
class EventSessionPayload:
    session: EventSession = strawberry.field(description="The session.")


@strawberry.type(description="The registration: confirmed, or waiting for a place.")
class EventRegistrationPayload:
    registration: EventRegistration = strawberry.field(description="The registration.")


@strawberry.type(description="The cancelled registration and who moved up.")
class CancelEventRegistrationPayload:
    registration: EventRegistration = strawberry.field(description="The cancelled registration.")
    promoted_count: int = strawberry.field(
        description="Waiting registrations (of any SHA) confirmed because a place came free."
    )


Errors = ValidationError | NotFoundError | ForbiddenError | ConflictError
EventResult = Annotated[
    EventPayload | Errors, strawberry.union("EventResult", description="Saved event or why not.")
]
EventSessionResult = Annotated[
    EventSessionPayload | Errors,
    strawberry.union("EventSessionResult", description="Saved session or why not."),
]
EventRegistrationResult = Annotated[
    EventRegistrationPayload | Errors,
    strawberry.union("EventRegistrationResult", description="Registration or why not."),
]
CancelEventRegistrationResult = Annotated[
    CancelEventRegistrationPayload | Errors,
    strawberry.union("CancelEventRegistrationResult", description="Cancellation or why not."),
]


def _changes(data: CreateEventInput | UpdateEventInput) -> service.EventChanges:
    return service.EventChanges(
        title=data.title,
        kind=data.kind,
        ownership=data.ownership,
        is_national=data.is_national,
        venue=data.venue,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        capacity=data.capacity,
        status=getattr(data, "status", None),
        description=data.description,
        audience=data.audience,
        speakers=None if data.speakers is None else [(sp.name, sp.role) for sp in data.speakers],
        registration_closes_at=data.registration_closes_at,
    )


@strawberry.input(description="Check a registrant in at the event.")
class CheckInInput:
    registration_id: strawberry.ID = strawberry.field(description="The confirmed registration.")


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create an event; a nationally owned one needs a national lead.",
        permission_classes=[IsEventManager],
    )
    async def create_event(
        self,
        info: Info,
        input: Annotated[
            CreateEventInput,
            strawberry.argument(
                description="The event: owning SHA, title, kind, times, venue, capacity and whether it is national."
            ),
        ],
    ) -> EventResult:
        async def act() -> EventPayload:
            event = await service.create_event(info.context, input.sha_code, _changes(input))
            return EventPayload(event=event)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Change an event (only its SHA's admins, or national leads if nationally"
        " owned).",
        permission_classes=[IsEventManager],
    )
    async def update_event(
        self,
        info: Info,
        input: Annotated[
            UpdateEventInput,
            strawberry.argument(
                description="The event's id and the fields to change; fields left out keep their value."
            ),
        ],
    ) -> EventResult:
        async def act() -> EventPayload:
            event = await service.update_event(info.context, input.id, _changes(input))
            return EventPayload(event=event)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Add a session to an event's programme.", permission_classes=[IsEventManager]
    )
    async def add_event_session(
        self,
        info: Info,
        input: Annotated[
            AddEventSessionInput,
            strawberry.argument(
                description="The event's id and the session's title, times and room."
            ),
        ],
    ) -> EventSessionResult:
        async def act() -> EventSessionPayload:
            session = await service.add_session(
                info.context,
                input.event_id,
                input.title,
                input.room,
                input.starts_at,
                input.ends_at,
            )
            return EventSessionPayload(session=session)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Register for an event: confirmed while places last, then waiting in order.",
        permission_classes=[IsAuthenticated],
    )
    async def register_for_event(
        self,
        info: Info,
        input: Annotated[
            RegisterForEventInput,
            strawberry.argument(
                description="The event's id and the member to register (default yourself)."
            ),
        ],
    ) -> EventRegistrationResult:
        async def act() -> EventRegistrationPayload:
            registration = await service.register(info.context, input.event_id, input.member_id)
            return EventRegistrationPayload(registration=registration)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Cancel a registration; the next person waiting (of any SHA) is confirmed.",
        permission_classes=[IsAuthenticated],
    )
    async def cancel_event_registration(
        self,
        info: Info,
        input: Annotated[
            CancelEventRegistrationInput, strawberry.argument(description="The registration's id.")
        ],
    ) -> CancelEventRegistrationResult:
        async def act() -> CancelEventRegistrationPayload:
            registration, promoted = await service.cancel(info.context, input.id)
            return CancelEventRegistrationPayload(
                registration=registration, promoted_count=promoted
            )

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Check a confirmed registrant in at the event (the member at the door, or"
        " an admin of the member's SHA); from 2 hours before the start until the end.",
        permission_classes=[IsAuthenticated],
    )
    async def check_in_to_event(
        self,
        info: Info,
        input: Annotated[CheckInInput, strawberry.argument(description="The registration.")],
    ) -> EventRegistrationResult:
        async def act() -> EventRegistrationPayload:
            registration = await service.check_in(info.context, input.registration_id)
            return EventRegistrationPayload(registration=registration)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
