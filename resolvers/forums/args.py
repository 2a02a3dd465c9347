"""Described arguments shared by the forum queries, mutations and subscription."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.common.ids import id_argument

ForumIdArg = Annotated[strawberry.ID, id_argument("forum")]
ThreadIdArg = Annotated[strawberry.ID, id_argument("thread")]
PostIdArg = Annotated[strawberry.ID, id_argument("post")]
MarkdownArg = Annotated[
    str,
    strawberry.argument(
        description="The post's text, in Markdown (rendered to safe HTML; raw HTML is not allowed)."
    ),
]
