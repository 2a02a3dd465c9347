"""The scope vocabulary partners are granted (documented in docs/identity.md).

`<area>:read` reads an area in the SHAs the agreement names; `<area>:write`
also writes there. `national:read` reads cross-region aggregates;
`directory:contact` reads members' personal data. The areas, and so the scopes, are
defined once, in auth/areas.py (docs/identity.md lists them; a test checks that the
code, the token endpoint and the docs agree). A token
request may narrow the SHAs with `sha:<code>` scope values; those are not
scopes of the token, they pick the regions it carries.
"""

from __future__ import annotations

from collections.abc import Iterable

from auth.areas import read_scopes, write_scopes

SCOPES: dict[str, str] = dict(sorted({**read_scopes(), **write_scopes()}.items()))
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
