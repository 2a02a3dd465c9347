"""Directory queries: SHAs, organisations and members, as Relay connections."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, String, bindparam, func, select

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.errors import BadUserInput, Forbidden
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.lookahead import page_prefetcher, selected_at
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    FromRows,
    Ordering,
    PageArgs,
    ShapedQuery,
    SortDirection,
    paginate,
)
from resolvers.common.sql import contains_pattern
from resolvers.directory.columns import member_columns
from resolvers.directory.enums import MemberRole, MemberStatus, OrganisationType, Profession
from resolvers.directory.loaders import (
    MemberByIdLoader,
    OrganisationByIdLoader,
    members_priming_organisations,
    with_organisation,
)
from resolvers.directory.tables import members, organisations
from resolvers.directory.types import Member, Organisation, Sha
from tenants.codes import InvalidShaCode, validate_sha_code

GlobalIdArg = Annotated[strawberry.ID, strawberry.argument(description="A global id.")]
ShaNarrowing = Annotated[
    list[str] | None,
    strawberry.argument(description="Narrow to these SHA codes (within your reach)."),
]


def narrow_shas(ctx: Context, requested: list[str] | None) -> list[str]:
    """The SHAs a list query reads: the request's scope, optionally narrowed by `shas:`."""
    allowed = ctx.scope.read
    if not requested:
        return sorted(allowed)
    try:
        wanted = {validate_sha_code(c) for c in requested}
    except InvalidShaCode as exc:
        raise BadUserInput(str(exc), argument="shas") from None
    missing = wanted - allowed
    if missing:
        raise Forbidden(
            f"you may not access SHA {', '.join(sorted(missing))}", shas=sorted(missing)
        )
    return sorted(wanted)


@strawberry.input(description="Narrow the organisation list; all conditions must hold.")
class OrganisationFilter:
    types: list[OrganisationType] | None = strawberry.field(
        default=None, description="Organisations of any of these types."
    )
    search: str | None = strawberry.field(default=None, description="Part of the name or code.")


@strawberry.enum(description="Sort keys for organisations.")
class OrganisationSortField(Enum):
    NAME = "name"
    CODE = "code"


@strawberry.input(description="How to sort organisations.")
class OrganisationOrder:
    field: OrganisationSortField = strawberry.field(
        default=OrganisationSortField.NAME, description="The sort key."
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="Ascending or descending."
    )


@strawberry.input(description="Narrow the member list; all conditions must hold.")
class MemberFilter:
    professions: list[Profession] | None = strawberry.field(
        default=None, description="Members of any of these professions."
    )
    roles: list[MemberRole] | None = strawberry.field(
        default=None, description="Members holding every one of these roles."
    )
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Members of this organisation (global id)."
    )
    statuses: list[MemberStatus] | None = strawberry.field(
        default=None, description="Members in any of these statuses."
    )
    search: str | None = strawberry.field(default=None, description="Part of the member's name.")


@strawberry.enum(description="Sort keys for members.")
class MemberSortField(Enum):
    NAME = "name"
    JOINED_ON = "joined_on"


@strawberry.input(description="How to sort members.")
class MemberOrder:
    field: MemberSortField = strawberry.field(
        default=MemberSortField.NAME, description="The sort key."
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="Ascending or descending."
    )


def organisation_query(shas: list[str], where: OrganisationFilter | None) -> Select[Any]:
    query = select(organisations).where(organisations.c.sha_code.in_(shas))
    if where and where.types:
        query = query.where(organisations.c.type.in_([t.value for t in where.types]))
    if where and where.search:
        pattern = contains_pattern(where.search)
        query = query.where(
            func.lower(organisations.c.name).like(pattern)
            | func.lower(organisations.c.code).like(pattern)
        )
    return query


@dataclass(frozen=True)
class _MemberShape:
    """What a members statement's SQL depends on: the columns it reads (None: all), and
    for each condition whether it is given (and for lists, how many values)."""

    columns: tuple[str, ...] | None
    shas: int
    professions: int
    statuses: int
    roles: bool
    organisation: bool
    search: bool


def member_shape(
    shas: list[str], where: MemberFilter | None, columns: list[Any] | None = None
) -> ShapedQuery:
    """Members of `shas` matching `where` (every column, or `columns`: member_columns),
    as a statement built once per shape with this request's values bound (paginate's
    prepared path). Lists are `IN` lists of one parameter per value: with
    one value PostgreSQL reads `IN ($1)` as `= $1`, which prunes the SHA partitions
    and lets the profession index give the page in order, where `= ANY($1)` would not."""
    params: dict[str, Any] = {f"sha_{i}": code for i, code in enumerate(shas)}
    professions = [p.value for p in where.professions] if where and where.professions else []
    statuses = [s.value for s in where.statuses] if where and where.statuses else []
    params.update((f"profession_{i}", value) for i, value in enumerate(professions))
    params.update((f"status_{i}", value) for i, value in enumerate(statuses))
    if where and where.roles:
        params["roles"] = [r.value for r in where.roles]
    if where and where.organisation_id:
        gid = decode_id(where.organisation_id, "Organisation")
        params["organisation_sha"], params["organisation_id"] = gid.sha_code, gid.uuid
    if where and where.search:
        params["search"] = contains_pattern(where.search)
    shape = _MemberShape(
        columns=None if columns is None else tuple(column.name for column in columns),
        shas=len(shas),
        professions=len(professions),
        statuses=len(statuses),
        roles="roles" in params,
        organisation="organisation_id" in params,
        search="search" in params,
    )
    return ShapedQuery(shape, functools.partial(_member_statement, shape), params)


