"""Apollo Federation entity references, resolved through the node registry.

A gateway's `_entities(representations: [{__typename, id}])` reaches our objects by
their global id, so an entity lookup is exactly a `node(id:)` lookup: an id of a
region outside the request's scope resolves to null before any SQL, and RLS still
applies underneath. Every entity type follows the same pattern:

    @strawberry.federation.type(keys=["id"], description="...")
    class Network(Node, GlobalIdEntity):
        ...

with `register_node("Network", fetcher)` done in the domain's queries module
(`national=True` for types whose rows may be published to every SHA: RLS and the
fetcher then decide, exactly as for `node(id:)`).
"""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.ids import decode_id
from resolvers.common.node import fetch_node


async def resolve_entity(info: Info, type_name: str, id: str) -> Any | None:
    """The object behind a representation's `id`, or null (wrong type, out of reach, absent)."""
    if decode_id(id).type_name != type_name:
        return None
    return await fetch_node(info.context, id)


class GlobalIdEntity:
    """Mixin for a `@strawberry.federation.type(keys=["id"])` Node type: its
    `resolve_reference` is the node lookup of its own GraphQL type name."""

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Any | None:
        """Federation `_entities`: the same lookup, and tenant rules, as `node(id:)`."""
        name = cls.__strawberry_definition__.name  # type: ignore[attr-defined]
        return await resolve_entity(info, name, id)
