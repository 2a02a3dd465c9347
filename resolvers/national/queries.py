"""National queries: the dashboard, and the log of cross-region reads for platform admins."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import any_, literal, select

from auth.permissions import IsPlatformAdmin
from resolvers.common.connection import paged
from resolvers.common.context import Info
from resolvers.common.errors import BadUserInput
from resolvers.common.pagination import (
    Connection,
    Ordering,
    PageArgs,
    paginate,
)
from resolvers.directory.queries import ShaNarrowing, narrow_shas
from resolvers.national.permissions import CanReadAggregates
from resolvers.national.tables import cross_region_reads
from resolvers.national.types import CrossRegionRead, NationalDashboard
from tenants.codes import InvalidShaCode, validate_sha_code
from tenants.registry import RolloutStatus


@strawberry.type
class Query:
    @strawberry.field(
        description="Figures for the whole network (or the SHAs named), computed in SQL."
        " National leads see every SHA they may read; partners with the"
        " national:read scope see the SHAs their agreement grants.",
        permission_classes=[CanReadAggregates],
    )
    def national_dashboard(self, info: Info, shas: ShaNarrowing = None) -> NationalDashboard:
        ctx = info.context
        codes = [
            c
            for c in narrow_shas(ctx, shas)
            if c in ctx.shas and ctx.shas[c].status != RolloutStatus.RETIRED
        ]
        return NationalDashboard(
            sha_codes=codes,
            _statuses={c: ctx.shas[c].status for c in codes},
            _names={c: ctx.shas[c].name for c in codes},
            _changed={c: ctx.shas[c].status_changed_at for c in codes},
        )

    @strawberry.field(
        description="Cross-region reads by national and partner callers, newest first.",
        permission_classes=[IsPlatformAdmin],
    )
    @paged
    async def cross_region_reads(
        self,
        info: Info,
        page: PageArgs,
        actor: Annotated[
            str | None, strawberry.argument(description="Only reads by this actor.")
        ] = None,
        sha: Annotated[
            str | None, strawberry.argument(description="Only reads of this SHA.")
        ] = None,
    ) -> Connection[CrossRegionRead]:
        c = cross_region_reads.c
        query = select(cross_region_reads)
        if actor:
            query = query.where(c.actor == actor)
        if sha:
            try:
                query = query.where(literal(validate_sha_code(sha)) == any_(c.shas))
            except InvalidShaCode as exc:
                raise BadUserInput(str(exc), argument="sha") from None
        return await paginate(
            info.context.db,
            query,
            Ordering((c.occurred_at, c.id), descending=True),
            page,
            CrossRegionRead.from_row,
        )
