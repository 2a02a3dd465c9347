"""A finished request leaves nothing for the garbage collector: reference counting
frees its executor, DataLoaders, rows and objects. A reference cycle through any of
them kept the whole request until a collection, whose walks cost CPU under
concurrency (docs/benchmarks.md, round 10)."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.factories import create_member
from tests.support import GraphQLClient

PAGE = """{ members(first: 20, shas: ["Q35"]) {
  edges { cursor node { id givenName organisation { id name } networks(first: 5) { role network { name } } } }
  pageInfo { endCursor } } }"""

# what a request builds: none of these may be left in a cycle
REQUEST_TYPES = {
    "FastFieldExecutor",
    "Context",
    "Member",
    "Organisation",
    "NetworkMembership",
    "LoaderTask",
    "MemberByIdLoader",
    "OrganisationByIdLoader",
    "MembershipsByMemberLoader",
    "TenantDB",
}


@pytest.fixture
def saved_garbage() -> Iterator[list[object]]:
    """Collection off; what the next collection finds is kept in `gc.garbage`."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


async def test_a_page_and_a_node_leave_no_cycle(
    gql: GraphQLClient, saved_garbage: list[object]
) -> None:
    member = await create_member(gql, "Q35")
    gc.collect()
    saved_garbage.clear()
    for _ in range(3):
        await gql.data(PAGE, as_role=("sha_admin", "Q35"))
        await gql.data(
            "query($id: ID!) { member(id: $id) { id organisation { name } } }",
            {"id": member["id"]},
            as_role=("sha_admin", "Q35"),
        )
    gc.collect()
    left = Counter(type(o).__name__ for o in saved_garbage)
    assert not {name: left[name] for name in REQUEST_TYPES if left[name]}, left.most_common(12)
