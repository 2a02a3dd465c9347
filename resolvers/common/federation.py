"""Apollo Federation entity references, resolved through the node registry.

A gateway's `_entities(representations: [{__typename, id}])` reaches our objects by
their global id, so an entity lookup is exactly a `node(id:)` lookup: an id of a
region outside the request's scope resolves to null before any SQL, and RLS still
applies underneath. Every entity type follows the same pattern:

    @strawberry.federation.type(keys=["id"], description="...")
    class Network(Node):
        ...

        @classmethod
        async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Network | None:
            return await resolve_entity(info, "Network", id)

with `register_node("Network", fetcher)` done in the domain's queries module.
"""

from __future__ import annotations

from typing import Any

from resolvers.common.context import Info
from resolvers.common.ids import decode_id
from resolvers.common.node import fetch_node


async def resolve_entity(info: Info, type_name: str, id: str) -> Any | None:
    """The object behind a representation's `id`, or null (wrong type, out of reach, absent)."""
    if decode_id(id).type_name != type_name:
        return None
    return await fetch_node(info.context, id)
