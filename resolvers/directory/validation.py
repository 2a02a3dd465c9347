"""Format checks for ODS-style organisation codes and professional registrations."""

from __future__ import annotations

import re

from resolvers.common.errors import FieldProblem
from resolvers.directory.enums import REGULATOR_OF, OrganisationType, Profession, RegistrationBody

ODS_PATTERNS: dict[OrganisationType, tuple[re.Pattern[str], str]] = {
    OrganisationType.PCT: (
        re.compile(r"^5[A-Z0-9]{2}$"),
        "a PCT code is 5 and two characters, e.g. 5NL",
    ),
    OrganisationType.CARE_TRUST: (
        re.compile(r"^T[A-Z0-9]{2}$"),
        "a care trust code is T and two characters, e.g. TAK",
    ),
    OrganisationType.GP_PRACTICE: (
        re.compile(r"^[A-Z][0-9]{5}$"),
        "a GP practice code is a letter and five digits, e.g. P84001",
    ),
    OrganisationType.CCG: (
        re.compile(r"^[0-9]{2}[A-Z]$"),
        "a CCG code is two digits and a letter, e.g. 01C",
    ),
}
for _trust in (
    OrganisationType.ACUTE_TRUST,
    OrganisationType.MENTAL_HEALTH_TRUST,
    OrganisationType.AMBULANCE_TRUST,
    OrganisationType.FOUNDATION_TRUST,
):
    ODS_PATTERNS[_trust] = (
        re.compile(r"^R[A-Z0-9]{2}$"),
        "an NHS trust code is R and two characters, e.g. RBT",
    )
OTHER_PATTERN = (re.compile(r"^[A-Z0-9]{3,8}$"), "a code is 3 to 8 upper-case letters or digits")

REGISTRATION_PATTERNS: dict[RegistrationBody, tuple[re.Pattern[str], str]] = {
    RegistrationBody.GMC: (re.compile(r"^[0-9]{7}$"), "a GMC number is 7 digits"),
    RegistrationBody.NMC: (
        re.compile(r"^[0-9]{2}[A-Z][0-9]{4}[A-Z]$"),
        "an NMC PIN looks like 01A2345N",
    ),
    RegistrationBody.HCPC: (
        re.compile(r"^(AS|CH|CS|DT|HAD|OD|ODP|OT|PA|PH|PO|PYL|RA|SL|BS|PS)[0-9]{5,6}$"),
        "an HCPC number is a profession prefix and digits, e.g. PH123456",
    ),
    RegistrationBody.GPHC: (re.compile(r"^[0-9]{7}$"), "a GPhC number is 7 digits"),
}


def check_org_code(
    code: str, org_type: OrganisationType, field: str = "code"
) -> list[FieldProblem]:
    pattern, explanation = ODS_PATTERNS.get(org_type, OTHER_PATTERN)
    if not pattern.match(code):
        return [FieldProblem(field, f"{code!r} is not valid for {org_type.value}: {explanation}")]
    return []


def check_registration(
    profession: Profession, body: RegistrationBody | None, number: str | None
) -> list[FieldProblem]:
    expected = REGULATOR_OF[profession]
    if expected is None:
        if body is not None or number:
            return [FieldProblem("registration", f"{profession.value} carries no registration")]
        return []
    if body is None or not number:
        return [
            FieldProblem(
                "registration", f"{profession.value} needs a {expected.value} registration"
            )
        ]
    if body != expected:
        return [
            FieldProblem(
                "registration.body", f"{profession.value} is registered with {expected.value}"
            )
        ]
    pattern, explanation = REGISTRATION_PATTERNS[body]
    if not pattern.match(number):
        return [FieldProblem("registration.number", f"{number!r} is not valid: {explanation}")]
    return []


def check_text(value: str | None, field: str, *, max_length: int = 100) -> list[FieldProblem]:
    if value is None:
        return []
    if not value.strip():
        return [FieldProblem(field, "must not be blank")]
    if len(value) > max_length:
        return [FieldProblem(field, f"must be at most {max_length} characters")]
    return []


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(value: str | None) -> list[FieldProblem]:
    if value is not None and not EMAIL.match(value):
        return [FieldProblem("email", "is not an email address")]
    return []
