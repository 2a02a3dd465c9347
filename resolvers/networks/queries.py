"""Network-map queries: networks as a Relay connection, and the gap analysis of an SHA."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, exists, func, select

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    Filtered,
    Ordering,
    PageArgs,
    SortDirection,
    paginate,
)
from resolvers.common.sql import contains_pattern
from resolvers.directory.enums import OrganisationType
from resolvers.directory.queries import GlobalIdArg, ShaNarrowing, narrow_shas
from resolvers.directory.tables import members, organisations
from resolvers.escalator.types import PolicyArea
from resolvers.networks.enums import ClinicalArea, NetworkKind
from resolvers.networks.loaders import LinkByIdLoader, NetworkByIdLoader
from resolvers.networks.policy_areas import normalise, uncovered_policy_areas
from resolvers.networks.tables import network_members, networks
from resolvers.networks.types import Network, NetworkLink


@strawberry.input(description="Narrow the network list; all conditions must hold.")
class NetworkFilter:
    kinds: list[NetworkKind] | None = strawberry.field(default=None, description="Any of these.")
    clinical_areas: list[ClinicalArea] | None = strawberry.field(
        default=None, description="Any of these clinical areas."
    )
    policy_areas: list[str] | None = strawberry.field(
        default=None, description="Networks serving any of these policy areas (codes)."
    )
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Networks this member belongs to."
    )
    without_member_from: OrganisationType | None = strawberry.field(
        default=None,
        description="Gap analysis: networks with no member from an organisation of this type.",
    )
    search: str | None = strawberry.field(default=None, description="Part of the name.")


@strawberry.enum(description="Sort keys for networks.")
class NetworkSortField(Enum):
    NAME = "name"
    CREATED_AT = "created_at"


@strawberry.input(description="How to sort networks.")
class NetworkOrder:
    field: NetworkSortField = strawberry.field(
        default=NetworkSortField.NAME, description="Sort key."
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="Sort direction."
    )


def lacking_member_from(org_type: OrganisationType) -> Any:
    """No member of the network works for an organisation of `org_type`."""
    nm, m, o = network_members, members, organisations
    return ~exists(
        select(1)
        .select_from(
            nm.join(m, (m.c.sha_code == nm.c.sha_code) & (m.c.id == nm.c.member_id)).join(
                o, (o.c.sha_code == m.c.sha_code) & (o.c.id == m.c.organisation_id)
            )
        )
        .where(
            nm.c.sha_code == networks.c.sha_code,
            nm.c.network_id == networks.c.id,
            o.c.type == org_type.value,
        )
    )


def network_query(shas: list[str], where: NetworkFilter | None) -> Select[Any]:
    query = select(networks).where(networks.c.sha_code.in_(shas))
    if where is None:
        return query
    if where.kinds:
        query = query.where(networks.c.kind.in_([k.value for k in where.kinds]))
    if where.clinical_areas:
        query = query.where(networks.c.clinical_area.in_([a.value for a in where.clinical_areas]))
    if where.policy_areas:
        query = query.where(networks.c.policy_areas.overlap(normalise(where.policy_areas)))
    if where.member_id:
        gid = decode_id(where.member_id, "Member")
        nm = network_members
        query = query.where(
            exists(
                select(1).where(
                    nm.c.sha_code == networks.c.sha_code,
                    nm.c.network_id == networks.c.id,
                    nm.c.sha_code == gid.sha_code,
                    nm.c.member_id == gid.uuid,
                )
            )
        )
    if where.without_member_from:
        query = query.where(lacking_member_from(where.without_member_from))
    if where.search:
        query = query.where(func.lower(networks.c.name).like(contains_pattern(where.search)))
    return query


def network_ordering(order: NetworkOrder | None) -> Ordering:
    order = order or NetworkOrder()
    c = networks.c
    first = c.created_at if order.field == NetworkSortField.CREATED_AT else c.name
    return Ordering((first, c.sha_code, c.id), order.direction == SortDirection.DESC)


async def _fetch_network(ctx: Context, gid: GlobalId) -> Network | None:
    return await ctx.loader(NetworkByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_link(ctx: Context, gid: GlobalId) -> NetworkLink | None:
    return await ctx.loader(LinkByIdLoader).load((gid.sha_code, gid.uuid))


register_node("Network", _fetch_network)
register_node("NetworkLink", _fetch_link)


@strawberry.type(description="What an SHA's network map is missing.")
class NetworkGaps:
    sha_code: str = strawberry.field(description="The SHA analysed.")
    policy_areas_without_network: list[PolicyArea] = strawberry.field(
        description="Policy areas of the SHA's vocabulary (the national list and the areas"
        " the SHA added on the Escalator) that no network of the SHA serves."
    )

    @strawberry.field(
        description="Networks of the SHA with no member from an organisation of this type."
    )
    @paged(backwards=False)
    async def networks_without_member_from(
        self,
        info: Info,
        organisation_type: Annotated[
            OrganisationType,
            strawberry.argument(
                description="The organisation type that must be missing from a network's members."
            ),
        ],
        page: PageArgs,
    ) -> Connection[Network]:
        query = network_query([self.sha_code], NetworkFilter(without_member_from=organisation_type))
        return await paginate(
            info.context.db,
            query,
            network_ordering(None),
            page,
            Network.from_row,
        )


async def policy_area_gaps(ctx: Context, sha: str) -> list[PolicyArea]:
    rows = await uncovered_policy_areas(ctx.db, sha)
    return [PolicyArea(code=r.code, name=r.name, sha_code=r.sha_code) for r in rows]


@strawberry.type
class Query:
    @strawberry.field(
        description="Clinical networks of the SHAs in scope.", permission_classes=[IsAuthenticated]
    )
    @paged
    async def networks(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[NetworkFilter | None] = None,
        order_by: Annotated[
            NetworkOrder | None, strawberry.argument(description="Sort order (default by name).")
        ] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[Network]:
        ctx = info.context
        return await paginate(
            ctx.db,
            network_query(narrow_shas(ctx, shas), filter),
            network_ordering(order_by),
            page,
            Network.from_row,
        )

    @strawberry.field(description="One network by global id.", permission_classes=[IsAuthenticated])
    async def network(self, info: Info, id: GlobalIdArg) -> Network | None:
        gid = decode_id(id, "Network")
        if gid.sha_code not in info.context.scope.read:
            return None
        return await _fetch_network(info.context, gid)

    @strawberry.field(
        description="Gap analysis of one SHA's network map.", permission_classes=[IsAuthenticated]
    )
    async def network_gaps(
        self,
        info: Info,
        sha_code: Annotated[
            str,
            strawberry.argument(
                description="ODS code of the SHA, e.g. Q31; it must be within your reach."
            ),
        ],
    ) -> NetworkGaps:
        ctx = info.context
        sha = narrow_shas(ctx, [sha_code])[0]
        return NetworkGaps(
            sha_code=sha, policy_areas_without_network=await policy_area_gaps(ctx, sha)
        )
