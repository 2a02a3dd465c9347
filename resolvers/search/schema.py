"""The `search` root field."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Info
from resolvers.common.pagination import Connection, PageArgs
from resolvers.directory.queries import ShaNarrowing
from resolvers.search.kinds import SearchKind
from resolvers.search.query import search
from resolvers.search.types import SearchHit


@strawberry.type
class Query:
    @strawberry.field(
        description="Full-text search over members, organisations, networks, forums, threads"
        " and posts, events, training programmes, case studies and consultations, within"
        " my reach (my SHAs, plus content published nationally); best matches first."
        " Contact details are never searched.",
        permission_classes=[IsAuthenticated],
    )
    @paged(backwards=False)
    async def search(
        self,
        info: Info,
        query: Annotated[
            str,
            strawberry.argument(
                description="What to look for, as typed into a search box (quotes, -word, or)."
            ),
        ],
        kinds: Annotated[
            list[SearchKind] | None,
            strawberry.argument(description="Only these kinds (default: all within reach)."),
        ] = None,
        forum: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only within this forum (its threads and posts)."),
        ] = None,
        as_you_type: Annotated[
            bool,
            strawberry.argument(description="Match the last word as a prefix (default true)."),
        ] = True,
        page: PageArgs = PageArgs(),
        shas: ShaNarrowing = None,
    ) -> Connection[SearchHit]:
        return await search(
            info.context,
            query,
            kinds,
            page,
            forum=str(forum) if forum is not None else None,
            shas=shas,
            as_you_type=as_you_type,
        )
