"""Core fields every client needs: `node`, `nodes` and `viewer`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.common.context import Info
from resolvers.common.errors import BadUserInput
from resolvers.common.ids import decode_id
from resolvers.common.node import Node, fetch_node
from resolvers.common.structured import gather_structured


@strawberry.type(description="Who the request acts as, and the regions it reaches.")
class Viewer:
    subject: str | None = strawberry.field(description="The token subject; null when anonymous.")
    kind: str | None = strawberry.field(description="user or partner; null when anonymous.")
    roles: list[str] = strawberry.field(description="Roles granted by the token.")
    home_sha: str | None = strawberry.field(description="The caller's own SHA, if regional.")
    readable_shas: list[str] = strawberry.field(description="SHA codes this request may read.")
    writable_shas: list[str] = strawberry.field(description="SHA codes this request may change.")


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
        for value in ids:  # a bad id refuses the field before any fetch starts
            decode_id(value)
        return await gather_structured(fetch_node(info.context, i) for i in ids)

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


types: list[type] = []
__all__ = ["Query", "types"]
