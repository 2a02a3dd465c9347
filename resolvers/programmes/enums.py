"""Vocabularies of leadership programmes."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="What a programme develops.")
class ProgrammeKind(Enum):
    ASPIRING_LEADERS = "ASPIRING_LEADERS"
    LEADERSHIP_DEVELOPMENT = "LEADERSHIP_DEVELOPMENT"
    SENIOR_LEADS = "SENIOR_LEADS"
    OTHER = "OTHER"


@strawberry.enum(description="Where an application stands.")
class ApplicationStatus(Enum):
    SUBMITTED = "SUBMITTED"
    SELECTED = "SELECTED"
    RESERVE = "RESERVE"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


@strawberry.enum(description="A selection decision.")
class SelectionDecision(Enum):
    SELECTED = "SELECTED"
    RESERVE = "RESERVE"
    DECLINED = "DECLINED"


@strawberry.enum(description="How a participant finished the programme.")
class ProgrammeOutcome(Enum):
    COMPLETED = "COMPLETED"
    DID_NOT_COMPLETE = "DID_NOT_COMPLETE"


@strawberry.enum(description="Where a programme is in its year.")
class ProgrammePhase(Enum):
    APPLICATIONS_NOT_YET_OPEN = "APPLICATIONS_NOT_YET_OPEN"
    APPLICATIONS_OPEN = "APPLICATIONS_OPEN"
    SELECTION = "SELECTION"
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
