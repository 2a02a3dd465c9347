"""The schema as a contract: every type, field and argument is described, the committed
schema.graphql is current, and nothing breaks against the released snapshot."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    is_introspection_type,
    is_specified_scalar_type,
)
from graphql import (
    build_schema as build_sdl,
)

from clngraph.cli import SCHEMA_FILE
from schema import build_schema
from schema.contract import RELEASED_FILE, compare, released_schema


def _federation_internal(name: str) -> bool:
    """`_Any`, `_Entity`, `_Service`, `_entities`, `_service`, `link__*`: Apollo's, not ours."""
    return name.startswith("_") or name.startswith("link__")


def undescribed(schema: GraphQLSchema) -> list[str]:
    missing = []
    for name, type_ in schema.type_map.items():
        if is_introspection_type(type_) or is_specified_scalar_type(type_):
            continue
        if _federation_internal(name):
            continue
        if not type_.description:
            missing.append(f"type {name}")
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                if _federation_internal(field_name):
                    continue
                if not field.description:
                    missing.append(f"field {name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"argument {name}.{field_name}({arg_name})")
    return missing


def test_every_type_field_and_argument_has_a_description() -> None:
    assert undescribed(build_schema().graphql_schema) == []


def test_the_description_check_catches_a_missing_one() -> None:
    sdl = '"""Root."""\ntype Query { """Described."""\nok: Int\nbare(arg: Int): Int }'
    assert undescribed(build_sdl(sdl)) == ["field Query.bare", "argument Query.bare(arg)"]


def test_committed_schema_file_is_current() -> None:
    assert SCHEMA_FILE.read_text() == str(build_schema()) + "\n"


def test_no_breaking_change_against_the_released_schema() -> None:
    breaking, _ = compare(released_schema(), build_schema().graphql_schema)
    assert breaking == []


def test_breaking_change_check_flags_a_removed_field(tmp_path: Path) -> None:
    text = RELEASED_FILE.read_text()
    # a "release" that had a field we no longer have
    older = text.replace(
        '"""A clinician or manager in the network."""\ntype Member implements Node {',
        '"""A clinician or manager in the network."""\ntype Member implements Node {\n  pager: String',
    )
    assert older != text
    path = tmp_path / "released.graphql"
    path.write_text(older)
    breaking, _ = compare(released_schema(path), build_schema().graphql_schema)
    assert [c.description for c in breaking] == ["Field Member.pager was removed."]
