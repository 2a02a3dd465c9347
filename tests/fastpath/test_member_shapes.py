"""Members pages run statements built once per shape (`member_shape`, `ShapedQuery`):
every shape a filter can make is on the prepared path, a shape's statement is reused
whatever the values, and lists of several values answer as the union of each value."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from resolvers.common.ids import encode_id
from resolvers.common.pagination import (
    ShapedQuery,
    _shaped_count,
    _shaped_page,
    _StatementsByShape,
)
from resolvers.directory.enums import MemberRole, MemberStatus, Profession
from resolvers.directory.loaders import with_organisation
from resolvers.directory.queries import (
    MemberFilter,
    MemberOrder,
    MemberSortField,
    member_ordering,
    member_shape,
)
from resolvers.directory.tables import members
from tests.support import GraphQLClient

ASYNCPG = postgresql.asyncpg.dialect()
ORGANISATION_ID = encode_id("Organisation", "Q34", "00000000-0000-0000-0000-000000000001")


def _filters() -> list[MemberFilter]:
    """Every combination of the filter's conditions, lists of one and of two values."""
    found = []
    for professions, statuses, roles, organisation, search in itertools.product(
        (None, [Profession.NURSE], [Profession.GP, Profession.MANAGER]),
        (None, [MemberStatus.ACTIVE, MemberStatus.LEFT]),
        (None, [MemberRole.PBC_LEAD]),
        (None, ORGANISATION_ID),
        (None, "ab"),
    ):
        found.append(
            MemberFilter(
                professions=professions,
                roles=roles,
                organisation_id=organisation,
                statuses=statuses,
                search=search,
            )
        )
    return found


@pytest.mark.parametrize("where", _filters())
def test_every_shape_runs_on_the_prepared_path(where: MemberFilter) -> None:
    for shas in (["Q34"], ["Q30", "Q34"]):
        query = member_shape(shas, where, [members.c.sha_code, members.c.id])
        for order, descending, after, extend in itertools.product(
            (None, MemberOrder(field=MemberSortField.JOINED_ON)),
            (False, True),
            (False, True),
            (None, with_organisation),
        ):
            page = _shaped_page(query, member_ordering(order), descending, after, extend, 51)
            # None would mean SQLAlchemy runs it (an expanding list, say): correct, slower
            assert page.plan(ASYNCPG) is not None
        assert _shaped_count(query).plan(ASYNCPG) is not None


def test_a_shape_is_built_once_whatever_its_values() -> None:
    ordering = member_ordering(None)
    nurses = member_shape(["Q34"], MemberFilter(professions=[Profession.NURSE]))
    gps = member_shape(["Q31"], MemberFilter(professions=[Profession.GP], search="x"))
    midwives = member_shape(["Q35"], MemberFilter(professions=[Profession.MIDWIFE], search="y"))
    assert _shaped_page(gps, ordering, False, True, None, 51) is _shaped_page(
        midwives, ordering, False, True, None, 51
    )
    assert _shaped_page(nurses, ordering, False, True, None, 51) is not _shaped_page(
        gps, ordering, False, True, None, 51
    )
    # the page size is written into the statement (a generic plan of a bound LIMIT
    # assumes a tenth of the rows): one statement per size
    assert _shaped_page(gps, ordering, False, True, None, 11) is not _shaped_page(
        gps, ordering, False, True, None, 51
    )
    plan = _shaped_page(gps, ordering, False, True, None, 11).plan(ASYNCPG)
    assert plan is not None and plan.sql.rstrip().endswith("LIMIT 11")
    assert gps.params["profession_0"] == "GP" and midwives.params["search"] == "%y%"


def test_statements_by_shape_drop_the_least_recently_used() -> None:
    cache = _StatementsByShape(2)
    built: list[str] = []

    def build(name: str) -> Any:
        built.append(name)
        return select(members.c.id)

    a = cache.get("a", lambda: build("a"))
    cache.get("b", lambda: build("b"))
    assert cache.get("a", lambda: build("a")) is a  # used again: now the most recent
    cache.get("c", lambda: build("c"))  # drops b
    cache.get("a", lambda: build("a"))
    cache.get("b", lambda: build("b"))
    assert built == ["a", "b", "c", "b"]


COUNT = "query($f: MemberFilter) { members(filter: $f, first: 500) { totalCount nodes { id } } }"


async def _ids(gql: GraphQLClient, where: dict[str, Any]) -> tuple[int, set[str]]:
    page = await gql.data(COUNT, {"f": where}, as_role=("sha_admin", "Q34"))
    members_page = page["members"]
    return members_page["totalCount"], {node["id"] for node in members_page["nodes"]}


async def test_lists_of_several_values_answer_as_the_union(gql: GraphQLClient) -> None:
    for name, values in (("professions", ["NURSE", "GP"]), ("statuses", ["ACTIVE", "LEFT"])):
        total, ids = await _ids(gql, {name: values})
        parts = [await _ids(gql, {name: [value]}) for value in values]
        assert total == sum(count for count, _ in parts) > 0
        assert total <= 500  # the page holds them all
        assert ids == set().union(*(part for _, part in parts))


def test_shaped_queries_name_their_values_apart_from_the_page() -> None:
    # paginate binds `page_*` beside a shape's own parameters
    query: ShapedQuery = member_shape(
        ["Q30", "Q34"],
        MemberFilter(
            professions=[Profession.GP],
            roles=[MemberRole.PBC_LEAD],
            organisation_id=ORGANISATION_ID,
            search="a",
        ),
    )
    assert query.params and not any(name.startswith("page_") for name in query.params)
