"""DataLoaders of the network map: one SQL statement per batch. Lists per parent use one
windowed query (`row_number() OVER (PARTITION BY parent ...)`), so a page of members
each with their first N networks costs one statement whatever the page size."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, bindparam, func, select, tuple_
from strawberry.types.nodes import SelectedField

from resolvers.common.enums import by_value
from resolvers.common.loaders import RequestLoader, group_by_columns
from resolvers.common.lookahead import register_prefetch
from resolvers.common.pagination import MAX_WINDOW
from resolvers.common.rows import Columns
from resolvers.common.sql import any_param, sha_binding, sha_param
from resolvers.directory.types import MEMBER_NETWORKS_WINDOW, Member
from resolvers.networks.enums import NetworkRole
from resolvers.networks.tables import network_links, network_members, networks
from resolvers.networks.types import Network, NetworkLink, NetworkMembership
from tenants.prepared import prepared

_ROLE = by_value(NetworkRole)

Key = tuple[str, uuid.UUID]
WindowKey = tuple[str, uuid.UUID, int]


class NetworkByIdLoader(RequestLoader[Key, Network | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[Network | None]:
        shas = sorted({k[0] for k in keys})
        rows = await self.ctx.db.rows(
            select(networks).where(
                networks.c.sha_code.in_(shas), tuple_(networks.c.sha_code, networks.c.id).in_(keys)
            )
        )
        found = {(r.sha_code, r.id): Network.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class LinkByIdLoader(RequestLoader[Key, NetworkLink | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[NetworkLink | None]:
        nl = network_links
        shas = sorted({k[0] for k in keys})
        rows = await self.ctx.db.rows(
            select(nl).where(nl.c.sha_code.in_(shas), tuple_(nl.c.sha_code, nl.c.id).in_(keys))
        )
        found = {(r.sha_code, r.id): NetworkLink.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


@functools.cache
def _membership_columns(parent: str) -> Columns:
    """A windowed row's membership columns, then its parent's id (`member_id` or
    `network_id`), read in one call per row."""
    return Columns("role", "joined_at", "sha_code", "member_id", "n_id", parent)


def _memberships(
    rows: Sequence[Any], parent: str
) -> dict[tuple[str, Any], list[NetworkMembership]]:
    """A batch's rows as NetworkMemberships, by (sha, parent id), in row order. The
    rows' keys are read once (`Columns.each`, `Network.reader`). The rows repeat networks (an SHA has about forty, and a page's members
    share them): each network is built once and shared, as each of its rows would
    build the same value."""
    networks: dict[tuple[str, Any], Network] = {}
    network_of = Network.reader(rows, prefix="n_")
    grouped: dict[tuple[str, Any], list[NetworkMembership]] = {}
    for row, columns in zip(rows, _membership_columns(parent).each(rows), strict=True):
        role, joined_at, sha_code, member_id, network_id, parent_id = columns
        network = networks.get((sha_code, network_id))
        if network is None:
            network = networks[(sha_code, network_id)] = network_of(row)
        membership = NetworkMembership(
            role=_ROLE(role),
            joined_at=joined_at,
            network=network,
            sha_code=sha_code,
            member_db_id=member_id,
        )
        grouped.setdefault((sha_code, parent_id), []).append(membership)
    return grouped


@functools.cache
def _windowed_statement(parent: Any, order: tuple[Any, ...], single: bool) -> Any:
    """Memberships joined to their network, numbered per parent, cut at the largest
    window. Built once per (parent, order, SHA form): each batch only binds its values (arrays of
    shas and parent ids, limit), so no statement is built per request; the callers
    group the rows by (sha, parent), so only the parents asked for are answered."""
    nm, n = network_members, networks
    number = func.row_number().over(partition_by=(nm.c.sha_code, parent), order_by=list(order))
    inner = (
        select(
            nm.c.sha_code,
            nm.c.network_id,
            nm.c.member_id,
            nm.c.role,
            nm.c.joined_at,
            *[col.label(f"n_{col.name}") for col in n.c],
            number.label("position"),
        )
        .join(n, (n.c.sha_code == nm.c.sha_code) & (n.c.id == nm.c.network_id))
        .where(
            sha_param(nm.c.sha_code, "shas", single=single),
            sha_param(n.c.sha_code, "shas", single=single),
        )
        .where(any_param(parent, "parents"))
        .subquery()
    )
    return prepared(
        select(inner)
        .where(inner.c.position <= bindparam("window", type_=Integer))
        .order_by(inner.c.position)
    )


async def _windowed(ctx: Any, parent: Any, order: tuple[Any, ...], keys: list[WindowKey]) -> Any:
    single, shas = sha_binding(keys)
    return await ctx.db.rows(
        _windowed_statement(parent, order, single),
        {
            "shas": shas,
            "parents": sorted({k[1] for k in keys}),
            "window": max(k[2] for k in keys),
        },
    )


class MembershipsByNetworkLoader(RequestLoader[WindowKey, list[NetworkMembership]]):
    """A network's first N members, by role then join date."""

    async def load_batch(self, keys: list[WindowKey]) -> Sequence[list[NetworkMembership]]:
        nm = network_members
        order = (nm.c.role, nm.c.joined_at, nm.c.member_id)
        rows = await _windowed(self.ctx, nm.c.network_id, order, keys)
        grouped = _memberships(rows, "network_id")
        # a new list per key: each key's own first k[2]
        return [grouped.get((k[0], k[1]), [])[: k[2]] for k in keys]


