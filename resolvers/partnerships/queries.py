"""Shared-leadership queries: partnerships, uncovered directorates, senior clinical leads."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, and_, exists, or_, select

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
    paginate,
)
from resolvers.directory.queries import ShaNarrowing, narrow_shas
from resolvers.directory.tables import organisations
from resolvers.directory.types import Organisation
from resolvers.partnerships.enums import PartnershipLevel
from resolvers.partnerships.loaders import (
    DeclarationByIdLoader,
    LeadByIdLoader,
    PartnershipByIdLoader,
)
from resolvers.partnerships.service import normalise_pathway
from resolvers.partnerships.tables import partnerships, senior_clinical_leads
from resolvers.partnerships.types import DeclarationOfInterest, Partnership, SeniorClinicalLead


@strawberry.input(description="Narrow the partnership list; all conditions must hold.")
class PartnershipFilter:
    levels: list[PartnershipLevel] | None = strawberry.field(
        default=None, description="Only these levels."
    )
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="One organisation or directorate."
    )
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Partnerships where this member is clinician or manager."
    )
    current_on: dt.date | None = strawberry.field(
        default=None, description="Only partnerships running on this date."
    )


@strawberry.input(description="Narrow the senior clinical lead list.")
class SeniorClinicalLeadFilter:
    pathway: str | None = strawberry.field(default=None, description="One pathway.")
    active_only: bool = strawberry.field(default=True, description="Only leads still in post.")
    member_id: strawberry.ID | None = strawberry.field(default=None, description="One member.")


def current_on(on: dt.date) -> Any:
    p = partnerships.c
    return and_(p.starts_on <= on, or_(p.ends_on.is_(None), p.ends_on >= on))


def partnership_query(shas: list[str], where: PartnershipFilter | None) -> Select[Any]:
    p = partnerships.c
    query = select(partnerships).where(p.sha_code.in_(shas))
    if where is None:
        return query
    if where.levels:
        query = query.where(p.level.in_([lv.value for lv in where.levels]))
    if where.organisation_id:
        gid = decode_id(where.organisation_id, "Organisation")
        query = query.where(p.sha_code == gid.sha_code, p.organisation_id == gid.uuid)
    if where.member_id:
        gid = decode_id(where.member_id, "Member")
        key = gid.uuid
        query = query.where(
            p.sha_code == gid.sha_code, or_(p.clinician_id == key, p.manager_id == key)
        )
    if where.current_on:
        query = query.where(current_on(where.current_on))
    return query


def lead_query(shas: list[str], where: SeniorClinicalLeadFilter | None) -> Select[Any]:
    where = where or SeniorClinicalLeadFilter()
    s = senior_clinical_leads.c
    query = select(senior_clinical_leads).where(s.sha_code.in_(shas))
    if where.active_only:
        query = query.where(s.ends_on.is_(None))
    if where.pathway:
        query = query.where(s.pathway == normalise_pathway(where.pathway))
    if where.member_id:
        gid = decode_id(where.member_id, "Member")
        query = query.where(s.sha_code == gid.sha_code, s.member_id == gid.uuid)
    return query


async def _fetch_partnership(ctx: Context, gid: GlobalId) -> Partnership | None:
    return await ctx.loader(PartnershipByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_lead(ctx: Context, gid: GlobalId) -> SeniorClinicalLead | None:
    return await ctx.loader(LeadByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_declaration(ctx: Context, gid: GlobalId) -> DeclarationOfInterest | None:
    return await ctx.loader(DeclarationByIdLoader).load((gid.sha_code, gid.uuid))


register_node("Partnership", _fetch_partnership)
register_node("SeniorClinicalLead", _fetch_lead)
register_node("DeclarationOfInterest", _fetch_declaration)


@strawberry.type
class Query:
    @strawberry.field(
        description="Clinician-manager partnerships of the SHAs in scope, newest first.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def partnerships(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[PartnershipFilter | None] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[Partnership]:
        ctx = info.context
        c = partnerships.c
        return await paginate(
            ctx.db,
            partnership_query(narrow_shas(ctx, shas), filter),
            Ordering((c.starts_on, c.sha_code, c.id), descending=True),
            page,
            Partnership.from_row,
        )

    @strawberry.field(
        description=(
            "SHA directorates (organisations of type SHA_DIRECTORATE) with no clinical lead"
            " partnership running on the given date (default today)."
        ),
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def directorates_without_clinical_lead(
        self,
        info: Info,
        on: Annotated[
            dt.date | None, strawberry.argument(description="The day to check (default today).")
        ] = None,
        page: PageArgs = PageArgs(),
        shas: ShaNarrowing = None,
    ) -> Connection[Organisation]:
        ctx = info.context
        o, p = organisations.c, partnerships.c
        day = on or dt.date.today()
        linked = exists().where(
            p.sha_code == o.sha_code, p.organisation_id == o.id, current_on(day)
        )
        query = select(organisations).where(
            o.sha_code.in_(narrow_shas(ctx, shas)), o.type == "SHA_DIRECTORATE", ~linked
        )
        return await paginate(
            ctx.db,
            query,
            Ordering((o.name, o.sha_code, o.id)),
            page,
            Organisation.from_row,
        )

    @strawberry.field(
        description="Senior clinical leads of the SHAs in scope, by pathway.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def senior_clinical_leads(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[SeniorClinicalLeadFilter | None] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[SeniorClinicalLead]:
        ctx = info.context
        c = senior_clinical_leads.c
        return await paginate(
            ctx.db,
            lead_query(narrow_shas(ctx, shas), filter),
            Ordering((c.pathway, c.sha_code, c.id)),
            page,
            SeniorClinicalLead.from_row,
        )
