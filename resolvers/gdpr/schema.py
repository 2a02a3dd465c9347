"""Query and Mutation mixins of the member's data rights."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select

from auth.permissions import IsAuthenticated, IsShaAdmin
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.ids import GlobalId
from resolvers.common.mutation import run_mutation
from resolvers.common.node import register_node
from resolvers.common.pagination import Connection, Ordering, PageArgs, paginate
from resolvers.gdpr import leave
from resolvers.gdpr.tables import data_exports, leave_requests
from resolvers.gdpr.types import (
    DataExport,
    DataExportPayload,
    DataExportResult,
    LeaveRequest,
    LeaveRequestPayload,
    LeaveRequestResult,
    LeaveStatus,
)
from resolvers.viewer.me import me


async def _export(ctx: Context, gid: GlobalId) -> DataExport | None:
    found = me(ctx)
    if found is None or gid.sha_code != found.sha_code:
        return None
    c = data_exports.c
    row = await ctx.db.first(
        select(data_exports).where(
            c.sha_code == gid.sha_code, c.id == gid.uuid, c.member_id == found.member_id
        )
    )
    return DataExport.from_row(row) if row else None


async def _leave(ctx: Context, gid: GlobalId) -> LeaveRequest | None:
    from resolvers.directory.privacy import administers

    p = ctx.principal
    if p is None or p.kind != "user":
        return None
    c = leave_requests.c
    row = await ctx.db.first(
        select(leave_requests).where(c.sha_code == gid.sha_code, c.id == gid.uuid)
    )
    if row is None:
        return None
    found = me(ctx)
    mine = found is not None and found.key == (row.sha_code, row.member_id)
    return LeaveRequest.from_row(row) if mine or administers(p, row.sha_code) else None


register_node("DataExport", _export)
register_node("LeaveRequest", _leave)


@strawberry.type
class Query:
    @strawberry.field(
        description="Requests to leave in the SHAs I administer, oldest first.",
        permission_classes=[IsShaAdmin],
    )
    @paged(backwards=False)
    async def leave_requests(
        self,
        info: Info,
        status: Annotated[
            LeaveStatus, strawberry.argument(description="Status (default PENDING).")
        ] = LeaveStatus.PENDING,
        page: PageArgs = PageArgs(),
    ) -> Connection[LeaveRequest]:
        ctx = info.context
        c = leave_requests.c
        p = ctx.principal
        shas = sorted(ctx.scope.read if p and p.is_national else ctx.scope.write)
        return await paginate(
            ctx.db,
            select(leave_requests).where(c.sha_code.in_(shas), c.status == status.value),
            Ordering((c.requested_at, c.sha_code, c.id)),
            page,
            LeaveRequest.from_row,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Ask for a copy of everything held about me (prepared in the background;"
        " see viewer.dataExports and the DATA_EXPORT_READY notification).",
        permission_classes=[IsAuthenticated],
    )
    async def request_data_export(self, info: Info) -> DataExportResult:
        async def act() -> DataExportPayload:
            return DataExportPayload(
                export=DataExport.from_row(await leave.request_export(info.context))
            )

        return await run_mutation(info.context, act)

    @strawberry.mutation(
        description="Ask to leave the network; an administrator of my SHA confirms, and my"
        " profile is then erased.",
        permission_classes=[IsAuthenticated],
    )
    async def request_to_leave(
        self,
        info: Info,
        reason: Annotated[str | None, strawberry.argument(description="Why (optional).")] = None,
    ) -> LeaveRequestResult:
        async def act() -> LeaveRequestPayload:
            row = await leave.request_leave(info.context, reason)
            return LeaveRequestPayload(request=LeaveRequest.from_row(row))

        return await run_mutation(info.context, act)

    @strawberry.mutation(
        description="Confirm (erasing her profile) or reject a member's request to leave.",
        permission_classes=[IsShaAdmin],
    )
    async def decide_leave_request(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The request.")],
        confirm: Annotated[bool, strawberry.argument(description="true erases her profile.")],
        note: Annotated[str | None, strawberry.argument(description="A note.")] = None,
    ) -> LeaveRequestResult:
        async def act() -> LeaveRequestPayload:
            row = await leave.decide_leave(info.context, str(id), confirm, note)
            return LeaveRequestPayload(request=LeaveRequest.from_row(row))

        return await run_mutation(info.context, act)
