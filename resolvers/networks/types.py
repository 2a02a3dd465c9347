"""GraphQL types of the network map. Leaf fields are plain attributes; relations go
through per-request DataLoaders."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.enums import by_value
from resolvers.common.federation import GlobalIdEntity
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.pagination import WindowFirst, check_window
from resolvers.common.relations import related
from resolvers.common.rows import Columns
from resolvers.networks.enums import (
    ClinicalArea,
    NetworkKind,
    NetworkRole,
    OutsideBodyKind,
)

if TYPE_CHECKING:
    from resolvers.directory.types import Member, Organisation
    from resolvers.escalator.types import PolicyArea

OrganisationRef = Annotated["Organisation", strawberry.lazy("resolvers.directory.types")]
MemberRef = Annotated["Member", strawberry.lazy("resolvers.directory.types")]
PolicyAreaRef = Annotated["PolicyArea", strawberry.lazy("resolvers.escalator.types")]
_KIND = by_value(NetworkKind)
_AREA = by_value(ClinicalArea)

NETWORK_COLUMNS = (
    "sha_code",
    "id",
    "name",
    "kind",
    "clinical_area",
    "description",
    "policy_areas",
    "created_at",
    "updated_at",
)


@functools.cache
def _network_columns(prefix: str) -> Columns:
    """One getter for a network's columns (under `prefix` when joined into another
    row): a page reads ~75 memberships, each with its network."""
    return Columns(*(prefix + name for name in NETWORK_COLUMNS))


@strawberry.federation.type(
    keys=["id"], description="A clinical network of one SHA: managed, community or role based."
)
class Network(Node, GlobalIdEntity):
    sha_code: str = strawberry.field(description="The SHA that owns this network.")
    name: str = strawberry.field(description="Unique within the SHA.")
    kind: NetworkKind = strawberry.field(description="How the network is organised.")
    clinical_area: ClinicalArea | None = strawberry.field(
        description="Clinical area; role networks may have none."
    )
    description: str | None = strawberry.field(description="What the network does.")
    policy_area_codes: list[str] = strawberry.field(
        description="Codes of the policy areas it serves (the Escalator's vocabulary)."
    )
    created_at: dt.datetime = strawberry.field(description="When it was mapped.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")
    db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any, prefix: str = "") -> Network:
        return cls.from_columns(_network_columns(prefix)(row))

    @classmethod
    def reader(cls, rows: Sequence[Any], prefix: str = "") -> Callable[[Any], Network]:
        """Builds the network of a row of `rows`, one statement's result (its keys read
        once: resolvers/common/rows.py)."""
        columns_of = _network_columns(prefix).reader(rows)
        return lambda row: cls.from_columns(columns_of(row))

    @classmethod
    def from_columns(cls, columns: tuple[Any, ...]) -> Network:
        """A network from its columns in `NETWORK_COLUMNS` order."""
        (sha_code, id_, name, kind, area, description, policy_areas, created_at, updated_at) = (
            columns
        )
        return cls(
            id=strawberry.ID(encode_id("Network", sha_code, id_)),
            db_id=id_,
            sha_code=sha_code,
            name=name,
            kind=_KIND(kind),
            clinical_area=_AREA(area) if area else None,
            description=description,
            policy_area_codes=list(policy_areas),
            created_at=created_at,
            updated_at=updated_at,
        )

    @strawberry.field(
        description="Policy areas it serves: national ones or ones its SHA added"
        " (one batched statement per request)."
    )
    async def policy_areas(self, info: Info) -> list[PolicyAreaRef]:
        found = await related(info.context, "PolicyAreaByCodeLoader").load_many(
            [(self.sha_code, code) for code in self.policy_area_codes]
        )
        return [area for area in found if area is not None]

    @strawberry.field(description="Members of the network with their roles, by role then name.")
    async def members(self, info: Info, first: WindowFirst = 50) -> list[NetworkMembership]:
        return await related(info.context, "MembershipsByNetworkLoader").load(
            (self.sha_code, self.db_id, check_window(first))
        )

    @strawberry.field(description="Number of members of the network.")
    async def member_count(self, info: Info) -> int:
        return await related(info.context, "MemberCountByNetworkLoader").load(
            (self.sha_code, self.db_id)
        )

    @strawberry.field(description="Links to organisations and outside bodies.")
    async def links(self, info: Info) -> list[NetworkLink]:
        return await related(info.context, "LinksByNetworkLoader").load((self.sha_code, self.db_id))


@strawberry.type(description="A member's place in a network.")
class NetworkMembership:
    role: NetworkRole = strawberry.field(description="The member's role in the network.")
    joined_at: dt.datetime = strawberry.field(description="When the member joined.")
    network: Network = strawberry.field(description="The network.")
    sha_code: strawberry.Private[str]
    member_db_id: strawberry.Private[Any]

    @strawberry.field(description="The member.")
    async def member(self, info: Info) -> MemberRef | None:
        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.member_db_id)
        )


@strawberry.type(description="A body outside the SHA's NHS organisations.")
class OutsideBody:
    name: str = strawberry.field(description="E.g. Royal College of Nursing.")
    kind: OutsideBodyKind = strawberry.field(description="What kind of body it is.")


@strawberry.type(description="A network's link to an organisation or to an outside body.")
class NetworkLink(Node):
    note: str | None = strawberry.field(description="What the link is for.")
    outside_body: OutsideBody | None = strawberry.field(
        description="The outside body, when the link is not to an organisation."
    )
    created_at: dt.datetime = strawberry.field(description="When the link was recorded.")
    sha_code: strawberry.Private[str]
    organisation_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> NetworkLink:
        body = (
            OutsideBody(name=row.body_name, kind=OutsideBodyKind(row.body_kind))
            if row.body_name
            else None
        )
        return cls(
            id=strawberry.ID(encode_id("NetworkLink", row.sha_code, row.id)),
            note=row.note,
            outside_body=body,
            created_at=row.created_at,
            sha_code=row.sha_code,
            organisation_db_id=row.organisation_id,
        )

    @strawberry.field(description="The linked organisation, when the link is to one.")
    async def organisation(self, info: Info) -> OrganisationRef | None:
        if self.organisation_db_id is None:
            return None
        return await related(info.context, "OrganisationByIdLoader").load(
            (self.sha_code, self.organisation_db_id)
        )
