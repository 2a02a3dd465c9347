"""Vocabularies of events, shared by GraphQL types, validation and seed data."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="What kind of gathering an event is.")
class EventKind(Enum):
    CLINICAL_CONGRESS = "CLINICAL_CONGRESS"
    REGIONAL_MEETING = "REGIONAL_MEETING"
    WORKSHOP = "WORKSHOP"


@strawberry.enum(description="Who owns an event: its SHA, or the national team.")
class EventOwnership(Enum):
    SHA = "SHA"
    NATIONAL = "NATIONAL"


@strawberry.enum(description="Whether an event takes registrations.")
class EventStatus(Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


@strawberry.enum(description="Where a registration stands.")
class RegistrationStatus(Enum):
    CONFIRMED = "CONFIRMED"
    WAITLISTED = "WAITLISTED"
    CANCELLED = "CANCELLED"
