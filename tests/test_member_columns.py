"""A members page fetches only the columns its fields read (resolvers/directory/columns.py).
Every field of Member, selected on its own from a page, answers what the member
fetched whole answers; a field not known to the column map fetches every column."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type, is_leaf_type

from resolvers.common.pagination import Ordering
from resolvers.directory.columns import FIELD_COLUMNS, member_columns
from resolvers.directory.tables import members
from schema import build_schema
from tests.factories import create_member as make_member
from tests.support import GraphQLClient, SqlLog

AS_ADMIN = ("sha_admin", "Q34")


def _member_fields() -> dict[str, str]:
    """Every field of Member with a selection that shows it (leaves as they are,
    objects by their `__typename` and first leaf)."""
    member = build_schema().graphql_schema.get_type("Member")
    assert isinstance(member, GraphQLObjectType)
    selections = {}
    for name, field in member.fields.items():
        named = get_named_type(field.type)
        if is_leaf_type(named):
            selections[name] = name
        else:
            assert isinstance(named, GraphQLObjectType)
            leaf = next(n for n, f in named.fields.items() if is_leaf_type(get_named_type(f.type)))
            selections[name] = f"{name} {{ __typename {leaf} }}"
    return selections


MEMBER_FIELDS = _member_fields()


def test_every_field_of_member_is_in_the_column_map() -> None:
    # a new field is safe without an entry (the page then fetches every column), but
    # then it costs the wide page its pruning: this names it
    assert set(MEMBER_FIELDS) <= set(FIELD_COLUMNS), set(MEMBER_FIELDS) - set(FIELD_COLUMNS)


@pytest.mark.parametrize("field", sorted(MEMBER_FIELDS))
async def test_each_field_alone_answers_as_the_whole_member(gql: GraphQLClient, field: str) -> None:
    # no email, no registration: nulls answered from fetched columns, not missing ones
    first = await make_member(gql, "Q34", email=None, profession="MANAGER", registration=None)
    await make_member(gql, "Q34")
    selection = MEMBER_FIELDS[field]
    page = await gql.data(
        f'{{ members(first: 40, shas: ["Q34"]) {{ nodes {{ id {selection} }} }} }}',
        as_role=AS_ADMIN,
    )
    nodes = page["members"]["nodes"]
    assert any(node["id"] == first["id"] for node in nodes) or len(nodes) == 40
    for node in nodes[:12]:
        alone = await gql.data(
            f"query($id: ID!) {{ member(id: $id) {{ id {selection} }} }}",
            {"id": node["id"]},
            as_role=AS_ADMIN,
        )
        assert node == alone["member"], field


async def test_a_wide_page_fetches_only_what_it_shows(gql: GraphQLClient, sql_log: SqlLog) -> None:
    sql_log.clear()
    await gql.data(
        '{ members(first: 5, shas: ["Q34"]) { nodes { id givenName updatedAt } } }',
        as_role=AS_ADMIN,
    )
    (page,) = [q for q in sql_log.data_queries() if "FROM members" in q]
    selected = page.split("FROM members")[0]
    assert "members.updated_at" in selected and "members.given_name" in selected
    for absent in ("created_at", "registration_body", "organisation_id", "email"):
        assert f"members.{absent}" not in selected, page


class _Field:
    def __init__(self, name: str) -> None:
        self.name = name


def test_a_field_not_in_the_map_fetches_every_column() -> None:
    ordering = Ordering(
        (members.c.family_name, members.c.given_name, members.c.sha_code, members.c.id)
    )
    fields: Any = [_Field("givenName"), _Field("somethingNew")]
    assert member_columns(fields, ordering) is None
    known: Any = [_Field("email")]
    names = [c.name for c in member_columns(known, ordering) or []]
    # the key, the sort columns (cursors) and the field's own (e-mail with the member's
    # privacy choice, which decides who sees it: resolvers/directory/privacy.py)
    assert names == ["sha_code", "id", "given_name", "family_name", "email", "contact_visible"]
