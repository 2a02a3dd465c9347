"""Vocabularies of the network map. Policy areas are not here: networks use the
Engagement Escalator's vocabulary (national areas plus those an SHA adds), see
`resolvers/networks/policy_areas.py` and migration 0820."""

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
