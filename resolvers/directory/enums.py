"""Vocabularies of the directory, shared by GraphQL types, validation and seed data."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Kinds of organisation inside an SHA.")
class OrganisationType(Enum):
    PCT = "PCT"
    ACUTE_TRUST = "ACUTE_TRUST"
    MENTAL_HEALTH_TRUST = "MENTAL_HEALTH_TRUST"
    AMBULANCE_TRUST = "AMBULANCE_TRUST"
    FOUNDATION_TRUST = "FOUNDATION_TRUST"
    CARE_TRUST = "CARE_TRUST"
    GP_PRACTICE = "GP_PRACTICE"
    CCG = "CCG"
    SHA_DIRECTORATE = "SHA_DIRECTORATE"
    DEANERY = "DEANERY"
    ACADEMY = "ACADEMY"
    LOCAL_AUTHORITY = "LOCAL_AUTHORITY"
    INDEPENDENT_PROVIDER = "INDEPENDENT_PROVIDER"


@strawberry.enum(description="A member's profession; clinical ones carry a registration.")
class Profession(Enum):
    DOCTOR = "DOCTOR"
    GP = "GP"
    HOSPITAL_CONSULTANT = "HOSPITAL_CONSULTANT"
    NURSE = "NURSE"
    MIDWIFE = "MIDWIFE"
    ALLIED_HEALTH_PROFESSIONAL = "ALLIED_HEALTH_PROFESSIONAL"
    PHARMACIST = "PHARMACIST"
    MANAGER = "MANAGER"
    ADMINISTRATOR = "ADMINISTRATOR"


@strawberry.enum(description="Professional regulators whose registration numbers are checked.")
class RegistrationBody(Enum):
    GMC = "GMC"
    NMC = "NMC"
    HCPC = "HCPC"
    GPHC = "GPHC"


@strawberry.enum(description="Leadership roles a member holds.")
class MemberRole(Enum):
    MEDICAL_DIRECTOR = "MEDICAL_DIRECTOR"
    DIRECTOR_OF_NURSING = "DIRECTOR_OF_NURSING"
    CLINICAL_DIRECTOR = "CLINICAL_DIRECTOR"
    PEC_CHAIR = "PEC_CHAIR"
    PBC_LEAD = "PBC_LEAD"
    PATHWAY_LEAD = "PATHWAY_LEAD"
    CLINICAL_LEAD = "CLINICAL_LEAD"
    ASPIRING_CLINICAL_LEADER = "ASPIRING_CLINICAL_LEADER"
    SENIOR_CLINICAL_LEAD = "SENIOR_CLINICAL_LEAD"
    MANAGER = "MANAGER"


@strawberry.enum(description="Whether a member takes part in the network.")
class MemberStatus(Enum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    LEFT = "LEFT"


@strawberry.enum(description="Rollout status of an SHA.")
class ShaStatus(Enum):
    PLANNED = "planned"
    PILOT = "pilot"
    LIVE = "live"
    SUSPENDED = "suspended"
    RETIRED = "retired"


REGULATOR_OF: dict[Profession, RegistrationBody | None] = {
    Profession.DOCTOR: RegistrationBody.GMC,
    Profession.GP: RegistrationBody.GMC,
    Profession.HOSPITAL_CONSULTANT: RegistrationBody.GMC,
    Profession.NURSE: RegistrationBody.NMC,
    Profession.MIDWIFE: RegistrationBody.NMC,
    Profession.ALLIED_HEALTH_PROFESSIONAL: RegistrationBody.HCPC,
    Profession.PHARMACIST: RegistrationBody.GPHC,
    Profession.MANAGER: None,
    Profession.ADMINISTRATOR: None,
}
