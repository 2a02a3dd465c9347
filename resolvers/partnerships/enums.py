"""Vocabularies of shared leadership."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Where a clinician-manager partnership sits.")
class PartnershipLevel(Enum):
    ORGANISATION = "ORGANISATION"
    DIRECTORATE = "DIRECTORATE"


@strawberry.enum(description="Kinds of interest a lead declares (NHS conflicts of interest).")
class InterestType(Enum):
    FINANCIAL = "FINANCIAL"
    NON_FINANCIAL_PROFESSIONAL = "NON_FINANCIAL_PROFESSIONAL"
    NON_FINANCIAL_PERSONAL = "NON_FINANCIAL_PERSONAL"
    INDIRECT = "INDIRECT"
