"""GraphQL types of search results."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.ids import encode_id
from resolvers.common.node import Node, fetch_node
from resolvers.search.kinds import SearchKind


@strawberry.type(description="One thing found, with a highlighted snippet.")
class SearchHit:
    kind: SearchKind = strawberry.field(description="What kind of thing it is.")
    id: strawberry.ID = strawberry.field(description="Its global id (for `node(id:)`).")
    sha_code: str = strawberry.field(description="The SHA that owns it.")
    title: str = strawberry.field(description="Its name or title.")
    snippet: str = strawberry.field(
        description="Where it matched: HTML, the text escaped and matches in <mark>."
    )
    rank: float = strawberry.field(description="Relevance (higher first).")

    @classmethod
    def from_row(cls, row: Any) -> SearchHit:
        return cls(
            kind=SearchKind(row.kind),
            id=strawberry.ID(encode_id(row.type_name, row.sha_code, row.id)),
            sha_code=row.sha_code,
            title=row.title or "",
            snippet=row.snippet or "",
            rank=float(row.rank),
        )

    @strawberry.field(description="The thing itself (null if it is no longer visible).")
    async def node(self, info: Info) -> Node | None:
        return await fetch_node(info.context, self.id)
