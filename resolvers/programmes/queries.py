"""Programme queries: programmes of the SHAs in scope plus national ones; applications
for the organisers; a member's own applications."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import strawberry
from sqlalchemy import or_, select

from auth.permissions import IsAuthenticated
from resolvers.common.context import Context, Info
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.node import register_node
from resolvers.directory.queries import GlobalIdArg, ShaNarrowing, narrow_shas
from resolvers.programmes.enums import ApplicationStatus, ProgrammeKind
from resolvers.programmes.loaders import ProgrammeByIdLoader
from resolvers.programmes.service import may_run
from resolvers.programmes.tables import applications, programmes
from resolvers.programmes.types import Programme, ProgrammeApplication

LIMIT = 500


async def _fetch(ctx: Context, gid: GlobalId) -> Programme | None:
    return await ctx.loader(ProgrammeByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_application(ctx: Context, gid: GlobalId) -> ProgrammeApplication | None:
    row = await ctx.db.first(
        select(applications).where(
            applications.c.sha_code == gid.sha_code, applications.c.id == gid.uuid
        )
    )
    return None if row is None else ProgrammeApplication.from_row(row)


register_node("Programme", _fetch, national=True)
register_node("ProgrammeApplication", _fetch_application)


@strawberry.type
class Query:
    @strawberry.field(
        description="Programmes of the SHAs in scope, plus national ones (newest window first).",
        permission_classes=[IsAuthenticated],
    )
    async def programmes(
        self,
        info: Info,
        kind: Annotated[
            ProgrammeKind | None, strawberry.argument(description="Only this kind.")
        ] = None,
        shas: ShaNarrowing = None,
    ) -> list[Programme]:
        ctx = info.context
        p = programmes.c
        query = select(programmes).where(or_(p.sha_code.in_(narrow_shas(ctx, shas)), p.is_national))
        if not ctx.scope.read:
            return []
        if kind is not None:
            query = query.where(p.kind == kind.value)
        rows = await ctx.db.rows(
            query.order_by(p.applications_open_on.desc(), p.sha_code, p.id).limit(LIMIT)
        )
        return [Programme.from_row(r) for r in rows]

    @strawberry.field(
        description="One programme by id, national ones of other SHAs included.",
        permission_classes=[IsAuthenticated],
    )
    async def programme(self, info: Info, id: GlobalIdArg) -> Programme | None:
        if not info.context.scope.read:
            return None
        return await _fetch(info.context, decode_id(id, "Programme"))

    @strawberry.field(
        description="Applications to a programme, for its organisers (SHA admins; national"
        " leads for a national programme), oldest first.",
        permission_classes=[IsAuthenticated],
    )
    async def programme_applications(
        self,
        info: Info,
        programme_id: Annotated[strawberry.ID, strawberry.argument(description="The programme.")],
        status: Annotated[
            ApplicationStatus | None, strawberry.argument(description="Only this status.")
        ] = None,
    ) -> list[ProgrammeApplication]:
        ctx = info.context
        gid = decode_id(programme_id, "Programme")
        programme = await _fetch(ctx, gid)
        if programme is None or not may_run(ctx, programme.sha_code, programme.is_national):
            return []
        a = applications.c
        query = select(applications).where(
            a.sha_code.in_(sorted(ctx.scope.read)),
            a.programme_sha_code == gid.sha_code,
            a.programme_id == uuid.UUID(gid.key),
        )
        if status is not None:
            query = query.where(a.status == status.value)
        rows = await ctx.db.rows(query.order_by(a.submitted_at, a.id).limit(LIMIT))
        return [ProgrammeApplication.from_row(r) for r in rows]

    @strawberry.field(
        description="Your own applications, newest first.", permission_classes=[IsAuthenticated]
    )
    async def my_programme_applications(self, info: Info) -> list[ProgrammeApplication]:
        ctx = info.context
        p = ctx.principal
        if p is None or not p.member_id or p.home_sha not in ctx.scope.read:
            return []
        a = applications.c
        rows: Any = await ctx.db.rows(
            select(applications)
            .where(a.sha_code == p.home_sha, a.member_id == uuid.UUID(p.member_id))
            .order_by(a.submitted_at.desc())
        )
        return [ProgrammeApplication.from_row(r) for r in rows]
