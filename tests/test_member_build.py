"""`Member._from_columns` builds members without `Member(...)` (resolvers/directory/
types.py): each is the object the dataclass constructor builds from the same columns,
whole or with columns a page did not fetch."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import strawberry
from asyncpg.pgproto.pgproto import UUID as AsyncpgUUID

from resolvers.common.ids import encode_id
from resolvers.common.rows import UNFETCHED
from resolvers.directory.enums import MemberRole, MemberStatus, Profession
from resolvers.directory.types import Member

WHOLE = (
    "Q35",
    AsyncpgUUID(uuid.uuid4().bytes),
    AsyncpgUUID(uuid.uuid4().bytes),
    "Ada",
    "Lovelace",
    "ada@example.nhs.uk",
    Profession.DOCTOR.value,
    "GMC",
    "1234567",
    [MemberRole.CLINICAL_LEAD.value, MemberRole.PEC_CHAIR.value],
    dt.date(2008, 4, 1),
    MemberStatus.ACTIVE.value,
    dt.datetime(2008, 4, 1, 9, tzinfo=dt.UTC),
    dt.datetime(2009, 1, 2, 3, tzinfo=dt.UTC),
    False,  # contact_visible: her privacy choice (resolvers/directory/privacy.py)
)
# a wide page's row: no organisation, registration or created_at
WIDE = tuple(UNFETCHED if i in (2, 7, 8, 12) else value for i, value in enumerate(WHOLE))
# no email, no registration, no roles
BARE = tuple({5: None, 7: None, 8: None, 9: []}.get(i, value) for i, value in enumerate(WHOLE))


def _constructed(columns: tuple[Any, ...]) -> Member:
    """The member the dataclass constructor builds from `columns`."""
    (
        sha,
        db_id,
        org,
        given,
        family,
        email,
        prof,
        body,
        number,
        roles,
        joined,
        status,
        c,
        u,
        visible,
    ) = columns
    return Member(
        id=strawberry.ID(encode_id("Member", sha, db_id)),
        db_id=db_id,
        organisation_db_id=org,
        sha_code=sha,
        given_name=given,
        family_name=family,
        email_value=email,
        shares_contact=visible,
        profession=prof if prof is UNFETCHED else Profession(prof),
        registration_body=body,
        registration_number=number,
        roles=roles if roles is UNFETCHED else [MemberRole(r) for r in roles],
        joined_on=joined,
        status=status if status is UNFETCHED else MemberStatus(status),
        created_at=c,
        updated_at=u,
    )


def test_the_constructor_does_no_more_than_set_the_fields() -> None:
    # what _from_columns relies on to skip `Member(...)`
    assert Member.__new__ is object.__new__
    assert not hasattr(Member, "__post_init__")
    assert all(f.default_factory is dataclasses.MISSING for f in dataclasses.fields(Member))


def test_a_member_from_columns_is_the_constructed_one() -> None:
    for columns in (WHOLE, WIDE, BARE):
        built, expected = Member._from_columns(columns), _constructed(columns)
        assert type(built) is Member
        assert list(vars(built).items()) == list(vars(expected).items())
        assert built == expected
        for name, value in vars(expected).items():
            assert type(getattr(built, name)) is type(value), name
