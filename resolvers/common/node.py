"""The Relay `Node` interface and the registry that resolves a global id to an object.

Each domain registers a fetcher per type name; `node(id)` decodes the id, refuses a
type whose area a partner's token does not reach and a region outside the request's
scope before any SQL, then asks the type's DataLoader
(so `nodes(ids)` costs one statement per type)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from auth.areas import Area, area_of, partner_may_read
from resolvers.common.context import Context
from resolvers.common.ids import GlobalId, decode_id


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global id, opaque to clients.")


NodeFetcher = Callable[[Context, GlobalId], Awaitable[Any | None]]
_FETCHERS: dict[str, NodeFetcher] = {}
_NATIONAL: set[str] = set()
_AREAS: dict[str, Area | None] = {}


def register_node(type_name: str, fetcher: NodeFetcher, *, national: bool = False) -> None:
    """`national=True` for types whose rows may be published to every SHA: their ids
    from other regions still reach the fetcher, and RLS decides what is visible."""
    _FETCHERS[type_name] = fetcher
    # the type's scope area, from the domain registering it (auth/areas.py)
    _AREAS[type_name] = area_of(type_name, fetcher.__module__)
    if national:
        _NATIONAL.add(type_name)


def may_fetch(ctx: Context, gid: GlobalId) -> bool:
    """A partner needs the read scope of the type's area (an abstract `Node` or
    `_Entity` result says nothing of it before this); then the region decides."""
    if not partner_may_read(ctx.principal, _AREAS.get(gid.type_name)):
        return False
    if gid.sha_code in ctx.scope.read:
        return True
    return gid.type_name in _NATIONAL and ctx.principal is not None and bool(ctx.scope.read)


async def fetch_node(ctx: Context, value: str) -> Any | None:
    gid = decode_id(value)
    fetcher = _FETCHERS.get(gid.type_name)
    if fetcher is None or not may_fetch(ctx, gid):
        return None
    return await fetcher(ctx, gid)
