"""bench.attribution: the layers it times are the ones a real request passes through
(every counter moves on a node lookup through the ASGI app), nested as labelled, and
the app's own functions are back in place afterwards."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bench.attribution import layers, measured
from bench.cpu import call


async def test_a_node_lookup_passes_through_every_layer(
    app: Any, make_token: Any, gql: Any
) -> None:
    member = await gql.data(
        '{ members(first: 1, shas: ["Q31"]) { nodes { id } } }', as_role=("member", "Q31")
    )
    member_id = member["members"]["nodes"][0]["id"]
    body = (
        '{"query": "query($id: ID!) { node(id: $id) { id ... on Member { organisation { name } } } }",'
        f' "variables": {{"id": "{member_id}"}}}}'
    ).encode()
    headers = [
        (b"authorization", f"Bearer {make_token('member', 'Q31')}".encode()),
        (b"content-type", b"application/json"),
    ]
    originals = [getattr(owner, name) for _, owner, name in layers()]
    spent: defaultdict[str, float] = defaultdict(float)
    with measured(spent):
        assert await call(app, body, headers) == 200
    assert [getattr(owner, name) for _, owner, name in layers()] == originals
    labels = [label for label, _, _ in layers()]
    assert all(spent[label] > 0 for label in labels), spent
    # nesting as labelled: the whole stack holds the view, the view holds execute
    stack, view, execute = (spent[labels[i]] for i in (0, 2, 4))
    assert stack >= view >= execute
