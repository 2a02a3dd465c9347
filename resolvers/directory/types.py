"""GraphQL types of the directory. Leaf fields are plain attributes; only relations
have resolvers, and those go through per-request DataLoaders."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.enums import by_value
from resolvers.common.federation import GlobalIdEntity
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.pagination import WindowFirst, check_window
from resolvers.common.relations import related
from resolvers.common.rows import UNFETCHED, Columns
from resolvers.directory.enums import (
    MemberRole,
    MemberStatus,
    OrganisationType,
    Profession,
    RegistrationBody,
    ShaStatus,
)
from resolvers.directory.privacy import may_see_contact
from tenants.registry import ShaRecord

if TYPE_CHECKING:
    from resolvers.networks.types import NetworkMembership


MEMBER_NETWORKS_WINDOW = 5  # `Member.networks(first:)` when not given

_PROFESSIONS = by_value(Profession)
_ROLES = by_value(MemberRole)
_STATUSES = by_value(MemberStatus)
_ORGANISATION_TYPES = by_value(OrganisationType)
_BODIES = by_value(RegistrationBody)
# a member's columns, by name (resolvers/common/rows.py)
_MEMBER_COLUMNS = Columns(
    "sha_code",
    "id",
    "organisation_id",
    "given_name",
    "family_name",
    "email",
    "profession",
    "registration_body",
    "registration_number",
    "roles",
    "joined_on",
    "status",
    "created_at",
    "updated_at",
    "contact_visible",
    missing=UNFETCHED,  # a page fetches only the columns its fields read (columns.py)
)


@functools.cache
def _organisation_columns(prefix: str) -> Columns:
    """An organisation's columns, under `prefix` when joined into a member's row."""
    names = ("sha_code", "id", "code", "name", "type", "created_at", "updated_at")
    return Columns(*(prefix + name for name in names))


@strawberry.type(description="A change of an SHA's rollout status.")
class StatusChange:
    status: ShaStatus = strawberry.field(description="Status entered.")
    changed_at: dt.datetime = strawberry.field(description="When it changed.")
    changed_by: str = strawberry.field(description="Who changed it (user or system).")
    note: str | None = strawberry.field(description="Why, if recorded.")


@strawberry.federation.type(
    keys=["id"], description="A Strategic Health Authority: one region of the network, one tenant."
)
class Sha(Node, GlobalIdEntity):
    code: str = strawberry.field(description="ODS code, Q30..Q39 for the ten SHAs of 2006-2013.")
    name: str = strawberry.field(description="Full name, e.g. North West.")
    status: ShaStatus = strawberry.field(description="Current rollout status.")
    status_changed_at: dt.datetime | None = strawberry.field(
        description="When the current status began."
    )

    @classmethod
    def from_record(cls, record: ShaRecord) -> Sha:
        return cls(
            id=strawberry.ID(encode_id("Sha", record.code, record.code)),
            code=record.code,
            name=record.name,
            status=ShaStatus(record.status.value),
            status_changed_at=record.status_changed_at,
        )

    @strawberry.field(description="Every rollout status change, oldest first.")
    async def status_history(self, info: Info) -> list[StatusChange]:
        return await related(info.context, "StatusHistoryByShaLoader").load(self.code)

    @strawberry.field(description="Members of this SHA visible to the caller.")
    async def member_count(self, info: Info) -> int:
        return await related(info.context, "MemberCountByShaLoader").load(self.code)

    @strawberry.field(description="Organisations of this SHA visible to the caller.")
    async def organisation_count(self, info: Info) -> int:
        return await related(info.context, "OrganisationCountByShaLoader").load(self.code)


@strawberry.federation.type(
    keys=["id"], description="An NHS or partner organisation inside an SHA."
)
class Organisation(Node, GlobalIdEntity):
    sha_code: str = strawberry.field(description="The SHA that owns this row.")
    code: str = strawberry.field(description="ODS-style code, checked against the type.")
    name: str = strawberry.field(description="Display name.")
    type: OrganisationType = strawberry.field(description="Kind of organisation.")
    created_at: dt.datetime = strawberry.field(description="When the row was created.")
    updated_at: dt.datetime = strawberry.field(description="When the row last changed.")
    db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any, prefix: str = "") -> Organisation:
        """From a row, its columns named `<prefix><column>` (joined rows)."""
        return cls.from_columns(_organisation_columns(prefix)(row))

    @classmethod
    def from_joined_rows(cls, rows: Sequence[Any], prefix: str) -> list[Organisation | None]:
        """The organisation outer-joined into each row of one statement's result, under
        `prefix`; None where the row has none."""
        return [
            None if columns[1] is None else cls.from_columns(columns)
            for columns in _organisation_columns(prefix).each(rows)
        ]

    @classmethod
    def from_columns(cls, columns: tuple[Any, ...]) -> Organisation:
        """An organisation from its columns in `_organisation_columns` order."""
        sha_code, db_id, code, name, type_, created_at, updated_at = columns
        return cls(
            id=strawberry.ID(encode_id("Organisation", sha_code, db_id)),
            db_id=db_id,
            sha_code=sha_code,
            code=code,
            name=name,
            type=_ORGANISATION_TYPES(type_),
            created_at=created_at,
            updated_at=updated_at,
        )

    @strawberry.field(description="The SHA this organisation belongs to.")
    def sha(self, info: Info) -> Sha | None:
        record = info.context.shas.get(self.sha_code)
        return Sha.from_record(record) if record else None

    @strawberry.field(description="Number of members in this organisation.")
    async def member_count(self, info: Info) -> int:
        return await related(info.context, "MemberCountByOrganisationLoader").load(
            (self.sha_code, self.db_id)
        )


@strawberry.type(description="A professional registration, checked by format.")
class Registration:
    body: RegistrationBody = strawberry.field(description="The regulator that holds the register.")
    number: str = strawberry.field(description="Registration number (GMC, NMC PIN, HCPC, GPhC).")


@strawberry.federation.type(keys=["id"], description="A clinician or manager in the network.")
class Member(Node, GlobalIdEntity):
    sha_code: str = strawberry.field(description="The member's home SHA.")
    given_name: str = strawberry.field(description="Given name.")
    family_name: str = strawberry.field(description="Family name.")
    profession: Profession = strawberry.field(description="Professional group.")
    roles: list[MemberRole] = strawberry.field(description="Roles held in the network.")
    joined_on: dt.date = strawberry.field(description="Date the member joined.")
    status: MemberStatus = strawberry.field(description="Membership status.")
    created_at: dt.datetime = strawberry.field(description="When the row was created.")
    updated_at: dt.datetime = strawberry.field(description="When the row last changed.")
    db_id: strawberry.Private[Any]
    organisation_db_id: strawberry.Private[Any]
    # built into a Registration only when selected: a wide page builds 500 members
    registration_body: strawberry.Private[str | None]
    registration_number: strawberry.Private[str | None]
    # contact details are shown through `resolvers.directory.privacy` (fields below)
    email_value: strawberry.Private[str | None]
    shares_contact: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: Any) -> Member:
        return cls.from_columns(_MEMBER_COLUMNS(row))

    @classmethod
    def from_rows(cls, rows: Sequence[Any]) -> list[Member]:
        """The members of one statement's rows (a page)."""
        return [cls.from_columns(columns) for columns in _MEMBER_COLUMNS.each(rows)]

    @classmethod
    def from_columns(cls, columns: tuple[Any, ...]) -> Member:
        """A member from its columns in `_MEMBER_COLUMNS` order; a column the page did
        not fetch stays UNFETCHED (resolvers/directory/columns.py)."""
        (
            sha_code,
            db_id,
            organisation_db_id,
            given_name,
            family_name,
            email,
            profession,
            body,
            number,
            roles,
            joined_on,
            status,
            created_at,
            updated_at,
            contact_visible,
        ) = columns
        return cls(
            id=strawberry.ID(encode_id("Member", sha_code, db_id)),
            db_id=db_id,
            organisation_db_id=organisation_db_id,
            sha_code=sha_code,
            given_name=given_name,
            family_name=family_name,
            email_value=email,
            shares_contact=contact_visible,
            profession=profession if profession is UNFETCHED else _PROFESSIONS(profession),
            registration_body=body,
            registration_number=number,
            roles=roles if roles is UNFETCHED else list(map(_ROLES, roles)),
            joined_on=joined_on,
            status=status if status is UNFETCHED else _STATUSES(status),
            created_at=created_at,
            updated_at=updated_at,
        )

    @strawberry.field(
        description="Work email address: shown to the member herself, her SHA's"
        " administrators and national leads, and to other members only when she has"
        " opted in (`contactVisible`); null otherwise."
    )
    def email(self, info: Info) -> str | None:
        value = self.email_value
        if value is None or not may_see_contact(info.context, self, "email"):
            return None
        return value

    @strawberry.field(description="Professional registration, if any; visible as `email` is.")
    def registration(self, info: Info) -> Registration | None:
        body, number = self.registration_body, self.registration_number
        if body is None or number is None:  # both or neither (a CHECK on the table)
            return None
        if not may_see_contact(info.context, self, "registration"):
            return None
        return Registration(body=_BODIES(body), number=number)

    @strawberry.field(description="Work phone; visible as `email` is.")
    async def phone(self, info: Info) -> str | None:
        profile = await related(info.context, "MemberProfileByIdLoader").load(
            (self.sha_code, self.db_id)
        )
        if profile is None or profile.phone is None:
            return None
        return profile.phone if may_see_contact(info.context, self, "phone") else None

    @strawberry.field(description="Job title, as she gives it.")
    async def job_title(self, info: Info) -> str | None:
        profile = await related(info.context, "MemberProfileByIdLoader").load(
            (self.sha_code, self.db_id)
        )
        return profile.job_title if profile else None

    @strawberry.field(description="A short biography (at most 2,000 characters).")
    async def biography(self, info: Info) -> str | None:
        profile = await related(info.context, "MemberProfileByIdLoader").load(
            (self.sha_code, self.db_id)
        )
        return profile.biography if profile else None

    @strawberry.field(description="Clinical and leadership interests (at most 20).")
    async def interests(self, info: Info) -> list[str]:
        profile = await related(info.context, "MemberProfileByIdLoader").load(
            (self.sha_code, self.db_id)
        )
        return list(profile.interests) if profile else []

    @strawberry.field(
        description="Whether she lets other members see her contact details (default off)."
    )
    def contact_visible(self) -> bool:
        return self.shares_contact is True

    @strawberry.field(description="Given and family name.")
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @strawberry.field(description="The member's home SHA.")
    def sha(self, info: Info) -> Sha | None:
        record = info.context.shas.get(self.sha_code)
        return Sha.from_record(record) if record else None

    # Relations are plain functions returning the loaded value or an awaitable
    # (`RequestLoader.now`): a page that prefetched them pays no await per member.
    @strawberry.field(
        description="The organisation the member works for.",
        graphql_type=Organisation | None,
    )
    def organisation(self, info: Info) -> Any:
        return related(info.context, "OrganisationByIdLoader").now(
            (self.sha_code, self.organisation_db_id)
        )

    @strawberry.field(
        description="The member's first networks, by network name (one query per page).",
        graphql_type=list[
            Annotated["NetworkMembership", strawberry.lazy("resolvers.networks.types")]
        ],
    )
    def networks(self, info: Info, first: WindowFirst = MEMBER_NETWORKS_WINDOW) -> Any:
        return related(info.context, "MembershipsByMemberLoader").now(
            (self.sha_code, self.db_id, check_window(first))
        )
