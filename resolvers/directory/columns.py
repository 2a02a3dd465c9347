"""The member columns a members page fetches: only those its selected fields read.

A wide page shows ten fields of 500 members. Fetching whole rows decoded four more
columns a row that no field showed (the organisation id, the registration's two, and
`created_at`, a timestamptz). Here each field of Member names the columns it reads;
the page fetches those, the key (`sha_code`, `id`) and its sort columns (cursors).

A field not named in FIELD_COLUMNS (one added to Member later) makes the page fetch
every column, as before. A Member built from a page holds UNFETCHED for a column its
statement did not fetch, which no GraphQL type coerces, so a wrong entry here would
fail loudly, never answer null. `tests/test_member_columns.py` selects every field of
Member on its own from a page and compares it with the member fetched whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import SelectedField

from resolvers.common.pagination import Ordering
from resolvers.directory.tables import members

KEY = ("sha_code", "id")  # the global id, loader keys and relations
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": (),
    "shaCode": (),
    "givenName": ("given_name",),
    "familyName": ("family_name",),
    "displayName": ("given_name", "family_name"),
    "email": ("email", "contact_visible"),
    "profession": ("profession",),
    "roles": ("roles",),
    "joinedOn": ("joined_on",),
    "status": ("status",),
    "createdAt": ("created_at",),
    "updatedAt": ("updated_at",),
    "registration": ("registration_body", "registration_number", "contact_visible"),
    "sha": (),
    "organisation": ("organisation_id",),
    "networks": (),
    "contactVisible": ("contact_visible",),
    "phone": ("contact_visible",),
    "jobTitle": (),
    "biography": (),
    "interests": (),
}


def member_columns(selected: Iterable[SelectedField], ordering: Ordering) -> list[Any] | None:
    """The columns for a page whose nodes select `selected`, in the table's order, or
    None for every column (a field not known here)."""
    needed = {*KEY, *(column.name for column in ordering.columns)}
    for field in selected:
        columns = FIELD_COLUMNS.get(field.name)
        if columns is None:
            return None
        needed.update(columns)
    return [column for column in members.c if column.name in needed]
