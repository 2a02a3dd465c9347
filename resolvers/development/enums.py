"""Vocabularies of leadership development, shared by GraphQL types and validation."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="How a leadership programme is delivered.")
class ProgrammeFormat(Enum):
    WORKSHOP = "WORKSHOP"
    COURSE = "COURSE"
    COACHING = "COACHING"
    MENTORING = "MENTORING"
    ACTION_LEARNING = "ACTION_LEARNING"
    E_LEARNING = "E_LEARNING"
    MASTERS = "MASTERS"
    SECONDMENT = "SECONDMENT"


@strawberry.enum(description="Who can pay for a programme place.")
class FundingSource(Enum):
    SHA = "SHA"
    DEANERY = "DEANERY"
    EMPLOYER = "EMPLOYER"
    NHS_INSTITUTE = "NHS_INSTITUTE"
    ROYAL_COLLEGE = "ROYAL_COLLEGE"
    CHARITY = "CHARITY"
    SELF_FUNDED = "SELF_FUNDED"
