"""Core queries every client needs: `node`, `nodes` and `viewer`."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from resolvers.common.context import Info
from resolvers.common.errors import BadUserInput
from resolvers.common.node import Node, fetch_node
from resolvers.core.types import Viewer


@strawberry.type
class Query:
    @strawberry.field(description="Any object by global id; null when absent or out of reach.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        return await fetch_node(info.context, id)

    @strawberry.field(description="Several objects by global id, in the order asked (max 100).")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Global ids (at most 100).")
        ],
    ) -> list[Node | None]:
        if len(ids) > 100:
            raise BadUserInput("at most 100 ids per request", argument="ids", limit=100)
        return list(await asyncio.gather(*(fetch_node(info.context, i) for i in ids)))

    @strawberry.field(description="The caller and its reach.")
    def viewer(self, info: Info) -> Viewer:
        ctx = info.context
        p = ctx.principal
        return Viewer(
            subject=p.subject if p else None,
            kind=p.kind if p else None,
            roles=sorted(r.value for r in p.roles) if p else [],
            home_sha=p.home_sha if p else None,
            readable_shas=sorted(ctx.scope.read),
            writable_shas=sorted(ctx.scope.write),
        )
