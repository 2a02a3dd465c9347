"""Vocabularies of evaluation."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Organisational measures tracked before and after CLN activity.")
class ImpactMeasureKind(Enum):
    CHOOSE_AND_BOOK_UPTAKE = "CHOOSE_AND_BOOK_UPTAKE"
    EIGHTEEN_WEEK_RTT = "EIGHTEEN_WEEK_RTT"
    MRSA_BACTERAEMIA_RATE = "MRSA_BACTERAEMIA_RATE"
    PATIENT_SATISFACTION = "PATIENT_SATISFACTION"
    EMERGENCY_ADMISSIONS = "EMERGENCY_ADMISSIONS"


PERCENT_MEASURES = {
    ImpactMeasureKind.CHOOSE_AND_BOOK_UPTAKE,
    ImpactMeasureKind.EIGHTEEN_WEEK_RTT,
    ImpactMeasureKind.PATIENT_SATISFACTION,
}
