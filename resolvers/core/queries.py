"""Core queries every client needs: `node` and `nodes` (`viewer` is in resolvers/viewer)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.common.context import Info
from resolvers.common.errors import BadUserInput
from resolvers.common.ids import decode_id
from resolvers.common.node import Node, fetch_node
from resolvers.common.structured import gather_structured


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
