"""The scope vocabulary partners are granted (documented in docs/identity.md).

`<area>:read` reads an area in the SHAs the agreement names; `<area>:write`
also writes there. `national:read` reads cross-region aggregates. A token
request may narrow the SHAs with `sha:<code>` scope values; those are not
scopes of the token, they pick the regions it carries.
"""

from __future__ import annotations

from collections.abc import Iterable

SCOPES: dict[str, str] = {
    "directory:read": "Read organisations and members of the granted SHAs.",
    "directory:contact": "See members' contact details and registration numbers (personal data).",
    "directory:write": "Create and change organisations and members of the granted SHAs.",
    "escalator:read": "Read Engagement Escalator assessments and engagement plans.",
    "escalator:write": "Record Engagement Escalator assessments.",
    "knowledge:read": "Read case studies, podcasts and resources.",
    "knowledge:write": "Publish case studies and resources.",
    "events:read": "Read Clinical Congress events and sessions.",
    "development:read": "Read the leadership development directory and aggregate gaps.",
    "national:read": "Read national aggregates across the granted SHAs.",
}
SHA_SCOPE_PREFIX = "sha:"


class UnknownScope(ValueError):
    """A scope outside the vocabulary."""


def validate_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes, de-duplicated and sorted; raises UnknownScope for any outside the vocabulary."""
    result = sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in result if s not in SCOPES]
    if unknown:
        raise UnknownScope(f"unknown scope {', '.join(unknown)}")
    return result


def grants_write(scopes: Iterable[str]) -> bool:
    """Whether any scope lets the partner write (in the SHAs it reaches)."""
    return any(s.endswith(":write") for s in scopes)
