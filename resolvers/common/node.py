"""The Relay `Node` interface and the registry that resolves a global id to an object.

Each domain registers a fetcher per type name; `node(id)` decodes the id, refuses a
region outside the request's scope before any SQL, then asks the type's DataLoader
(so `nodes(ids)` costs one statement per type)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from resolvers.common.context import Context
from resolvers.common.ids import GlobalId, decode_id


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global id, opaque to clients.")


NodeFetcher = Callable[[Context, GlobalId], Awaitable[Any | None]]
_FETCHERS: dict[str, NodeFetcher] = {}
_CROSS_REGION: set[str] = set()


def register_node(type_name: str, fetcher: NodeFetcher, *, crosses_regions: bool = False) -> None:
    """`crosses_regions`: the type has nationally published rows (readable by policy in
    every SHA), so an id of another SHA is passed to the fetcher and RLS decides."""
    _FETCHERS[type_name] = fetcher
    if crosses_regions:
        _CROSS_REGION.add(type_name)


async def fetch_node(ctx: Context, value: str) -> Any | None:
    gid = decode_id(value)
    fetcher = _FETCHERS.get(gid.type_name)
    if fetcher is None:
        return None
    if gid.sha_code not in ctx.scope.read and gid.type_name not in _CROSS_REGION:
        return None
    return await fetcher(ctx, gid)
