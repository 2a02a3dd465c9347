"""Consultation queries. Everyone in scope lists consultations they may read; policy
leads list responses (only those in SHAs they may read: RLS keeps each response in
its respondent's SHA)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, and_, select

from auth.permissions import IsAuthenticated
from auth.principal import Role
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    Direction,
    Filtered,
    Ordering,
    PageArgs,
    SortDirection,
    paginate,
)
from resolvers.directory.enums import Profession
from resolvers.directory.queries import GlobalIdArg, ShaNarrowing, narrow_shas
from resolvers.directory.tables import members
from resolvers.policy.loaders import (
    ConsultationByIdLoader,
    ResponseByIdLoader,
    consultation_visible,
)
from resolvers.policy.permissions import IsPolicyLead
from resolvers.policy.tables import consultations, responses
from resolvers.policy.types import (
    Consultation,
    ConsultationReach,
    ConsultationResponse,
    ResponsePosition,
)

LEAD_ROLES = (Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)


@strawberry.input(description="Narrow the consultation list; all conditions must hold.")
class ConsultationFilter:
    reaches: list[ConsultationReach] | None = strawberry.field(
        default=None, description="Only these reaches."
    )
    open: bool | None = strawberry.field(
        default=None, description="true: still open; false: closed."
    )
    policy_area: str | None = strawberry.field(default=None, description="Policy-area code.")
    include_national: bool = strawberry.field(
        default=True, description="Also list national consultations hosted by other SHAs."
    )


@strawberry.input(description="Narrow the response list; all conditions must hold.")
class ResponseFilter:
    professions: list[Profession] | None = strawberry.field(
        default=None, description="Only respondents of these professions."
    )
    positions: list[ResponsePosition] | None = strawberry.field(
        default=None, description="Only these positions."
    )


def consultation_query(shas: list[str], where: ConsultationFilter | None) -> Select[Any]:
    c = consultations.c
    where = where or ConsultationFilter()
    own = c.sha_code.in_(shas)
    query = select(consultations).where(
        consultation_visible(shas) if where.include_national else own
    )
    if where.reaches:
        query = query.where(c.reach.in_([r.value for r in where.reaches]))
    now = dt.datetime.now(dt.UTC)
    if where.open is not None:
        query = query.where(c.closes_at > now if where.open else c.closes_at <= now)
    if where.policy_area:
        query = query.where(c.policy_area == where.policy_area.strip().upper())
    return query


def response_query(
    consultation: GlobalId, shas: list[str], where: ResponseFilter | None
) -> Select[Any]:
    r = responses.c
    query = select(responses).where(
        r.sha_code.in_(shas),
        r.consultation_sha == consultation.sha_code,
        r.consultation_id == consultation.uuid,
    )
    if where and where.positions:
        query = query.where(r.position.in_([p.value for p in where.positions]))
    if where and where.professions:
        m = members.c
        query = query.join(members, and_(m.sha_code == r.sha_code, m.id == r.member_id)).where(
            m.profession.in_([p.value for p in where.professions])
        )
    return query


async def _fetch_consultation(ctx: Context, gid: GlobalId) -> Consultation | None:
    return await ctx.loader(ConsultationByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_response(ctx: Context, gid: GlobalId) -> ConsultationResponse | None:
    """Policy leads read responses in their scope; members read only their own."""
    found = await ctx.loader(ResponseByIdLoader).load((gid.sha_code, gid.uuid))
    principal = ctx.principal
    if found is None or principal is None:
        return None
    if principal.kind == "user" and principal.has_role(*LEAD_ROLES):
        return found
    return found if str(found.member_db_id) == principal.member_id else None


register_node("Consultation", _fetch_consultation, national=True)
register_node("ConsultationResponse", _fetch_response)


@strawberry.type
class Query:
    @strawberry.field(
        description="Consultations you may read: your SHAs' plus national ones, by closing date.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def consultations(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[ConsultationFilter | None] = None,
        direction: Direction = SortDirection.ASC,
        shas: ShaNarrowing = None,
    ) -> Connection[Consultation]:
        ctx = info.context
        c = consultations.c
        return await paginate(
            ctx.db,
            consultation_query(narrow_shas(ctx, shas), filter),
            Ordering((c.closes_at, c.sha_code, c.id), direction == SortDirection.DESC),
            page,
            Consultation.from_row,
        )

    @strawberry.field(
        description="One consultation by id, including national ones hosted by other SHAs.",
        permission_classes=[IsAuthenticated],
    )
    async def consultation(self, info: Info, id: GlobalIdArg) -> Consultation | None:
        gid = decode_id(id, "Consultation")
        if not info.context.scope.read:
            return None
        return await _fetch_consultation(info.context, gid)

    @strawberry.field(
        description="Responses to a consultation from the SHAs you may read (policy leads).",
        permission_classes=[IsPolicyLead],
    )
    @paged
    async def consultation_responses(
        self,
        info: Info,
        consultation_id: Annotated[
            strawberry.ID, strawberry.argument(description="The consultation's global id.")
        ],
        page: PageArgs,
        filter: Filtered[ResponseFilter | None] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[ConsultationResponse]:
        ctx = info.context
        gid = decode_id(consultation_id, "Consultation")
        r = responses.c
        return await paginate(
            ctx.db,
            response_query(gid, narrow_shas(ctx, shas), filter),
            Ordering((r.created_at, r.sha_code, r.id)),
            page,
            ConsultationResponse.from_row,
        )

    @strawberry.field(
        description="One response by id: policy leads in scope, or its author.",
        permission_classes=[IsAuthenticated],
    )
    async def consultation_response(
        self, info: Info, id: GlobalIdArg
    ) -> ConsultationResponse | None:
        gid = decode_id(id, "ConsultationResponse")
        if gid.sha_code not in info.context.scope.read:
            return None
        return await _fetch_response(info.context, gid)
