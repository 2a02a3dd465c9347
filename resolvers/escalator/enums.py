"""Vocabularies of the Engagement Escalator."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(
    description="The four levels of the North West Engagement Escalator, climbed in order."
)
class EscalatorLevel(Enum):
    AWARENESS_RAISING = 1
    CLINICAL_INVOLVEMENT = 2
    DISSEMINATION = 3
    ACCEPTANCE_AND_ADOPTION = 4


@strawberry.enum(description="Whether a clinical engagement plan is still monitored.")
class PlanStatus(Enum):
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


@strawberry.enum(description="Why an organisation is flagged for early support.")
class SupportReason(Enum):
    STALLED = "STALLED"
    FELL_BACK = "FELL_BACK"
    OVERDUE_PLAN = "OVERDUE_PLAN"
