"""Vocabularies of the network map. The policy-area list is the reference vocabulary
(a fixed enum, mirrored by a CHECK in migration 0200); SHA-specific additions belong
to the Engagement Escalator's table when the two are unified."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="How a clinical network is organised.")
class NetworkKind(Enum):
    FORMAL_MANAGED = "FORMAL_MANAGED"
    COMMUNITY_OF_INTEREST = "COMMUNITY_OF_INTEREST"
    ROLE_NETWORK = "ROLE_NETWORK"


@strawberry.enum(description="The clinical area a network covers.")
class ClinicalArea(Enum):
    CARDIAC = "CARDIAC"
    CANCER = "CANCER"
    STROKE = "STROKE"
    MATERNITY = "MATERNITY"
    CHILDREN = "CHILDREN"
    CRITICAL_CARE = "CRITICAL_CARE"
    DIABETES = "DIABETES"
    RENAL = "RENAL"
    RESPIRATORY = "RESPIRATORY"
    MENTAL_HEALTH = "MENTAL_HEALTH"
    END_OF_LIFE = "END_OF_LIFE"
    PRIMARY_CARE = "PRIMARY_CARE"
    CROSS_CUTTING = "CROSS_CUTTING"


@strawberry.enum(
    name="NetworkPolicyArea",
    description="National policy areas a network can serve (reference vocabulary).",
)
class PolicyArea(Enum):
    EIGHTEEN_WEEKS = "EIGHTEEN_WEEKS"
    PRACTICE_BASED_COMMISSIONING = "PRACTICE_BASED_COMMISSIONING"
    HEALTHCARE_ACQUIRED_INFECTION = "HEALTHCARE_ACQUIRED_INFECTION"
    PAY_FOR_QUALITY = "PAY_FOR_QUALITY"
    CHOOSE_AND_BOOK = "CHOOSE_AND_BOOK"
    PATIENT_SAFETY = "PATIENT_SAFETY"
    MATERNITY_SERVICES = "MATERNITY_SERVICES"
    YOUNG_PEOPLES_SERVICES = "YOUNG_PEOPLES_SERVICES"
    LONG_TERM_CONDITIONS = "LONG_TERM_CONDITIONS"
    END_OF_LIFE_CARE = "END_OF_LIFE_CARE"
    URGENT_AND_EMERGENCY_CARE = "URGENT_AND_EMERGENCY_CARE"
    MENTAL_HEALTH_SERVICES = "MENTAL_HEALTH_SERVICES"


@strawberry.enum(description="A member's role inside one network.")
class NetworkRole(Enum):
    CHAIR = "CHAIR"
    CLINICAL_LEAD = "CLINICAL_LEAD"
    MANAGER = "MANAGER"
    MEMBER = "MEMBER"
    SECRETARIAT = "SECRETARIAT"


@strawberry.enum(description="Kinds of body outside the NHS organisations a network links to.")
class OutsideBodyKind(Enum):
    REGULATOR = "REGULATOR"
    ROYAL_COLLEGE = "ROYAL_COLLEGE"
    LOCAL_AUTHORITY = "LOCAL_AUTHORITY"
    SOCIAL_SERVICES = "SOCIAL_SERVICES"
    PATIENT_GROUP = "PATIENT_GROUP"
    OTHER = "OTHER"


def sql_list(enum: type[Enum]) -> str:
    """`'A', 'B'` for a CHECK constraint, so the database holds the same vocabulary."""
    return ", ".join(f"'{m.value}'" for m in enum)
