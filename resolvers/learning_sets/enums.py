"""Vocabularies and size rules of action learning sets."""

from __future__ import annotations

from enum import Enum

import strawberry

MAX_MISSED_LAST = 24


@strawberry.enum(description="What a set is organised around.")
class FocusKind(Enum):
    CARE_PATHWAY = "CARE_PATHWAY"
    PRIORITY = "PRIORITY"


@strawberry.enum(description="Whether a set still meets.")
class LearningSetStatus(Enum):
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


@strawberry.enum(description="A member's part in a set.")
class SetRole(Enum):
    PARTICIPANT = "PARTICIPANT"
    FACILITATOR = "FACILITATOR"


@strawberry.enum(
    description="How a set's size compares with its SHA's size rule (setMinMembers-setMaxMembers)."
)
class SetSize(Enum):
    BELOW_MINIMUM = "BELOW_MINIMUM"
    WITHIN_RANGE = "WITHIN_RANGE"
    FULL = "FULL"


@strawberry.enum(description="Where a meeting stands.")
class MeetingStatus(Enum):
    SCHEDULED = "SCHEDULED"
    HELD = "HELD"
    CANCELLED = "CANCELLED"


@strawberry.enum(description="A member's attendance at one meeting.")
class AttendanceStatus(Enum):
    ATTENDED = "ATTENDED"
    APOLOGIES = "APOLOGIES"
    ABSENT = "ABSENT"


@strawberry.enum(description="Progress of a service-reform action.")
class ActionStatus(Enum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    DROPPED = "DROPPED"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)
