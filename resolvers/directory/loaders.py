"""DataLoaders of the directory: one SQL statement per batch, whatever the batch size."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select, tuple_

from resolvers.common.loaders import RequestLoader, group_by_columns
from resolvers.common.sql import any_param, by_key, sha_binding, sha_param
from resolvers.directory.enums import ShaStatus
from resolvers.directory.tables import members, organisations, sha_status_history
from resolvers.directory.types import Member, Organisation, StatusChange
from tenants.prepared import prepared

Key = tuple[str, uuid.UUID]


class OrganisationByIdLoader(RequestLoader[Key, Organisation | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[Organisation | None]:
        rows = await self.ctx.db.rows(*by_key(organisations, keys))
        found = {(r.sha_code, r.id): Organisation.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


ORGANISATION_PREFIX = "org_"


# built once: SQL expressions are immutable, and a directory page joined them anew
_ORGANISATION_LABELS = tuple(c.label(ORGANISATION_PREFIX + c.name) for c in organisations.c)
_ORGANISATION_JOIN = (organisations.c.sha_code == members.c.sha_code) & (
    organisations.c.id == members.c.organisation_id
)


def with_organisation(query: Any) -> Any:
    """`query` over members, plus each member's organisation as `org_*` columns: the
    organisation comes with the member in the same statement (no second round trip).
    `organisations.sha_code = members.sha_code` lets PostgreSQL prune both sides."""
    return query.add_columns(*_ORGANISATION_LABELS).outerjoin(organisations, _ORGANISATION_JOIN)


def members_priming_organisations(ctx: Any) -> Callable[[Sequence[Any]], list[Member]]:
    """Turns one statement's `with_organisation` rows into Members and primes the
    request's OrganisationByIdLoader with their organisations, so `Member.organisation`
    needs no SQL."""
    organisation_loader = ctx.loader(OrganisationByIdLoader)

    def to_members(rows: Sequence[Any]) -> list[Member]:
        for organisation in Organisation.from_joined_rows(rows, ORGANISATION_PREFIX):
            if organisation is not None:
                organisation_loader.prime((organisation.sha_code, organisation.db_id), organisation)
        return Member.from_rows(rows)

    return to_members


@functools.cache
def member_by_key_statement(single: bool) -> Any:
    """Members by (sha_code, id) with their organisations joined (`with_organisation`);
    `single` as from `sha_binding`."""
    return prepared(
        with_organisation(select(members)).where(
            sha_param(members.c.sha_code, "shas", single=single), any_param(members.c.id, "ids")
        )
    )


class MemberByIdLoader(RequestLoader[Key, Member | None]):
    """Members with their organisations (primed), in one statement per batch."""

    async def load_batch(self, keys: list[Key]) -> Sequence[Member | None]:
        single, shas = sha_binding(keys)
        rows = await self.ctx.db.rows(
            member_by_key_statement(single), {"shas": shas, "ids": [k[1] for k in keys]}
        )
        found = {(m.sha_code, m.db_id): m for m in members_priming_organisations(self.ctx)(rows)}
        return [found.get(k) for k in keys]


class CountByShaLoader(RequestLoader[str, int]):
    """Rows of `table` per SHA visible to the caller: one GROUP BY for every SHA asked."""

    table: Any

    async def load_batch(self, keys: list[str]) -> Sequence[int]:
        sha_code = self.table.c.sha_code
        query = (
            select(sha_code, func.count().label("n")).where(sha_code.in_(keys)).group_by(sha_code)
        )
        counts = {r.sha_code: r.n for r in await self.ctx.db.rows(query)}
        return [counts.get(k, 0) for k in keys]


class MemberCountByShaLoader(CountByShaLoader):
    table = members


class OrganisationCountByShaLoader(CountByShaLoader):
    table = organisations


class MemberCountByOrganisationLoader(RequestLoader[Key, int]):
    async def load_batch(self, keys: list[Key]) -> Sequence[int]:
        shas = sorted({k[0] for k in keys})
        query = (
            select(members.c.sha_code, members.c.organisation_id, func.count().label("n"))
            .where(
                members.c.sha_code.in_(shas),
                tuple_(members.c.sha_code, members.c.organisation_id).in_(keys),
            )
            .group_by(members.c.sha_code, members.c.organisation_id)
        )
        counts = {(r.sha_code, r.organisation_id): r.n for r in await self.ctx.db.rows(query)}
        return [counts.get(k, 0) for k in keys]


class StatusHistoryByShaLoader(RequestLoader[str, list[StatusChange]]):
    async def load_batch(self, keys: list[str]) -> Sequence[list[StatusChange]]:
        query = (
            select(sha_status_history)
            .where(sha_status_history.c.sha_code.in_(keys))
            .order_by(sha_status_history.c.sha_code, sha_status_history.c.changed_at)
        )
        grouped = group_by_columns(await self.ctx.db.rows(query), "sha_code")
        return [
            [
                StatusChange(
                    status=ShaStatus(r.status),
                    changed_at=r.changed_at,
                    changed_by=r.changed_by,
                    note=r.note,
                )
                for r in grouped.get(k, [])
            ]
            for k in keys
        ]


_PROFILE_COLUMNS = ("sha_code", "id", "phone", "job_title", "biography", "interests")


@functools.cache
def _profile_statement(single: bool) -> Any:
    return prepared(
        select(*(members.c[name] for name in _PROFILE_COLUMNS)).where(
            sha_param(members.c.sha_code, "shas", single=single), any_param(members.c.id, "ids")
        )
    )


class MemberProfileByIdLoader(RequestLoader[Key, Any]):
    """The profile a member edits herself (phone, job title, biography, interests):
    read only when a page selects one of those fields, one statement per batch."""

    async def load_batch(self, keys: list[Key]) -> Sequence[Any]:
        single, shas = sha_binding(keys)
        rows = await self.ctx.db.rows(
            _profile_statement(single), {"shas": shas, "ids": [k[1] for k in keys]}
        )
        found = {(r.sha_code, r.id): r for r in rows}
        return [found.get(k) for k in keys]