def _member_statement(shape: _MemberShape) -> Select[Any]:
    c = members.c
    chosen = list(c) if shape.columns is None else [c[name] for name in shape.columns]
    query = select(*chosen).where(c.sha_code.in_(_params("sha", shape.shas)))
    if shape.professions:
        query = query.where(c.profession.in_(_params("profession", shape.professions)))
    if shape.roles:
        query = query.where(c.roles.contains(bindparam("roles", type_=c.roles.type)))
    if shape.statuses:
        query = query.where(c.status.in_(_params("status", shape.statuses)))
    if shape.organisation:
        query = query.where(
            c.sha_code == bindparam("organisation_sha", type_=c.sha_code.type),
            c.organisation_id == bindparam("organisation_id", type_=c.organisation_id.type),
        )
    if shape.search:
        name = func.lower(c.given_name + " " + c.family_name)
        query = query.where(name.like(bindparam("search", type_=String())))
    return query


def _params(prefix: str, count: int) -> list[Any]:
    return [bindparam(f"{prefix}_{i}", type_=String()) for i in range(count)]


def organisation_ordering(order: OrganisationOrder | None) -> Ordering:
    order = order or OrganisationOrder()
    c = organisations.c
    first = c.code if order.field == OrganisationSortField.CODE else c.name
    return Ordering((first, c.sha_code, c.id), order.direction == SortDirection.DESC)


def member_ordering(order: MemberOrder | None) -> Ordering:
    order = order or MemberOrder()
    c = members.c
    if order.field == MemberSortField.JOINED_ON:
        cols: tuple[Any, ...] = (c.joined_on, c.sha_code, c.id)
    else:
        cols = (c.family_name, c.given_name, c.sha_code, c.id)
    return Ordering(cols, order.direction == SortDirection.DESC)


async def _fetch_member(ctx: Context, gid: GlobalId) -> Member | None:
    return await ctx.loader(MemberByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_organisation(ctx: Context, gid: GlobalId) -> Organisation | None:
    return await ctx.loader(OrganisationByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_sha(ctx: Context, gid: GlobalId) -> Sha | None:
    record = ctx.shas.get(gid.key)
    return Sha.from_record(record) if record and gid.key in ctx.scope.read else None


register_node("Member", _fetch_member)
register_node("Organisation", _fetch_organisation)
register_node("Sha", _fetch_sha)


@strawberry.type
class Query:
    @strawberry.field(description="The SHAs this request may read, in code order.")
    def shas(self, info: Info) -> list[Sha]:
        ctx = info.context
        return [Sha.from_record(ctx.shas[c]) for c in sorted(ctx.scope.read) if c in ctx.shas]

    @strawberry.field(description="One SHA by code, if this request may read it.")
    def sha(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="ODS code, e.g. Q31.")],
    ) -> Sha | None:
        ctx = info.context
        record = ctx.shas.get(code.upper())
        return Sha.from_record(record) if record and record.code in ctx.scope.read else None

    @strawberry.field(
        description="Organisations of the SHAs in scope.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def organisations(
        self,
        info: Info,
        page: PageArgs,
        filter: Annotated[
            OrganisationFilter | None, strawberry.argument(description="Conditions to match.")
        ] = None,
        order_by: Annotated[
            OrganisationOrder | None, strawberry.argument(description="Sort order (name).")
        ] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[Organisation]:
        ctx = info.context
        query = organisation_query(narrow_shas(ctx, shas), filter)
        return await paginate(
            ctx.db,
            query,
            organisation_ordering(order_by),
            page,
            Organisation.from_row,
        )

    @strawberry.field(
        description="Members of the SHAs in scope.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def members(
        self,
        info: Info,
        page: PageArgs,
        filter: Annotated[
            MemberFilter | None, strawberry.argument(description="Conditions to match.")
        ] = None,
        order_by: Annotated[
            MemberOrder | None, strawberry.argument(description="Sort order (name).")
        ] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[Member]:
        ctx = info.context
        selected = selected_at(info, ("edges", "node"), ("nodes",))
        ordering = member_ordering(order_by)
        columns = member_columns(selected, ordering)
        query = member_shape(narrow_shas(ctx, shas), filter, columns)
        # a page that shows organisations gets them in its own statement
        joined = any(field.name == "organisation" for field in selected)
        return await paginate(
            ctx.db,
            query,
            ordering,
            page,
            FromRows(members_priming_organisations(ctx) if joined else Member.from_rows),
            after_page=page_prefetcher(ctx, Member, selected),
            extend_page=with_organisation if joined else None,
        )

    @strawberry.field(description="One member by global id.", permission_classes=[IsAuthenticated])
    async def member(self, info: Info, id: GlobalIdArg) -> Member | None:
        gid = decode_id(id, "Member")
        if gid.sha_code not in info.context.scope.read:
            return None
        return await _fetch_member(info.context, gid)

    @strawberry.field(
        description="One organisation by global id.",
        permission_classes=[IsAuthenticated],
    )
    async def organisation(self, info: Info, id: GlobalIdArg) -> Organisation | None:
        gid = decode_id(id, "Organisation")
        if gid.sha_code not in info.context.scope.read:
            return None
        return await _fetch_organisation(info.context, gid)
