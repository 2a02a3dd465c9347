"""SHA codes: validated before they reach SQL, because the Citus form quotes them as literals."""

from __future__ import annotations

import re

SHA_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{2}$")

SEEDED_SHAS: dict[str, str] = {
    "Q30": "North East",
    "Q31": "North West",
    "Q32": "Yorkshire and the Humber",
    "Q33": "East Midlands",
    "Q34": "West Midlands",
    "Q35": "East of England",
    "Q36": "London",
    "Q37": "South East Coast",
    "Q38": "South Central",
    "Q39": "South West",
}


class InvalidShaCode(ValueError):
    """A value that is not a well-formed SHA code (three characters, upper case)."""


def validate_sha_code(code: str) -> str:
    normalised = code.strip().upper()
    if not SHA_CODE_RE.match(normalised):
        raise InvalidShaCode(f"{code!r} is not an SHA code (expected e.g. Q31)")
    return normalised
