"""Case-study queries: a Relay connection with topic and full-text search, and by id.

National case studies of other SHAs are read with `caseStudy(id:)` or the list; the
generic `node(id:)` refuses ids of SHAs outside the request's scope before any SQL,
so it returns null for them by design."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, func, select

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.errors import BadUserInput
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    Filtered,
    Ordering,
    PageArgs,
    SortDirection,
    paginate,
)
from resolvers.common.sql import contains_pattern
from resolvers.directory.queries import GlobalIdArg, ShaNarrowing, narrow_shas
from resolvers.knowledge.loaders import CaseStudyByIdLoader
from resolvers.knowledge.tables import CASE_STUDY_COLUMNS, case_studies
from resolvers.knowledge.types import CaseStudy, CaseStudyStatus
from resolvers.knowledge.visibility import visible


@strawberry.input(description="Narrow the case-study list; all conditions must hold.")
class CaseStudyFilter:
    topic: str | None = strawberry.field(
        default=None, description="Part of the topic (trigram index)."
    )
    pathway: str | None = strawberry.field(default=None, description="Part of the pathway.")
    text: str | None = strawberry.field(
        default=None,
        description="Full-text search over title, topic, pathway, summary and outcomes"
        " (web-search syntax).",
    )
    statuses: list[CaseStudyStatus] | None = strawberry.field(
        default=None, description="Only these states."
    )
    include_national: bool = strawberry.field(
        default=True, description="Also list case studies other SHAs published nationally."
    )


@strawberry.enum(description="Sort keys for case studies.")
class CaseStudySortField(Enum):
    UPDATED_AT = "updated_at"
    TITLE = "title"


@strawberry.input(description="How to sort case studies.")
class CaseStudyOrder:
    field: CaseStudySortField = strawberry.field(
        default=CaseStudySortField.UPDATED_AT, description="Sort key."
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.DESC, description="Direction."
    )


def case_study_query(ctx: Context, shas: list[str], where: CaseStudyFilter | None) -> Select[Any]:
    c = case_studies.c
    where = where or CaseStudyFilter()
    query = select(*CASE_STUDY_COLUMNS).where(visible(ctx, shas, where.include_national))
    if where.topic and where.topic.strip():
        query = query.where(func.lower(c.topic).like(contains_pattern(where.topic)))
    if where.pathway and where.pathway.strip():
        query = query.where(func.lower(c.pathway).like(contains_pattern(where.pathway)))
    if where.text and where.text.strip():
        if len(where.text) > 200:
            raise BadUserInput("text must be at most 200 characters", argument="filter")
        query = query.where(c.search.op("@@")(func.websearch_to_tsquery("english", where.text)))
    if where.statuses:
        query = query.where(c.status.in_([s.value for s in where.statuses]))
    return query


def case_study_ordering(order: CaseStudyOrder | None) -> Ordering:
    order = order or CaseStudyOrder()
    c = case_studies.c
    first = c.title if order.field == CaseStudySortField.TITLE else c.updated_at
    return Ordering((first, c.sha_code, c.id), order.direction == SortDirection.DESC)


async def _fetch(ctx: Context, gid: GlobalId) -> CaseStudy | None:
    return await ctx.loader(CaseStudyByIdLoader).load((gid.sha_code, gid.uuid))


register_node("CaseStudy", _fetch, national=True)


@strawberry.type
class Query:
    @strawberry.field(
        description="Case studies: your SHAs' (drafts for editors only) plus national ones.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def case_studies(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[CaseStudyFilter | None] = None,
        order_by: Annotated[
            CaseStudyOrder | None, strawberry.argument(description="Sort order (default by title).")
        ] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[CaseStudy]:
        ctx = info.context
        return await paginate(
            ctx.db,
            case_study_query(ctx, narrow_shas(ctx, shas), filter),
            case_study_ordering(order_by),
            page,
            CaseStudy.from_row,
        )

    @strawberry.field(
        description="One case study by id, including national ones of other SHAs.",
        permission_classes=[IsAuthenticated],
    )
    async def case_study(self, info: Info, id: GlobalIdArg) -> CaseStudy | None:
        gid = decode_id(id, "CaseStudy")
        if not info.context.scope.read:
            return None
        return await _fetch(info.context, gid)