class MembershipsByMemberLoader(RequestLoader[WindowKey, list[NetworkMembership]]):
    """A member's first N networks, by network name."""

    async def load_batch(self, keys: list[WindowKey]) -> Sequence[list[NetworkMembership]]:
        nm, n = network_members, networks
        rows = await _windowed(self.ctx, nm.c.member_id, (n.c.name, n.c.id), keys)
        grouped = _memberships(rows, "member_id")
        # a new list per key: each key's own first k[2]
        return [grouped.get((k[0], k[1]), [])[: k[2]] for k in keys]


class MemberCountByNetworkLoader(RequestLoader[Key, int]):
    async def load_batch(self, keys: list[Key]) -> Sequence[int]:
        nm = network_members
        shas = sorted({k[0] for k in keys})
        query = (
            select(nm.c.sha_code, nm.c.network_id, func.count().label("n"))
            .where(nm.c.sha_code.in_(shas), tuple_(nm.c.sha_code, nm.c.network_id).in_(keys))
            .group_by(nm.c.sha_code, nm.c.network_id)
        )
        counts = {(r.sha_code, r.network_id): r.n for r in await self.ctx.db.rows(query)}
        return [counts.get(k, 0) for k in keys]


class LinksByNetworkLoader(RequestLoader[Key, list[NetworkLink]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[NetworkLink]]:
        nl = network_links
        shas = sorted({k[0] for k in keys})
        query = (
            select(nl)
            .where(nl.c.sha_code.in_(shas), tuple_(nl.c.sha_code, nl.c.network_id).in_(keys))
            .order_by(nl.c.created_at, nl.c.id)
        )
        grouped = group_by_columns(await self.ctx.db.rows(query), "sha_code", "network_id")
        return [[NetworkLink.from_row(r) for r in grouped.get(k, [])] for k in keys]


async def prefetch_member_networks(
    ctx: Any, page: Sequence[Member], fields: list[SelectedField]
) -> None:
    """`Member.networks(first:)` for a whole page: one windowed statement per distinct
    window asked; a window out of range is left to the field to report."""
    windows = {_window(f.arguments.get("first", MEMBER_NETWORKS_WINDOW)) for f in fields}
    loader = ctx.loader(MembershipsByMemberLoader)
    for first in sorted(w for w in windows if w is not None and 0 <= w <= MAX_WINDOW):
        await loader.load_all([(m.sha_code, m.db_id, first) for m in page])


def _window(value: Any) -> int | None:
    """A literal argument arrives as its source text ("5"), a variable as an int."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


register_prefetch(Member, "networks", prefetch_member_networks)
